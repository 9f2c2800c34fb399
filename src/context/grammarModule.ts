// Loads a grammar .wasm into web-tree-sitter from a module compiled here, synchronously. Language.load compiles
// asynchronously, and V8 runs an asynchronous compile as tasks on the background threads that also optimise hot
// wasm code (TurboFan). A grammar's lexer is one huge function whose optimisation takes seconds (bash's: 160 KB
// of code), and every grammar loaded after it waited behind that with the indexing thread idle: on 2 cores, half
// of a small repository's indexing time. A synchronous compile is lazy (functions compile on their first call)
// and takes milliseconds, so this thread parses on while the optimiser works on the other core.
// Language.load takes only bytes: while it runs, its WebAssembly.instantiate call with exactly these bytes is
// answered with the module compiled here. Any other call passes through unchanged.
import {Language} from "web-tree-sitter";

type Instantiate = typeof WebAssembly.instantiate;

const compiled = new Map<BufferSource, WebAssembly.Module>();
let passThrough: Instantiate | undefined;

const instantiateCompiled = ((source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
    const module = source instanceof WebAssembly.Module ? undefined : compiled.get(source);
    if (!module) return (passThrough ?? WebAssembly.instantiate)(source as BufferSource, imports);
    try {
        return Promise.resolve({module, instance: new WebAssembly.Instance(module, imports)});
    } catch (error) {
        return Promise.reject(error);
    }
}) as Instantiate;

export async function loadLanguage(bytes: Uint8Array<ArrayBuffer>): Promise<Language> {
    compiled.set(bytes, new WebAssembly.Module(bytes));
    if (!passThrough) {
        passThrough = WebAssembly.instantiate;
        WebAssembly.instantiate = instantiateCompiled;
    }
    try {
        return await Language.load(bytes);
    } finally {
        compiled.delete(bytes);
        if (compiled.size === 0 && passThrough) {
            WebAssembly.instantiate = passThrough;
            passThrough = undefined;
        }
    }
}

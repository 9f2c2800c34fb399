// Grammars are compiled synchronously and handed to web-tree-sitter (grammarModule.ts): its asynchronous
// instantiation is never used for them, WebAssembly.instantiate is left as it was, and a broken file fails clearly.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {after, before, describe, it} from "mocha";
import {Parser} from "web-tree-sitter";
import {loadLanguage} from "../../../src/context/grammarModule";
import {GrammarSet} from "../../../src/context/parser";
import {locateWasmFiles} from "../../../src/context/wasmLocation";

describe("context: grammar modules", function () {
    this.timeout(120000);
    const files = locateWasmFiles();
    const bytesOf = (language: "go" | "python" | "rust"): Uint8Array<ArrayBuffer> => new Uint8Array(fs.readFileSync(files.grammars[language]));
    const original = WebAssembly.instantiate;
    let asynchronous: unknown[] = [];
    before(async () => {
        await GrammarSet.create(); // starts the tree-sitter runtime
        // Counts every call that reaches the real (asynchronous) instantiate.
        WebAssembly.instantiate = ((...args: Parameters<typeof original>) => { asynchronous.push(args[0]); return original(...args); }) as typeof original;
    });
    after(() => { WebAssembly.instantiate = original; });

    it("instantiates a grammar from the module compiled here, never asynchronously, and restores instantiate", async () => {
        const counting = WebAssembly.instantiate;
        asynchronous = [];
        const [go, python] = await Promise.all([loadLanguage(bytesOf("go")), loadLanguage(bytesOf("python"))]);
        assert.equal(asynchronous.length, 0, "web-tree-sitter's instantiate calls were answered with the compiled modules");
        assert.equal(WebAssembly.instantiate, counting, "WebAssembly.instantiate is what it was before");
        const parser = new Parser();
        for (const [language, text] of [[go, "package p\nfunc F() {}\n"], [python, "def f():\n    return 1\n"]] as const) {
            parser.setLanguage(language);
            const tree = parser.parse(text)!;
            assert.equal(tree.rootNode.hasError, false);
            tree.delete();
        }
        parser.delete();
    });

    it("passes other instantiate calls through while a grammar loads", async () => {
        const counting = WebAssembly.instantiate;
        asynchronous = [];
        const other = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // the smallest valid module
        const loading = loadLanguage(bytesOf("rust"));
        const instantiated = await WebAssembly.instantiate(other);
        await loading;
        assert.ok(instantiated.instance instanceof WebAssembly.Instance);
        assert.deepEqual(asynchronous, [other], "only the unrelated module went to the real instantiate");
        assert.equal(WebAssembly.instantiate, counting);
    });

    it("a broken grammar file fails with a message naming it, and instantiate is restored", async () => {
        const counting = WebAssembly.instantiate;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-broken-grammar-"));
        try {
            fs.writeFileSync(path.join(dir, "tree-sitter-go.wasm"), "not a wasm module");
            const grammars = await GrammarSet.create(dir);
            await assert.rejects(grammars.load("go"), /grammar go \(.*tree-sitter-go\.wasm\) failed to load/);
            assert.equal(WebAssembly.instantiate, counting);
        } finally {
            fs.rmSync(dir, {recursive: true, force: true});
        }
    });
});

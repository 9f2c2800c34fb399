// web-tree-sitter, initialised once per thread: each grammar is loaded once and its query compiled once per
// thread, then every file of that language reuses them, in every index of the thread (a re-index, a new
// engine). Compiling is the costly part: a query over a large grammar takes up to a quarter second (C++).
// Trees are deleted as soon as symbols are read out.
import fs from "node:fs";
import {Parser, Query, type Language, type Tree} from "web-tree-sitter";
import {blankDeclarationMacros} from "./declarationMacros";
import {loadLanguage} from "./grammarModule";
import {type ParsedLanguage} from "./languages";
import {queries} from "./queries";
import {locateWasmFiles, type WasmFiles} from "./wasmLocation";

export interface LoadedGrammar {
    language: ParsedLanguage;
    parser: Parser;
    query: Query;
}

export class GrammarSet {
    private readonly loading = new Map<ParsedLanguage, Promise<LoadedGrammar>>();
    private readonly loaded = new Map<ParsedLanguage, LoadedGrammar>();

    private constructor(private readonly files: WasmFiles) {}

    /**
     * Initialises the tree-sitter runtime from the located `tree-sitter.wasm`. The set is shared by every caller
     * in this thread that finds the same files, so what one index compiled the next one reuses.
     */
    static async create(wasmDir?: string): Promise<GrammarSet> {
        const files = locateWasmFiles(wasmDir);
        await initRuntime(files.runtime);
        const key = JSON.stringify(files);
        let set = threadSets.get(key);
        if (!set) threadSets.set(key, set = new GrammarSet(files));
        return set;
    }

    /** The grammar if already loaded, so the hot path pays no promise. */
    peek(language: ParsedLanguage): LoadedGrammar | undefined {
        return this.loaded.get(language);
    }

    /** Languages whose grammar is loaded or loading in this thread. */
    languages(): ParsedLanguage[] {
        return [...this.loading.keys()];
    }

    /** Size of a grammar's .wasm file: what compiling it costs grows with it. */
    wasmBytes(language: ParsedLanguage): number {
        return fs.statSync(this.files.grammars[language], {throwIfNoEntry: false})?.size ?? 0;
    }

    load(language: ParsedLanguage): Promise<LoadedGrammar> {
        let pending = this.loading.get(language);
        if (!pending) {
            pending = this.loadUncached(language);
            this.loading.set(language, pending);
        }
        return pending;
    }

    private async loadUncached(language: ParsedLanguage): Promise<LoadedGrammar> {
        const file = this.files.grammars[language];
        let lang: Language;
        try {
            lang = await loadLanguage(new Uint8Array(fs.readFileSync(file)));
        } catch (error) {
            throw new Error(`Hearth context: grammar ${language} (${file}) failed to load: ${(error as Error).message}`);
        }
        let query: Query;
        try {
            query = new Query(lang, queries[language]);
        } catch (error) {
            throw new Error(`Hearth context: the ${language} symbol query does not compile: ${(error as Error).message}`);
        }
        const parser = new Parser();
        parser.setLanguage(lang);
        const grammar = {language, parser, query};
        this.loaded.set(language, grammar);
        return grammar;
    }

    /**
     * Parses `text`; with `oldTree` (already `edit()`ed to match), only the changed region is parsed again.
     * The caller must `delete()` the tree.
     */
    static parse(grammar: LoadedGrammar, text: string, oldTree?: Tree): Tree {
        return GrammarSet.parseAsRead(grammar, blankDeclarationMacros(grammar.language, text), oldTree)!;
    }

    /**
     * As `parse`, for a text already as the parser reads it (`blankDeclarationMacros`). With `budgetMs`, gives up
     * after it and returns undefined: tree-sitter's error recovery can take tens of milliseconds on one broken line
     * of a large file, and a keystroke cannot wait for it.
     */
    static parseAsRead(grammar: LoadedGrammar, read: string, oldTree?: Tree, budgetMs?: number): Tree | undefined {
        const deadline = performance.now() + (budgetMs ?? 0);
        const options = budgetMs === undefined ? undefined : {progressCallback: () => performance.now() > deadline};
        const tree = grammar.parser.parse(read, oldTree, options) as Tree | null;
        if (tree) return tree;
        if (budgetMs === undefined) throw new Error(`Hearth context: tree-sitter returned no tree for a ${grammar.language} file`);
        // A cancelled parse would otherwise resume, on the next call, where it stopped: with another text.
        grammar.parser.reset();
        return undefined;
    }
}

/** This thread's grammar sets, by the files they load. */
const threadSets = new Map<string, GrammarSet>();

let runtimeReady: Promise<void> | undefined;

function initRuntime(runtimeWasm: string): Promise<void> {
    runtimeReady ??= Parser.init({locateFile: () => runtimeWasm}).catch((error: Error) => {
        runtimeReady = undefined;
        throw new Error(`Hearth context: tree-sitter runtime (${runtimeWasm}) failed to start: ${error.message}`);
    });
    return runtimeReady;
}

// The context engine in one object: the indexer plus retrieval and packing. The index worker hosts one; tests
// and benchmarks may use one in-process. Everything it takes and returns is plain data.
import path from "node:path";
import {Indexer, type UpdateResult} from "./indexer";
import {pack} from "./pack";
import {retrieveForCursor} from "./retrieveCursor";
import {retrieveForQuestion} from "./retrieveQuestion";
import {ContextPolicy} from "./secrets/contextPolicy";
import type {TokenCounter} from "./tokenCount";
import type {CursorRequest, IndexOptions, IndexProgress, IndexStats, PackResult, QuestionRequest, Snippet} from "./types";

export class ContextEngine {
    /** What may be used as context: every request's inputs and every ranked snippet pass through it. */
    readonly policy: ContextPolicy;

    constructor(readonly indexer: Indexer, private readonly onError?: (message: string) => void) {
        this.policy = new ContextPolicy({rootOf: (file) => indexer.rootOf(file), rulesOf: (root) => indexer.rulesOf(root)});
    }

    static async create(options: IndexOptions, wasmDir?: string, onError?: (message: string) => void): Promise<ContextEngine> {
        return new ContextEngine(await Indexer.create(options, wasmDir, onError), onError);
    }

    indexFolders(roots: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexStats> {
        return this.indexer.indexFolders(roots, onProgress);
    }

    updateFile(file: string): Promise<UpdateResult> {
        return this.indexer.updateFile(file);
    }

    removeFile(file: string): boolean {
        return this.indexer.removeFile(file);
    }

    renameFile(from: string, to: string): Promise<UpdateResult> {
        return this.indexer.renameFile(from, to);
    }

    save(): Promise<void> {
        return this.indexer.save();
    }

    /**
     * Ranked, unpacked snippets for a cursor (the caller may pack them with the model's tokenizer). A document
     * the policy refuses gets no context at all; refused open editors and recent edits are never read.
     */
    async rankForCursor(request: CursorRequest): Promise<Snippet[]> {
        const file = normalise(request.path);
        if (!this.policy.allows(file, true)) return [];
        await this.indexer.syncText(file, request.text);
        const allowed = {
            ...request, path: file,
            openEditors: this.policy.openEditors(request.openEditors), recentEdits: this.policy.recentEdits(request.recentEdits, file)
        };
        return this.policy.snippets(retrieveForCursor(this.indexer, allowed, this.onError), file);
    }

    /** A refused active editor (and its selection) is left out; the question still gets the rest of the workspace. */
    async rankForQuestion(request: QuestionRequest): Promise<Snippet[]> {
        let current = request.current && {...request.current, path: normalise(request.current.path)};
        if (current && !this.policy.allows(current.path, true)) current = undefined;
        if (current) await this.indexer.syncText(current.path, current.text);
        const allowed = {...request, current, openEditors: this.policy.openEditors(request.openEditors)};
        return this.policy.snippets(retrieveForQuestion(this.indexer, allowed, this.onError), current?.path);
    }

    async contextForCursor(request: CursorRequest, counter?: TokenCounter): Promise<PackResult> {
        return this.pack(await this.rankForCursor(request), request.budgetTokens, counter);
    }

    async contextForQuestion(request: QuestionRequest, counter?: TokenCounter): Promise<PackResult> {
        return this.pack(await this.rankForQuestion(request), request.budgetTokens, counter);
    }

    pack(snippets: readonly Snippet[], budgetTokens: number, counter?: TokenCounter): PackResult {
        return pack(snippets, {budgetTokens, counter, displayPath: (p) => this.displayPath(p)});
    }

    /** Path relative to its workspace folder, for labels. */
    displayPath(file: string): string {
        const root = this.indexer.index.get(file)?.root ?? this.indexer.rootOf(file);
        return root ? path.posix.relative(root, file) : file;
    }
}

function normalise(file: string): string {
    return path.resolve(file).split(path.sep).join("/");
}

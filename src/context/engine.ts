// The context engine in one object: the indexer plus retrieval and packing. The index worker hosts one; tests
// and benchmarks may use one in-process. Everything it takes and returns is plain data.
import path from "node:path";
import {CancelledError, isCancelled} from "./cancel";
import {commentSyntax, commentSyntaxOfPath, type CommentSyntax} from "./commentSyntax";
import {CursorContextCache} from "./cursorContextCache";
import {Indexer, type UpdateResult} from "./indexer";
import {likelyToFit, pack} from "./pack";
import {retrieveForCursor} from "./retrieveCursor";
import {searchMentions} from "./retrieveMentions";
import {retrieveForQuestion} from "./retrieveQuestion";
import {StableSymbols} from "./stableSymbols";
import {ContextPolicy} from "./secrets/contextPolicy";
import type {TokenCounter} from "./tokenCount";
import type {CursorContext, CursorRequest, IndexOptions, IndexProgress, IndexStats, MentionCandidate, PackResult, QuestionRequest, Snippet} from "./types";

export class ContextEngine {
    /** What may be used as context: every request's inputs and every ranked snippet pass through it. */
    readonly policy: ContextPolicy;
    /** Cursor contexts by what they depend on, and the index's version that is part of it. */
    private readonly cursorContexts = new CursorContextCache();
    /** Documents being edited with their last parse that lost no definitions. */
    private readonly stableSymbols = new StableSymbols();

    constructor(readonly indexer: Indexer, private readonly onError?: (message: string) => void) {
        this.policy = new ContextPolicy({rootOf: (file) => indexer.rootOf(file), rulesOf: (root) => indexer.rulesOf(root)});
        // A typed document's deferred analysis is an edit of its own, like the keystrokes it follows.
        indexer.onReanalysed = (file) => this.cursorContexts.changed(file);
    }

    static async create(options: IndexOptions, wasmDir?: string, onError?: (message: string) => void): Promise<ContextEngine> {
        return new ContextEngine(await Indexer.create(options, wasmDir, onError), onError);
    }

    indexFolders(roots: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexStats> {
        this.cursorContexts.changed();
        return this.indexer.indexFolders(roots, (progress) => { this.cursorContexts.changed(); onProgress?.(progress); })
            .finally(() => this.cursorContexts.changed());
    }

    async updateFile(file: string): Promise<UpdateResult> {
        const result = await this.indexer.updateFile(file);
        // A saved file's parse is its new baseline.
        this.stableSymbols.forget(normalise(file));
        if (result !== "unchanged") this.cursorContexts.changed();
        return result;
    }

    removeFile(file: string): boolean {
        const removed = this.indexer.removeFile(file);
        this.stableSymbols.forget(normalise(file));
        if (removed) this.cursorContexts.changed();
        return removed;
    }

    async renameFile(from: string, to: string): Promise<UpdateResult> {
        this.cursorContexts.changed();
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
        await this.sync(file, request.text, true);
        return this.rankSynced({...request, path: file});
    }

    /** Ranking once the document is in the index; throws CancelledError when the request was cancelled. */
    private rankSynced(request: CursorRequest): Snippet[] {
        const cancelled = (): boolean => isCancelled(request.cancel);
        const allowed = {
            ...request,
            openEditors: this.policy.openEditors(request.openEditors), recentEdits: this.policy.recentEdits(request.recentEdits, request.path)
        };
        const indexed = this.indexer.index.get(request.path);
        const file = indexed && this.stableSymbols.view(indexed, request.line);
        const ranked = this.policy.snippets(retrieveForCursor(this.indexer, allowed, {onError: this.onError, cancelled, file}), request.path);
        if (cancelled()) throw new CancelledError();
        return ranked;
    }

    /**
     * A cursor's context, the same (the same object) for as long as the cursor stays in its enclosing scope above
     * the same window start and no other file of the index changes, so that consecutive keystrokes get the same
     * context text and the runtime's KV cache keeps the prompt's prefix. Nothing is retrieved when the caller
     * already holds the context (`knownKey`); a cancelled request throws CancelledError.
     */
    async cursorContext(request: CursorRequest, counter?: TokenCounter): Promise<CursorContext> {
        const file = normalise(request.path);
        if (isCancelled(request.cancel)) throw new CancelledError();
        const synced = this.policy.allows(file, true) ? await this.sync(file, request.text, true) : undefined;
        const entry = synced !== undefined ? this.indexer.index.get(file) : undefined;
        const indexed = entry && this.stableSymbols.view(entry, request.line);
        const {key, scope} = this.cursorContexts.keyOf(file, indexed, request);
        if (request.knownKey === key) return {key, scope};
        const known = this.cursorContexts.get(key, request.pack === true);
        if (known) return {...known, scope};
        if (isCancelled(request.cancel)) throw new CancelledError();
        const ranked = indexed ? this.rankSynced({...request, path: file}) : [];
        const result: CursorContext = request.pack
            ? {key, scope, packed: this.pack(ranked, request.budgetTokens, counter, this.commentFor(request))}
            : {key, scope, ranked: likelyToFit(ranked, request.budgetTokens)};
        this.cursorContexts.set(result);
        return result;
    }

    /** The comment syntax labels are written in: the prompt's language, else the file's. */
    commentFor(request: {path: string, languageId?: string}): CommentSyntax {
        return request.languageId ? commentSyntax(request.languageId) : commentSyntaxOfPath(request.path);
    }

    /**
     * Brings a document's text into the index; an edit of `file` is not a change for `file`'s own contexts.
     * `typing`: the cursor is in it (a completion's context), so its syntax tree is kept for the next keystroke.
     */
    private async sync(file: string, text: string, typing = false): Promise<UpdateResult> {
        this.stableSymbols.before(this.indexer.index.get(file));
        const result = await this.indexer.syncText(file, text, typing);
        if (result === "indexed") this.cursorContexts.changed(file);
        return result;
    }

    /** A refused active editor (and its selection) is left out; the question still gets the rest of the workspace. */
    async rankForQuestion(request: QuestionRequest): Promise<Snippet[]> {
        let current = request.current && {...request.current, path: normalise(request.current.path)};
        if (current && !this.policy.allows(current.path, true)) current = undefined;
        if (current) await this.sync(current.path, current.text);
        const allowed = {...request, current, openEditors: this.policy.openEditors(request.openEditors)};
        // Only what a pack could take: the caller counts each candidate with the model's tokenizer, across processes.
        return likelyToFit(this.policy.snippets(retrieveForQuestion(this.indexer, allowed, this.onError), current?.path), request.budgetTokens);
    }

    /** The chat's `@file` / `@symbol` picker: candidates from the index that the context policy allows. */
    searchMentions(kind: "file" | "symbol", query: string, limit: number): MentionCandidate[] {
        return searchMentions(this.indexer, kind, query, limit * 2, (p) => this.displayPath(p))
            .filter((c) => this.policy.allows(c.path)).slice(0, limit);
    }

    async contextForCursor(request: CursorRequest, counter?: TokenCounter): Promise<PackResult> {
        return this.pack(await this.rankForCursor(request), request.budgetTokens, counter, this.commentFor(request));
    }

    async contextForQuestion(request: QuestionRequest, counter?: TokenCounter): Promise<PackResult> {
        return this.pack(await this.rankForQuestion(request), request.budgetTokens, counter);
    }

    pack(snippets: readonly Snippet[], budgetTokens: number, counter?: TokenCounter, comment?: CommentSyntax): PackResult {
        return pack(snippets, {budgetTokens, counter, comment, displayPath: (p) => this.displayPath(p)});
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

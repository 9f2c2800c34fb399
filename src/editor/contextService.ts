// Binds the context engine to VS Code: runs the index worker with the extension's storage folder, feeds it the
// workspace folders, exclude settings and file events, tracks recent edits and open editors, shows progress,
// and answers the completion and chat features with packed, labelled snippets — never later than the time budget.
import path from "node:path";
import * as vscode from "vscode";
import {defaultWindow, fileWindow, type WindowOptions} from "../completion/prompt/window";
import {completionContextBudget, contextBudget} from "../context/budget";
import {cancelFlag} from "../context/cancel";
import {commentSyntax} from "../context/commentSyntax";
import {CursorContextSource} from "../context/cursorContextSource";
import {isIgnoreFile} from "../context/ignoreFiles";
import {packWithTokenizer, renderContext} from "../context/pack";
import {RecentEdits} from "../context/recentEdits";
import {estimatingCounter, type TokenCounter} from "../context/tokenCount";
import type {CursorContext, IndexOptions, MentionCandidate, OpenEditor, PackResult, QuestionMentions, Snippet} from "../context/types";
import {IndexWorkerClient} from "../context/worker/client";
import type {ShapeRequest} from "../context/worker/protocol";
import {codeChangeOutsideComments} from "../refactor/codeUnchanged";
import type {TargetNames} from "../refactor/contextQuery";
import type {CodeChangeRequest, SyntaxRequest} from "../refactor/syntax";
import {findTarget, type RefactorTarget} from "../refactor/target";
import {completionShape, type Shape} from "../completion/multiline";
import type {HearthConfig} from "../config";
import type {Logger} from "../log";
import {definitionHints} from "./definitionHints";
import {onConfigChange, readConfig} from "./settings";
import {IndexStatusItem} from "./indexStatusItem";

export interface CursorContextOptions {
    /** Aborted when the completion is superseded: the wait ends at once and the worker stops its retrieval. */
    signal?: AbortSignal;
    /** Token budget; default: the setting, capped by the model's context less the prompt's windows and the answer. */
    budget?: number;
    /** The prompt's windows of the file (default: the completion prompt's): counted into the budget, left out of the context. */
    window?: WindowOptions;
}

/** File events are applied after this quiet period, so a burst (git checkout) is one update per file. */
const fileEventDelayMs = 300;
/** The caller waits twice the per-source budget plus this much (message passing, a file being parsed) at most. */
const workerSlackMs = 25;

export class ContextService implements vscode.Disposable {
    private readonly disposables: vscode.Disposable[] = [];
    private readonly recentEdits = new RecentEdits();
    private readonly status = new IndexStatusItem();
    private readonly pendingFiles = new Map<string, NodeJS.Timeout>();
    private client: Promise<IndexWorkerClient>;
    private config: HearthConfig;
    private tokenCounter: TokenCounter | undefined;
    private modelContextTokens = 0;
    /** The cursor context last made for each document, while the worker says it still holds. */
    private readonly cursorContexts = new CursorContextSource({
        ask: (request, signal) => this.ask<CursorContext>((client) => client.call("cursorContext", request), request.timeBudgetMs ?? this.config.context.timeBudgetMs, signal),
        packer: () => this.tokenCounter?.countMany === undefined ? undefined : (ranked, budgetTokens, comment) => packWithTokenizer(ranked, {
            budgetTokens, counter: this.tokenCounter, displayPath: (p) => this.displayPath(p), timeMs: this.config.context.timeBudgetMs, comment
        })
    });
    /** Resolves when the first full indexing is done (or failed). */
    ready: Promise<void>;

    constructor(private readonly context: vscode.ExtensionContext, private readonly log: Logger) {
        this.config = readConfig();
        this.client = this.startWorker();
        this.ready = this.indexAll();
        this.disposables.push(
            this.status,
            vscode.workspace.onDidSaveTextDocument((doc) => this.fileChanged(doc.uri)),
            vscode.workspace.onDidRenameFiles((e) => { for (const f of e.files) void this.renamed(f.oldUri, f.newUri); }),
            vscode.workspace.onDidDeleteFiles((e) => { for (const uri of e.files) this.fileDeleted(uri); }),
            vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
            vscode.workspace.onDidChangeWorkspaceFolders(() => { this.ready = this.indexAll(); }),
            onConfigChange((config) => this.configChanged(config)),
            vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration("files.exclude")) void this.reconfigure(); })
        );
        // Changes made outside the editor (git, build tools, other programs).
        const watcher = vscode.workspace.createFileSystemWatcher("**/*");
        this.disposables.push(
            watcher,
            watcher.onDidCreate((uri) => this.fileChanged(uri)),
            watcher.onDidChange((uri) => this.fileChanged(uri)),
            watcher.onDidDelete((uri) => this.fileDeleted(uri))
        );
    }

    /** The model's tokenizer, once the runtime is up; until then packing uses the calibrated estimate. */
    setTokenCounter(counter: TokenCounter | undefined): void {
        this.tokenCounter = counter;
    }

    /** The loaded model's context window, which caps the budgets (0: unknown). */
    setModelContextSize(tokens: number): void {
        this.modelContextTokens = tokens;
    }

    /**
     * Context for an inline completion at `position`: what the code there is about to use, packed into the budget
     * (default: the setting, less what the prompt's windows and the answer take from the model's context) and
     * labelled for the document's language. The same object, so the same text, for every keystroke while the
     * cursor stays in its scope and the index does not change; recomputed (with the language server's
     * definitions for the names before the cursor) when it leaves. `options` may be a budget (older callers).
     */
    async contextForCursor(document: vscode.TextDocument, position: vscode.Position, options: CursorContextOptions | number = {}): Promise<PackResult> {
        const {signal, budget, window = defaultWindow} = typeof options === "number" ? {budget: options} as CursorContextOptions : options;
        const text = document.getText();
        const prompt = fileWindow(text, document.offsetAt(position), window);
        const counter = this.tokenCounter ?? estimatingCounter;
        const budgetTokens = budget ?? completionContextBudget({
            settingTokens: this.config.context.completionBudgetTokens, modelContextTokens: this.modelContextTokens,
            answerTokens: this.config.completion.maxTokens, prefix: prompt.prefix, suffix: prompt.suffix, count: (t) => counter.count(t)
        });
        const file = document.uri.fsPath;
        const timeBudgetMs = this.config.context.timeBudgetMs;
        return this.cursorContexts.contextFor({
            request: {
                path: file, text, line: position.line, column: position.character,
                recentEdits: this.recentEdits.list(), openEditors: this.openEditors(file), budgetTokens, timeBudgetMs,
                window: {startLine: prompt.startLine, endLine: position.line + window.suffixLines},
                languageId: document.languageId, cancel: cancelFlag(signal)
            },
            lineCount: document.lineCount,
            hints: () => definitionHints(document, position, timeBudgetMs, signal),
            signal
        });
    }

    /** The cursor's context as prompt text: labelled in the document's comment syntax, in a stable order. */
    async completionContext(document: vscode.TextDocument, position: vscode.Position, options: CursorContextOptions = {}): Promise<string> {
        return renderContext(await this.contextForCursor(document, position, options), commentSyntax(document.languageId));
    }

    /**
     * Single- or multi-line at the cursor, from the syntax tree the index worker keeps for the document. When the
     * worker is slower than the time budget (busy with a large file), the text alone decides.
     */
    async shapeAt(request: ShapeRequest, signal?: AbortSignal): Promise<Shape> {
        const shape = await this.ask((client) => client.call("shapeAt", request), this.config.context.timeBudgetMs, signal);
        return shape ?? completionShape(request.text, request.offset, () => null);
    }

    /**
     * The refactors' questions about a document's syntax (src/refactor/syntax.ts), answered in the index worker so
     * this thread parses nothing. Without the worker, the answers a file with no grammar would get, and a warning.
     */
    async refactorTarget(request: SyntaxRequest): Promise<RefactorTarget | undefined> {
        return this.syntax((client) => client.call("refactorTarget", request), () => findTarget(request.text, undefined, undefined, request.start, request.end));
    }

    async refactorNames(request: SyntaxRequest): Promise<{imports: string[], names: TargetNames}> {
        return this.syntax((client) => client.call("refactorNames", request), () => ({imports: [], names: {imported: [], used: []}}));
    }

    async codeChange(request: CodeChangeRequest): Promise<string | undefined> {
        return this.syntax((client) => client.call("codeChange", request), () => codeChangeOutsideComments(request.before, request.after, request.language, undefined));
    }

    private async syntax<T>(call: (client: IndexWorkerClient) => Promise<T>, fallback: () => T): Promise<T> {
        try {
            return await this.client.then(call);
        } catch (error) {
            this.log.warn(`Hearth: the index worker could not read the code's syntax (${(error as Error).message}); going on without it`);
            return fallback();
        }
    }

    /**
     * Context for a chat question about the workspace, with the active editor's file and selection (none when
     * `editor` is undefined) and what the user named with `@file`, `@symbol` and `@workspace`.
     */
    async contextForQuestion(question: string, editor: vscode.TextEditor | undefined, budget?: number, mentions?: QuestionMentions): Promise<PackResult> {
        const budgetTokens = budget ?? contextBudget({
            settingTokens: this.config.context.chatBudgetTokens, modelContextTokens: this.modelContextTokens,
            answerTokens: 4096, promptTokens: 0
        });
        // A question may wait longer than a keystroke: its sources get a few times the completion budget.
        const timeBudgetMs = this.config.context.timeBudgetMs * 4;
        const current = editor && editor.document.uri.scheme === "file" ? {
            path: editor.document.uri.fsPath, text: editor.document.getText(), line: editor.selection.active.line,
            selection: editor.selection.isEmpty ? undefined : {startLine: editor.selection.start.line, endLine: editor.selection.end.line}
        } : undefined;
        const request = {question, current, openEditors: this.openEditors(current?.path), budgetTokens, timeBudgetMs, ...(mentions ? {mentions} : {})};
        return this.answer(budgetTokens, timeBudgetMs, (client) => this.tokenCounter?.countMany
            ? client.call("rankForQuestion", request)
            : client.call("contextForQuestion", request));
    }

    /** Candidates for the chat's `@file` / `@symbol` picker, from the index; empty when it does not answer in time. */
    async searchMentions(kind: "file" | "symbol", query: string, limit = 20): Promise<MentionCandidate[]> {
        const reply = await this.ask((client) => client.call("searchMentions", kind, query, limit), this.config.context.timeBudgetMs * 4);
        return reply ?? [];
    }

    dispose(): void {
        for (const timer of this.pendingFiles.values()) clearTimeout(timer);
        for (const d of this.disposables) d.dispose();
        void this.client.then((c) => c.call("save").finally(() => c.dispose())).catch(() => undefined);
    }

    /**
     * Asks the worker; undefined when it is slower than the time budget (its answer still lands in the worker's
     * cache for the next keystroke) or the request is aborted (the worker stops too). A cancellation is no error.
     */
    private async ask<T>(call: (client: IndexWorkerClient) => Promise<T>, timeBudgetMs: number, signal?: AbortSignal): Promise<T | undefined> {
        let timer: NodeJS.Timeout | undefined;
        let onAbort: (() => void) | undefined;
        const giveUp = new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), timeBudgetMs * 2 + workerSlackMs);
            onAbort = () => resolve(undefined);
            signal?.addEventListener("abort", onAbort, {once: true});
        });
        try {
            return await Promise.race([this.client.then(call), giveUp]);
        } catch (error) {
            if (!signal?.aborted) this.log.warn(`Hearth context: ${(error as Error).message}`);
            return undefined;
        } finally {
            clearTimeout(timer);
            if (onAbort) signal?.removeEventListener("abort", onAbort);
        }
    }

    /** Asks the worker, and gives up with an empty context when it is slower than the time budget. */
    private async answer(budgetTokens: number, timeBudgetMs: number, ask: (client: IndexWorkerClient) => Promise<PackResult | Snippet[]>): Promise<PackResult> {
        const empty: PackResult = {snippets: [], usedTokens: 0, budgetTokens, dropped: 0};
        const deadline = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeBudgetMs * 2 + workerSlackMs));
        try {
            const reply = await Promise.race([this.client.then(ask), deadline]);
            if (!reply) return empty;
            if (!Array.isArray(reply)) return reply;
            const displayPath = (p: string): string => this.displayPath(p);
            return await packWithTokenizer(reply, {budgetTokens, counter: this.tokenCounter, displayPath, timeMs: timeBudgetMs});
        } catch (error) {
            this.log.warn(`Hearth context: ${(error as Error).message}`);
            return empty;
        }
    }

    private displayPath(file: string): string {
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
        return folder ? path.relative(folder.uri.fsPath, file).split(path.sep).join("/") : file;
    }

    private openEditors(except: string | undefined): OpenEditor[] {
        const visible = vscode.window.visibleTextEditors
            .filter((e) => e.document.uri.scheme === "file" && e.document.uri.fsPath !== except)
            .map((e) => ({path: e.document.uri.fsPath, visibleStartLine: e.visibleRanges[0]?.start.line, visibleEndLine: e.visibleRanges[0]?.end.line}));
        const shown = new Set(visible.map((e) => e.path));
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
            .map((t) => t.input instanceof vscode.TabInputText ? t.input.uri : undefined)
            .filter((uri): uri is vscode.Uri => uri?.scheme === "file" && uri.fsPath !== except && !shown.has(uri.fsPath))
            .map((uri) => ({path: uri.fsPath}));
        return [...visible, ...tabs];
    }

    private indexOptions(): IndexOptions {
        const filesExclude = vscode.workspace.getConfiguration("files").get<Record<string, boolean>>("exclude") ?? {};
        const storage = this.context.storageUri ?? vscode.Uri.joinPath(this.context.globalStorageUri, "no-workspace");
        return {
            maxFileSizeKb: this.config.index.maxFileSizeKb,
            exclude: [...Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob), ...this.config.index.exclude],
            storageDir: path.join(storage.fsPath, "context-index")
        };
    }

    private startWorker(): Promise<IndexWorkerClient> {
        const dist = vscode.Uri.joinPath(this.context.extensionUri, "dist").fsPath;
        return IndexWorkerClient.start(this.indexOptions(), {
            workerFile: path.join(dist, "context-worker.js"),
            wasmDir: path.join(dist, "grammars"),
            onProgress: (p) => this.status.progress(p),
            onLog: (level, message) => this.log[level](`Hearth context: ${message}`)
        });
    }

    private async indexAll(): Promise<void> {
        const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
        if (folders.length === 0) return;
        const started = Date.now();
        try {
            const client = await this.client;
            const stats = await client.indexFolders(folders);
            this.status.finished(stats, Date.now() - started);
            this.log.info(`Hearth context: indexed ${stats.files} files (${stats.reparsed} parsed, ${stats.reused} unchanged) in ${Date.now() - started} ms`);
        } catch (error) {
            this.status.failed((error as Error).message);
            this.log.error(`Hearth context: indexing failed: ${(error as Error).message}`);
        }
    }

    private fileChanged(uri: vscode.Uri): void {
        if (uri.scheme !== "file") return;
        const file = uri.fsPath;
        // A .gitignore or .hearthignore changes what may be indexed: crawl again (unchanged files are not re-parsed).
        if (isIgnoreFile(file)) { void this.reconfigure(); return; }
        clearTimeout(this.pendingFiles.get(file));
        this.pendingFiles.set(file, setTimeout(() => {
            this.pendingFiles.delete(file);
            void this.client.then((c) => c.call("updateFile", file)).catch((e: Error) => this.log.warn(`Hearth context: ${e.message}`));
        }, fileEventDelayMs));
    }

    private fileDeleted(uri: vscode.Uri): void {
        if (uri.scheme !== "file") return;
        if (isIgnoreFile(uri.fsPath)) { void this.reconfigure(); return; }
        this.recentEdits.forget(uri.fsPath);
        this.cursorContexts.forget(uri.fsPath);
        void this.client.then((c) => c.call("removeFile", uri.fsPath)).catch((e: Error) => this.log.warn(`Hearth context: ${e.message}`));
    }

    private async renamed(from: vscode.Uri, to: vscode.Uri): Promise<void> {
        if (from.scheme !== "file" || to.scheme !== "file") return;
        this.recentEdits.rename(from.fsPath, to.fsPath);
        if (isIgnoreFile(from.fsPath) || isIgnoreFile(to.fsPath)) { await this.reconfigure(); return; }
        try {
            await (await this.client).call("renameFile", from.fsPath, to.fsPath);
        } catch (error) {
            this.log.warn(`Hearth context: ${(error as Error).message}`);
        }
    }

    private documentChanged(event: vscode.TextDocumentChangeEvent): void {
        if (event.document.uri.scheme !== "file") return;
        for (const change of event.contentChanges) {
            const added = change.text.split("\n").length - 1;
            const removed = change.range.end.line - change.range.start.line;
            this.recentEdits.shift(event.document.uri.fsPath, change.range.end.line, added - removed);
            this.recentEdits.record(event.document.uri.fsPath, change.range.start.line, change.range.start.line + added);
        }
    }

    private configChanged(config: HearthConfig): void {
        const indexChanged = JSON.stringify(config.index) !== JSON.stringify(this.config.index);
        this.config = config;
        if (indexChanged) void this.reconfigure();
    }

    /** Exclude rules changed: new options, then a re-index (unchanged files are not parsed again). */
    private async reconfigure(): Promise<void> {
        try {
            await (await this.client).call("setOptions", this.indexOptions());
            this.ready = this.indexAll();
        } catch (error) {
            this.log.warn(`Hearth context: ${(error as Error).message}`);
        }
    }
}

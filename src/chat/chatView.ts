// The sidebar chat view: a webview in Hearth's activity-bar container, and the VS Code side of the chat. It
// builds the webview's page (strict CSP with a nonce, local resources only), checks every message the webview
// sends, and binds the ChatSession (session.ts, no vscode) to the runtime, the context service, the editor
// (Insert, Apply through the shared diff preview, sources and links) and the workspace's chat history.
import path from "node:path";
import * as vscode from "vscode";
import type {ContextService} from "../editor/contextService";
import type {RuntimeService} from "../editor/runtimeService";
import type {WorkspaceTrust} from "../editor/trust";
import type {Logger} from "../log";
import type {ChatMessage} from "../runtime/protocol";
import type {PackResult, QuestionMentions} from "../context/types";
import {renderContext} from "../context/pack";
import {readConfig} from "../editor/settings";
import {ChatHistory, type KeyValueStore} from "./history";
import {chatViewHtml} from "./viewHtml";
import {ChatSession, UserError, type ChatBackend, type GatheredContext} from "./session";
import type {ChatSource} from "./conversation";
import type {ExternalTurn, ExternalTurnSink} from "./externalTurn";
import type {CodeBlockRef, ContextChip, EditorView, FromWebview, RuntimeView, ToWebview} from "../webview/messages";
import {describeRejected, validateFromWebview} from "../webview/validate";

/** The shared diff preview (src/diff/preview.ts), as the chat uses it. */
export interface DiffProposer {
    propose(edit: {uri: vscode.Uri, range: vscode.Range, originalText: string, newText: string, title: string}): Promise<string>;
}

/** The token tax footer's source (src/editor/tokenTaxService.ts). */
export interface TokenTaxSource {
    summary(): {text: string};
    onDidChange: vscode.Event<unknown>;
}

export interface ChatViewDeps {
    extensionUri: vscode.Uri;
    runtime: RuntimeService;
    context: ContextService;
    trust: WorkspaceTrust;
    log: Logger;
    /** The workspace's own store: the history is per workspace. */
    workspaceState: KeyValueStore;
    diff?: DiffProposer;
    tokenTax?: TokenTaxSource;
}

const newId = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export class ChatViewProvider implements vscode.WebviewViewProvider, ExternalTurnSink, vscode.Disposable {
    static readonly viewId = "hearth.chat";
    private view: vscode.WebviewView | undefined;
    private readonly ready = new vscode.EventEmitter<void>();
    /** Fires once the webview's script has loaded and said hello. */
    readonly onDidBecomeReady = this.ready.event;
    private webviewReady = false;
    private readonly disposables: vscode.Disposable[] = [];
    readonly session: ChatSession;
    /** Messages the webview sent that failed validation (dropped and logged); the e2e suite reads it. */
    rejectedMessages = 0;
    private readonly posted = new vscode.EventEmitter<ToWebview>();
    /** Every message sent to the webview (the e2e suite watches states that pass quickly). */
    readonly onDidPostMessage = this.posted.event;
    /** Times the webview's script has loaded (a reloaded view says hello again). */
    readyCount = 0;
    /** Where the history lives: the workspace's state. */
    readonly historyStore: KeyValueStore;
    private diff: DiffProposer | undefined;
    private tokenTax: TokenTaxSource | undefined;
    private tokenTaxSubscription: vscode.Disposable | undefined;
    private lastEditor: vscode.TextEditor | undefined;

    constructor(private readonly deps: ChatViewDeps) {
        this.diff = deps.diff;
        this.historyStore = deps.workspaceState;
        this.session = new ChatSession({
            backend: this.backend(), history: new ChatHistory(deps.workspaceState), post: (m) => this.post(m),
            newId, now: () => Date.now(), logError: (m) => deps.log.error(m)
        });
        this.lastEditor = vscode.window.activeTextEditor;
        this.disposables.push(
            this.ready,
            this.posted,
            deps.runtime.onDidChangeState(() => this.postRuntime()),
            deps.runtime.onDidChangeModel(() => this.postRuntime()),
            deps.trust.onDidGrant(() => this.postRuntime()),
            vscode.window.onDidChangeActiveTextEditor((editor) => {
                if (editor && editor.document.uri.scheme === "file") this.lastEditor = editor;
                this.postEditor();
            }),
            vscode.window.onDidChangeTextEditorSelection((e) => { if (e.textEditor === this.editor()) this.postEditor(); }),
            vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration("hearth.chat")) this.session.show(); }),
            vscode.commands.registerCommand("hearth.chat.newChat", async () => {
                await this.reveal();
                await this.session.newChat();
            }),
            vscode.commands.registerCommand("hearth.chat.showHistory", async () => {
                await this.reveal();
                this.post({type: "history", items: this.session.historyItems(), open: true});
            }),
            vscode.commands.registerCommand("hearth.chat.stop", () => this.session.stop())
        );
        if (deps.tokenTax) this.setTokenTax(deps.tokenTax);
    }

    get isReady(): boolean { return this.webviewReady; }

    /** Wired once the shared diff preview exists (it may be built after the view). */
    setDiffPreview(diff: DiffProposer): void { this.diff = diff; }

    setTokenTax(source: TokenTaxSource): void {
        this.tokenTaxSubscription?.dispose();
        this.tokenTax = source;
        this.tokenTaxSubscription = source.onDidChange(() => this.postFooter());
        this.postFooter();
    }

    resolveWebviewView(view: vscode.WebviewView): void {
        this.view = view;
        this.webviewReady = false;
        const roots = [vscode.Uri.joinPath(this.deps.extensionUri, "dist", "webview")];
        view.webview.options = {enableScripts: true, enableCommandUris: false, localResourceRoots: roots};
        view.webview.html = this.html(view.webview);
        view.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
        view.onDidDispose(() => { this.view = undefined; this.webviewReady = false; });
    }

    /** Shows the view and waits for its script (the first reveal loads it). */
    private async reveal(): Promise<void> {
        await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
        if (this.webviewReady) return;
        await new Promise<void>((resolve) => {
            const timer = setTimeout(() => { sub.dispose(); resolve(); }, 10_000);
            const sub = this.onDidBecomeReady(() => { clearTimeout(timer); sub.dispose(); resolve(); });
        });
    }

    /** The Explain command's turn: shown in the view like any question, answered with the context it brings. */
    async askExternal(turn: ExternalTurn, signal?: AbortSignal): Promise<void> {
        await this.reveal();
        await this.session.stopAndSettle();
        const onAbort = (): void => this.session.stop();
        signal?.addEventListener("abort", onAbort, {once: true});
        try {
            await this.session.ask({
                display: turn.display, prompt: turn.prompt,
                context: {text: turn.context.text, sources: turn.context.sources.map((s) => ({...s, label: `${this.displayPath(s.path)}:${s.startLine + 1}-${s.endLine + 1}`}))}
            });
        } finally {
            signal?.removeEventListener("abort", onAbort);
        }
    }

    /** Asks a question as if typed in the view (the e2e suite and commands use it). */
    ask(text: string, chips: ContextChip[] = [], useEditor = true): Promise<void> {
        return this.session.ask({display: text, chips, useEditor});
    }

    // ── The webview's messages ──────────────────────────────────────────────────────────────────────────

    private receive(raw: unknown): void {
        const message = validateFromWebview(raw);
        if (!message) {
            this.rejectedMessages++;
            this.deps.log.warn(`Hearth chat: dropped a malformed message from the chat view (${describeRejected(raw)})`);
            return;
        }
        void this.handle(message).catch((error: Error) => {
            this.deps.log.error(`Hearth chat: ${message.type} failed: ${error.message}`);
            this.post({type: "notice", text: error.message});
        });
    }

    private async handle(message: FromWebview): Promise<void> {
        switch (message.type) {
            case "ready":
                this.webviewReady = true;
                this.readyCount++;
                this.session.show();
                this.postRuntime();
                this.postEditor();
                this.postFooter();
                this.ready.fire();
                return;
            case "ask":
                if (message.text.trim() === "") return;
                return this.ask(message.text.trim(), message.chips, message.useEditor);
            case "stop": return this.session.stop();
            case "newChat": return this.session.newChat();
            case "openSource": return this.openSource(message.path, message.startLine, message.endLine);
            case "openLink": return this.openLink(message.href);
            case "copy":
                await vscode.env.clipboard.writeText(message.text);
                this.post({type: "notice", text: "Copied."});
                return;
            case "insert": return this.insert(message.code);
            case "apply": return this.apply(message.block);
            case "mentionQuery": {
                const found = await this.deps.context.searchMentions(message.kind, message.query);
                const items = found.map((c) => ({
                    chip: c.kind === "file"
                        ? {kind: "file" as const, path: c.path, label: c.label}
                        : {kind: "symbol" as const, name: c.name ?? c.label, path: c.path, line: c.line, label: c.label},
                    detail: c.detail ?? ""
                }));
                this.post({type: "mentions", requestId: message.requestId, items});
                return;
            }
            case "showHistory": return this.post({type: "history", items: this.session.historyItems()});
            case "openConversation":
                if (!await this.session.open(message.id)) this.post({type: "notice", text: "That conversation is no longer in the history."});
                return;
            case "deleteConversation":
                await this.session.deleteConversation(message.id);
                return this.post({type: "history", items: this.session.historyItems()});
            case "clearHistory": {
                const choice = await vscode.window.showWarningMessage("Delete every Hearth chat of this workspace?", {modal: true}, "Delete All");
                if (choice !== "Delete All") return;
                await this.session.clearHistory();
                return this.post({type: "history", items: this.session.historyItems()});
            }
            case "runtimeAction": return this.runtimeAction(message.action);
        }
    }

    private async runtimeAction(action: string): Promise<void> {
        switch (action) {
            case "selectModel": await vscode.commands.executeCommand("hearth.selectModel"); return;
            case "showLog": await vscode.commands.executeCommand("hearth.showRuntimeLog"); return;
            case "restart": await this.deps.runtime.restart(); return;
            case "manageTrust": await vscode.commands.executeCommand("workbench.trust.manage"); return;
            case "openSettings": await vscode.commands.executeCommand("workbench.action.openSettings", "hearth"); return;
        }
    }

    // ── Editor actions ──────────────────────────────────────────────────────────────────────────────────

    /** The editor the chat is about: the active one, or the last file editor before focus moved to the view. */
    private editor(): vscode.TextEditor | undefined {
        const active = vscode.window.activeTextEditor;
        if (active && active.document.uri.scheme === "file") return active;
        const last = this.lastEditor;
        return last && vscode.window.visibleTextEditors.includes(last) ? last : undefined;
    }

    private async insert(code: string): Promise<void> {
        const editor = this.editor();
        if (!editor) throw new UserError("Open a file to insert the code into.");
        await vscode.window.showTextDocument(editor.document, editor.viewColumn);
        await editor.edit((edit) => { for (const s of editor.selections) edit.replace(s, code); });
    }

    /**
     * Apply to File: a block that names a workspace file replaces that file (or creates it); otherwise the block
     * replaces the active editor's selection, or the whole file when nothing is selected. Always as a diff the
     * user accepts or rejects.
     */
    private async apply(block: CodeBlockRef): Promise<void> {
        if (!this.diff) throw new UserError("Apply to File is not available in this build.");
        let uri: vscode.Uri;
        let document: vscode.TextDocument | undefined;
        let range: vscode.Range;
        if (block.file) {
            uri = this.workspaceFile(block.file) ?? (() => { throw new UserError(`"${block.file}" is not a file in this workspace.`); })();
            document = await vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined);
            range = document ? fullRange(document) : new vscode.Range(0, 0, 0, 0);
        } else {
            const editor = this.editor();
            if (!editor) throw new UserError("Open the file to apply the code to, or select the code it replaces.");
            document = editor.document;
            uri = document.uri;
            range = editor.selection.isEmpty ? fullRange(document) : editor.selection;
        }
        const name = path.basename(uri.fsPath);
        // A fenced block ends with a newline; a selection that does not end with one gets none added.
        const replaced = document?.getText(range) ?? "";
        const newText = block.code.endsWith("\n") && replaced !== "" && !replaced.endsWith("\n") ? block.code.slice(0, -1) : block.code;
        const outcome = await this.diff.propose({uri, range, originalText: document?.getText() ?? "", newText, title: `Hearth: Apply to ${name}`});
        if (outcome === "refused") this.post({type: "notice", text: `${name} changed where the code would go: ask again to get code for it as it is now.`});
    }

    private async openSource(file: string, startLine: number, endLine: number): Promise<void> {
        const uri = this.workspaceFile(file);
        if (!uri) throw new UserError("Hearth opens only files inside this workspace.");
        const document = await vscode.workspace.openTextDocument(uri);
        const last = Math.max(0, document.lineCount - 1);
        const range = new vscode.Range(Math.min(startLine, last), 0, Math.min(Math.max(startLine, endLine), last), Number.MAX_SAFE_INTEGER);
        const editor = await vscode.window.showTextDocument(document, {selection: new vscode.Range(range.start, range.start), preview: true});
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        editor.selection = new vscode.Selection(range.start, document.validatePosition(range.end));
    }

    /** Links from model output: web and mail links after the user confirms; relative paths only inside the workspace. */
    private async openLink(href: string): Promise<void> {
        if (/^(https?:\/\/|mailto:)/i.test(href)) {
            let target: vscode.Uri;
            try { target = vscode.Uri.parse(href, true); } catch { throw new UserError("That link is not a valid address."); }
            const choice = await vscode.window.showInformationMessage(`Open ${target.toString(true)} in your browser? It came from the model's answer.`, {modal: true}, "Open");
            if (choice === "Open") await vscode.env.openExternal(target);
            return;
        }
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) throw new UserError("Hearth opens only web links and files of this workspace.");
        const [file, fragment] = href.split("#");
        const line = /^L(\d+)/.exec(fragment ?? "")?.[1];
        const start = line ? Number(line) - 1 : 0;
        await this.openSource(decodeURIComponent(file), start, start);
    }

    /** An absolute or workspace-relative path, as a URI, only when it lies inside a workspace folder. */
    private workspaceFile(file: string): vscode.Uri | undefined {
        const folders = vscode.workspace.workspaceFolders ?? [];
        for (const folder of folders) {
            if (folder.uri.scheme !== "file") continue;
            const resolved = path.resolve(folder.uri.fsPath, file);
            const relative = path.relative(folder.uri.fsPath, resolved);
            if (relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)) return vscode.Uri.file(resolved);
        }
        return undefined;
    }

    private displayPath(file: string): string {
        return vscode.workspace.asRelativePath(file, false);
    }

    // ── What the view shows ─────────────────────────────────────────────────────────────────────────────

    private post(message: ToWebview): void {
        if (!this.webviewReady) return; // everything is sent again on "ready"
        void this.view?.webview.postMessage(message);
        this.posted.fire(message);
    }

    private postRuntime(): void {
        this.post({type: "runtime", runtime: this.runtimeView()});
    }

    runtimeView(): RuntimeView {
        const {runtime, trust} = this.deps;
        if (!trust.trusted) {
            return {phase: "restricted", text: "Restricted Mode: Hearth runs no model until you trust this folder.", actions: [{action: "manageTrust", label: "Manage Workspace Trust"}]};
        }
        const model = runtime.modelInfo;
        if (runtime.loadingModelPath) {
            const progress = runtime.loadingProgress;
            return {
                phase: "loading", text: `Loading ${path.basename(runtime.loadingModelPath)}…`,
                ...(progress === undefined ? {} : {progress}), actions: [{action: "showLog", label: "Show Log"}]
            };
        }
        if (model) return {phase: "ready", text: `Ready: ${modelName(model.modelPath)}`, model: modelName(model.modelPath), actions: [{action: "selectModel", label: "Change Model…"}]};
        if (runtime.client.state === "failed") {
            return {phase: "error", text: "Hearth's runtime stopped and could not be restarted.", actions: [{action: "restart", label: "Restart Runtime"}, {action: "showLog", label: "Show Log"}]};
        }
        if (runtime.lastLoadError) {
            return {phase: "error", text: runtime.lastLoadError, actions: [{action: "selectModel", label: "Select Model…"}, {action: "showLog", label: "Show Log"}]};
        }
        return {phase: "noModel", text: "No model yet: choose a Gemma 4 model on disk, or download one.", actions: [{action: "selectModel", label: "Choose or Download a Model…"}]};
    }

    private postEditor(): void {
        const editor = this.editor();
        const view: EditorView = {};
        if (editor) {
            const label = this.displayPath(editor.document.uri.fsPath);
            view.file = {path: editor.document.uri.fsPath, label};
            const s = editor.selection;
            if (!s.isEmpty) view.selection = {label: `${path.basename(label)}:${s.start.line + 1}-${s.end.line + 1}`};
        }
        this.post({type: "editor", editor: view});
    }

    private postFooter(): void {
        if (this.tokenTax) this.post({type: "footer", text: this.tokenTax.summary().text});
    }

    // ── The session's backend: runtime and context ──────────────────────────────────────────────────────

    private backend(): ChatBackend {
        const {runtime, context, trust} = this.deps;
        return {
            whenModelReady: (onWaiting, signal) => this.whenModelReady(onWaiting, signal),
            limits: () => {
                const config = readConfig();
                return {
                    contextSettingTokens: config.context.chatBudgetTokens, modelContextTokens: runtime.modelInfo?.contextSize ?? 0,
                    answerTokens: config.chat.maxTokens, reasoning: config.chat.reasoning
                };
            },
            countTokens: (texts) => runtime.client.tokenCount(texts),
            gatherContext: async (request, signal) => {
                if (!trust.trusted) return {text: "", sources: []};
                const editor = request.useEditor ? this.editor() : undefined;
                const packed = await context.contextForQuestion(request.question, editor, request.budget, mentionsOf(request.chips));
                if (signal.aborted) return {text: "", sources: []};
                return gathered(packed);
            },
            generate: (messages: ChatMessage[], options) => runtime.client.chat(
                {messages, maxTokens: options.maxTokens, reasoning: options.reasoning},
                {signal: options.signal, onText: options.onText, onReasoning: options.onReasoning, feature: "chat"}
            )
        };
    }

    /** Resolves when a model is loaded; while one loads the turn says so; with none coming, a clear error. */
    private whenModelReady(onWaiting: (text: string) => void, signal: AbortSignal): Promise<void> {
        const {runtime, trust} = this.deps;
        const problem = (): string | undefined => {
            if (!trust.trusted) return "Hearth runs no model in Restricted Mode: trust this folder to chat.";
            if (runtime.modelInfo || runtime.loadingModelPath) return undefined;
            return runtime.lastLoadError ?? "No model is loaded: choose or download one (the button above), then ask again.";
        };
        // While a load runs, the runtime has let go of the model it had: wait for the new one.
        const ready = (): boolean => runtime.modelInfo !== undefined && runtime.loadingModelPath === undefined;
        if (ready()) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
            const subscriptions: vscode.Disposable[] = [];
            const done = (error?: Error): void => {
                for (const s of subscriptions) s.dispose();
                signal.removeEventListener("abort", onAbort);
                if (error) reject(error); else resolve();
            };
            const onAbort = (): void => done(new Error("stopped"));
            const check = (): void => {
                if (ready()) return done();
                const why = problem();
                if (why) return done(new UserError(why));
                onWaiting(`Waiting for the model to load (${path.basename(runtime.loadingModelPath ?? "")})…`);
            };
            signal.addEventListener("abort", onAbort, {once: true});
            subscriptions.push(runtime.onDidChangeModel(check), runtime.onDidChangeState(check));
            check();
        });
    }

    private html(webview: vscode.Webview): string {
        const base = vscode.Uri.joinPath(this.deps.extensionUri, "dist", "webview");
        return chatViewHtml({
            cspSource: webview.cspSource,
            script: webview.asWebviewUri(vscode.Uri.joinPath(base, "chat.js")).toString(),
            style: webview.asWebviewUri(vscode.Uri.joinPath(base, "chat.css")).toString(),
            nonce: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")
        });
    }

    dispose(): void {
        void this.session.stopAndSettle();
        this.tokenTaxSubscription?.dispose();
        for (const d of this.disposables) d.dispose();
    }
}

function fullRange(document: vscode.TextDocument): vscode.Range {
    return new vscode.Range(new vscode.Position(0, 0), document.lineAt(Math.max(0, document.lineCount - 1)).range.end);
}

function modelName(modelPath: string): string {
    return path.basename(modelPath).replace(/\.gguf$/i, "");
}

function mentionsOf(chips: readonly ContextChip[]): QuestionMentions | undefined {
    if (chips.length === 0) return undefined;
    return {
        files: chips.flatMap((c) => c.kind === "file" ? [c.path] : []),
        symbols: chips.flatMap((c) => c.kind === "symbol" ? [{name: c.name, path: c.path}] : []),
        workspace: chips.some((c) => c.kind === "workspace")
    };
}

/** The packed context as this turn's prompt text, and its sources (one per snippet, in prompt order). */
function gathered(packed: PackResult): GatheredContext {
    const sources: ChatSource[] = [...packed.snippets]
        .sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine)
        .map((s) => ({path: s.path, label: s.label, startLine: s.startLine, endLine: s.endLine}));
    return {text: renderContext(packed), sources};
}

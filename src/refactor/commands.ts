// The five refactor commands, bound to VS Code: find the target (shown highlighted while the model works),
// gather context and diagnostics, run the refactor with progress and Cancel, then show the result in the shared
// diff preview. Explain streams into the chat view instead. Everything decided about prompts, answers and edits is
// in the modules beside this one, without vscode.
import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type {ExternalTurnSink, TurnSource} from "../chat/externalTurn";
import {isParsedLanguage, languageOfText, type ParsedLanguage} from "../context/languages";
import {renderContext} from "../context/pack";
import {commentSyntax} from "../context/commentSyntax";
import type {DiffPreview, PreviewOutcome} from "../diff/preview";
import type {ContextService} from "../editor/contextService";
import type {RuntimeService} from "../editor/runtimeService";
import {RuntimeError} from "../runtime/protocol";
import {refactorQuestion} from "./contextQuery";
import {buildPrompt, type DiagnosticInfo, type PromptTarget, type RefactorKind} from "./prompts";
import {rememberInstruction} from "./recentInstructions";
import {answerBudget, describe, runRefactor, type EditKind, type RunResult} from "./session";
import type {RefactorTarget} from "./target";
import {detectTestLayout} from "./testLayout";

export interface RefactorDeps {
    runtime: RuntimeService;
    context: ContextService;
    diff: DiffPreview;
    /** The chat view, once it takes turns from outside (Explain). */
    chat: () => ExternalTurnSink | undefined;
    log: {info(m: string): void; warn(m: string): void; error(m: string): void};
    workspaceState: vscode.Memento;
    /** Whether the workspace is trusted: in Restricted Mode no model runs, and the commands say so. */
    trust: () => boolean;
}

/** What a command resolves with (the e2e suite reads it): the outcome, and the message the user saw. */
export interface RefactorOutcome {
    outcome: PreviewOutcome | "cancelled" | "failed" | "explained" | "unavailable";
    message?: string;
    /** The replacement that was proposed, when one was. */
    newText?: string;
}

/** Arguments the commands take from code (code actions, keybindings, tests); the palette passes none. */
export interface RefactorArgs {
    instruction?: string;
    uri?: vscode.Uri;
    range?: vscode.Range;
}

const RECENT_KEY = "hearth.refactor.recentInstructions";
/** The system message, the ask and the chat template around the code and context, generously counted. */
const PROMPT_OVERHEAD_TOKENS = 400;

export class RefactorCommands implements vscode.Disposable {
    private readonly disposables: vscode.Disposable[] = [];
    private readonly highlight = vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"), isWholeLine: true
    });
    private running: AbortController | undefined;
    private streaming = false;

    constructor(private readonly deps: RefactorDeps) {
        const register = (id: string, run: (args?: RefactorArgs) => Promise<RefactorOutcome>) =>
            vscode.commands.registerCommand(id, (args?: unknown) => run(revive(args)));
        this.disposables.push(
            this.highlight,
            register("hearth.explainSelection", (args) => this.explain(args)),
            register("hearth.rewriteSelection", (args) => this.edit("rewrite", args)),
            register("hearth.addDocumentation", (args) => this.edit("document", args)),
            register("hearth.generateTests", (args) => this.edit("tests", args)),
            register("hearth.fixDiagnostics", (args) => this.edit("fix", args)),
            vscode.commands.registerCommand("hearth.refactor.cancel", () => { this.running?.abort(); })
        );
    }

    dispose(): void {
        this.running?.abort();
        for (const d of this.disposables) d.dispose();
    }

    /** True while a refactor's answer streams from the runtime (until it ends, fails or is cancelled). */
    get generating(): boolean {
        return this.streaming;
    }

    /** Recent Rewrite instructions of this workspace, newest first. */
    recentInstructions(): string[] {
        return this.deps.workspaceState.get<string[]>(RECENT_KEY, []);
    }

    private async edit(kind: EditKind, args: RefactorArgs | undefined): Promise<RefactorOutcome> {
        const found = await this.locate(kind, args);
        if ("outcome" in found) return found;
        const {editor, document, text, target, language, prompt} = found;
        let instruction: string | undefined;
        if (kind === "rewrite") {
            instruction = args?.instruction ?? await this.askInstruction(describe({kind, target}));
            if (!instruction) return {outcome: "cancelled", message: "No instruction given."};
            await this.deps.workspaceState.update(RECENT_KEY, rememberInstruction(this.recentInstructions(), instruction));
        }
        let diagnostics: DiagnosticInfo[] | undefined;
        if (kind === "fix") {
            diagnostics = diagnosticsIn(document, rangeOf(document, target));
            if (diagnostics.length === 0) return this.tell("info", `Hearth: there are no diagnostics in ${describeTarget(target)} to fix.`);
        }
        let tests: {layout: ReturnType<typeof detectTestLayout>; existing?: string; uri: vscode.Uri} | undefined;
        if (kind === "tests") {
            const folder = vscode.workspace.getWorkspaceFolder(document.uri);
            if (!folder) return this.tell("warn", "Hearth: Generate Tests needs the file to be in an open workspace folder.");
            const files = (await vscode.workspace.findFiles(new vscode.RelativePattern(folder, "**/*"), "**/{node_modules,.git,dist,out,target,build,.venv,venv}/**", 20000))
                .map((uri) => path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join("/"));
            const read = (relative: string) => { try { return fs.readFileSync(path.join(folder.uri.fsPath, relative), "utf8"); } catch { return undefined; } };
            const layout = detectTestLayout({files, read}, path.relative(folder.uri.fsPath, document.uri.fsPath), language);
            const uri = vscode.Uri.joinPath(folder.uri, ...layout.testPath.split("/"));
            const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
            tests = {layout, existing: open?.getText() ?? read(layout.testPath), uri};
            this.deps.log.info(`Hearth: tests for ${prompt.path} go to ${layout.testPath} (${layout.framework}, from ${layout.basis})`);
        }

        const abort = this.start();
        editor.setDecorations(this.highlight, [rangeOf(document, target)]);
        const started = performance.now();
        // Where the time of a run goes, in the log: context, answer, preview.
        const phases: string[] = [];
        const phase = (name: string) => phases.push(`${name} ${Math.round(performance.now() - started)} ms`);
        try {
            const context = (await this.gatherContext(document, text, target)).text;
            phase("context");
            const model = this.deps.runtime.modelInfo;
            const targetText = text.slice(target.start, target.end);
            const [tokens, contextTokens] = await this.deps.runtime.client.tokenCount([targetText, context])
                .catch(() => [Math.ceil(targetText.length / 3), Math.ceil(context.length / 3)]);
            phase("counted");
            // The prompt holds the target (twice for tests that extend a file), the context and the instructions.
            const promptTokens = tokens + contextTokens + (tests?.existing ? Math.ceil(tests.existing.length / 3) : 0) + PROMPT_OVERHEAD_TOKENS;
            const maxTokens = Math.min(answerBudget(tokens, model?.contextSize ?? 0, kind), (model?.contextSize ?? Number.MAX_SAFE_INTEGER) - promptTokens);
            if (maxTokens < Math.min(tokens, 256))
                return this.tell("warn", `Hearth: ${describeTarget(target)} is too large for the model's context (${model?.contextSize} tokens); select less.`);
            const what = describe({kind, target});
            const result: RunResult = await vscode.window.withProgress({
                location: vscode.ProgressLocation.Notification, title: `Hearth: ${capitalise(what)}`, cancellable: true
            }, async (progress, token) => {
                token.onCancellationRequested(() => abort.abort());
                let streamed = 0;
                this.streaming = true;
                return runRefactor({
                    kind, text, target, prompt, context, instruction, diagnostics,
                    tests: tests && {layout: tests.layout, existing: tests.existing},
                    codeChange: (before, after) => this.deps.context.codeChange({language, before, after}),
                    maxTokens,
                    tabSize: typeof editor.options.tabSize === "number" ? editor.options.tabSize : 4
                }, (params, options) => this.deps.runtime.client.chat(params, {...options, feature: "refactor"}), abort.signal, (chunk) => {
                    streamed += chunk.length;
                    progress.report({message: `${streamed} characters`});
                }).finally(() => { this.streaming = false; });
            });
            editor.setDecorations(this.highlight, []);
            phase("answered");
            this.deps.log.info(`Hearth: ${what}: ${phases.join(", ")}`);
            if (!result.ok) return this.tell("warn", `Hearth: ${result.message}`);
            const title = `Hearth: ${capitalise(what)}`;
            if (result.file === "tests") {
                const outcome = await this.deps.diff.propose({
                    uri: tests!.uri, range: new vscode.Range(positionIn(tests!.existing ?? "", result.start), positionIn(tests!.existing ?? "", result.end)),
                    originalText: tests!.existing ?? "", newText: result.newText, title
                });
                return {outcome, newText: result.newText};
            }
            const outcome = await this.deps.diff.propose({
                uri: document.uri, range: new vscode.Range(positionIn(text, result.start), positionIn(text, result.end)), originalText: text, newText: result.newText, title
            });
            return {outcome, newText: result.newText};
        } catch (error) {
            editor.setDecorations(this.highlight, []);
            if (abort.signal.aborted || (error instanceof RuntimeError && error.code === "cancelled")) {
                void vscode.window.setStatusBarMessage("Hearth: refactor cancelled; nothing was changed.", 4000);
                return {outcome: "cancelled", message: "Cancelled; nothing was changed."};
            }
            const message = `Hearth: ${describe({kind, target})} failed: ${(error as Error).message}. Nothing was changed.`;
            this.deps.log.error(message);
            void vscode.window.showErrorMessage(message, "Show Log").then((choice) => { if (choice === "Show Log") void vscode.commands.executeCommand("hearth.showRuntimeLog"); });
            return {outcome: "failed", message};
        } finally {
            if (this.running === abort) this.running = undefined;
        }
    }

    private async explain(args: RefactorArgs | undefined): Promise<RefactorOutcome> {
        const found = await this.locate("explain", args);
        if ("outcome" in found) return found;
        const sink = this.deps.chat();
        if (!sink) return this.tell("warn", "Hearth: the chat view cannot take questions yet, so Explain has nowhere to answer.");
        const {document, text, target, prompt} = found;
        const context = await this.gatherContext(document, text, target);
        const ask = buildPrompt("explain", {target: prompt, context: ""}).messages[1].content;
        const abort = this.start();
        try {
            await sink.askExternal({
                display: `Explain ${target.name ? `\`${target.name}\`` : "the selection"} (${prompt.path}:${prompt.startLine}–${prompt.endLine})`,
                prompt: ask,
                context: {text: context.text, sources: [
                    {path: document.uri.fsPath, startLine: prompt.startLine - 1, endLine: prompt.endLine - 1},
                    ...context.sources
                ]}
            }, abort.signal);
            return {outcome: "explained"};
        } finally {
            if (this.running === abort) this.running = undefined;
        }
    }

    /** The editor, the document and the target a command acts on, or the outcome that stops it. */
    private async locate(kind: RefactorKind, args: RefactorArgs | undefined): Promise<RefactorOutcome | {
        editor: vscode.TextEditor; document: vscode.TextDocument; text: string; target: RefactorTarget;
        language: ParsedLanguage | undefined; prompt: PromptTarget;
    }> {
        let editor = vscode.window.activeTextEditor;
        if (args?.uri) editor = await vscode.window.showTextDocument(args.uri, {preserveFocus: false});
        if (!this.deps.trust()) return this.tell("info", "Hearth runs no model in Restricted Mode: trust this workspace to use its refactors.");
        if (!editor) return this.tell("info", "Hearth: open a file and select code (or put the cursor in a function) first.");
        if (kind !== "explain" && !this.deps.runtime.modelInfo)
            return this.tell("warn", `Hearth: no model is loaded yet${this.deps.runtime.lastLoadError ? ` (${this.deps.runtime.lastLoadError})` : ""}; choose one with "Hearth: Select Model…".`);
        const document = editor.document;
        const text = document.getText();
        const detected = languageOfText(document.uri.fsPath, text);
        const language = detected && isParsedLanguage(detected) ? detected : undefined;
        const selection = args?.range ?? editor.selection;
        let target = await this.deps.context.refactorTarget({path: document.uri.fsPath, text, start: document.offsetAt(selection.start), end: document.offsetAt(selection.end)});
        // Fix Diagnostics outside any function: the lines of the diagnostics at the cursor.
        if (!target && kind === "fix") {
            const here = vscode.languages.getDiagnostics(document.uri).filter((d) => d.range.contains(selection.start) || d.range.start.line === selection.start.line);
            if (here.length > 0) {
                const start = document.offsetAt(new vscode.Position(Math.min(...here.map((d) => d.range.start.line)), 0));
                const endLine = document.lineAt(Math.max(...here.map((d) => d.range.end.line)));
                target = {start, end: document.offsetAt(endLine.range.end), kind: "selection", leadingIndent: ""};
            }
        }
        if (!target) return this.tell("info", "Hearth: select code, or put the cursor inside a function, method or class.");
        const range = rangeOf(document, target);
        // Show the user the range the command acts on.
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        const relative = folder ? path.relative(folder.uri.fsPath, document.uri.fsPath).split(path.sep).join("/") : path.basename(document.uri.fsPath);
        const prompt: PromptTarget = {
            path: relative, language, languageId: document.languageId, code: text.slice(target.start, target.end), name: target.name,
            startLine: range.start.line + 1, endLine: range.end.line + 1
        };
        return {editor, document, text, target, language, prompt};
    }

    /** Definitions the target uses, callers, and the file's imports, packed under the chat budget; and where each came from. */
    private async gatherContext(document: vscode.TextDocument, text: string, target: RefactorTarget): Promise<{text: string; sources: TurnSource[]}> {
        const {imports, names} = await this.deps.context.refactorNames({path: document.uri.fsPath, text, start: target.start, end: target.end});
        const question = refactorQuestion(names, target.name);
        const startLine = document.positionAt(target.start).line, endLine = document.positionAt(target.end).line;
        const packed = question ? await this.deps.context.contextForQuestion(question, undefined) : {snippets: [], usedTokens: 0, budgetTokens: 0, dropped: 0};
        // The target itself is in the prompt already.
        const file = document.uri.fsPath;
        const snippets = packed.snippets.filter((s) => !(s.path === file && s.startLine <= endLine && s.endLine >= startLine));
        const comment = commentSyntax(document.languageId);
        const importBlock = imports.length > 0 ? `The file's imports:\n${imports.join("\n")}\n\n` : "";
        return {text: importBlock + renderContext({...packed, snippets}, comment), sources: snippets.map((s) => ({path: s.path, startLine: s.startLine, endLine: s.endLine}))};
    }

    private async askInstruction(what: string): Promise<string | undefined> {
        const recent = this.recentInstructions();
        const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
        pick.title = `Hearth: ${capitalise(what)}`;
        pick.placeholder = "How should it be rewritten? (e.g. \"use early returns\")";
        const recentItems = recent.map((label) => ({label, description: "recent"}));
        pick.items = recentItems;
        pick.onDidChangeValue((value) => {
            // What the user types is always the first choice; recent ones that match follow.
            pick.items = value.trim() ? [{label: value, description: "new instruction", alwaysShow: true}, ...recentItems.filter((i) => i.label !== value)] : recentItems;
        });
        return new Promise<string | undefined>((resolve) => {
            pick.onDidAccept(() => { resolve(pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined)); pick.hide(); });
            pick.onDidHide(() => { resolve(undefined); pick.dispose(); });
            pick.show();
        });
    }

    /** A new run: the one before it (if any) is cancelled, since its target may be the same code. */
    private start(): AbortController {
        this.running?.abort();
        this.running = new AbortController();
        return this.running;
    }

    private tell(level: "info" | "warn", message: string): RefactorOutcome {
        this.deps.log[level](message);
        void (level === "info" ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message));
        return {outcome: level === "info" ? "unavailable" : "refused", message};
    }
}

/** Arguments as code passes them; the editor's context menu passes the document's Uri, which means none. */
function revive(args: unknown): RefactorArgs | undefined {
    if (!args || typeof args !== "object" || args instanceof vscode.Uri) return undefined;
    const {instruction, uri, range} = args as {instruction?: unknown; uri?: unknown; range?: unknown};
    const position = (p: unknown) => { const {line, character} = p as {line: number; character: number}; return new vscode.Position(line, character); };
    return {
        ...(typeof instruction === "string" ? {instruction} : {}),
        ...(uri instanceof vscode.Uri ? {uri} : uri && typeof uri === "object" ? {uri: vscode.Uri.from(uri as vscode.Uri)} : {}),
        ...(range instanceof vscode.Range ? {range} : range && typeof range === "object" ? {range: new vscode.Range(position((range as vscode.Range).start), position((range as vscode.Range).end))} : {})
    };
}

function rangeOf(document: vscode.TextDocument, target: RefactorTarget): vscode.Range {
    return new vscode.Range(document.positionAt(target.start), document.positionAt(target.end));
}

function describeTarget(target: RefactorTarget): string {
    return target.name ? `\`${target.name}\`` : "the selection";
}

function capitalise(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The position of `offset` in `text` (the document as it was when the request started). */
function positionIn(text: string, offset: number): vscode.Position {
    let line = 0, lineStart = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) { line++; lineStart = i + 1; }
    return new vscode.Position(line, offset - lineStart);
}

/** The diagnostics that touch `range`, as the Fix prompt describes them. */
export function diagnosticsIn(document: vscode.TextDocument, range: vscode.Range): DiagnosticInfo[] {
    const severities = ["error", "warning", "information", "hint"] as const;
    return vscode.languages.getDiagnostics(document.uri)
        .filter((d) => d.range.intersection(range) !== undefined)
        .map((d) => ({
            message: d.message, line: d.range.start.line + 1, severity: severities[d.severity],
            ...(d.source ? {source: d.source} : {}),
            ...(d.code !== undefined ? {code: String(typeof d.code === "object" ? d.code.value : d.code)} : {}),
            related: (d.relatedInformation ?? []).map((r) => ({message: r.message, location: `${vscode.workspace.asRelativePath(r.location.uri)}:${r.location.range.start.line + 1}`}))
        }));
}

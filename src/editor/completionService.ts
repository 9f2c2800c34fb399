// Inline completions bound to VS Code: the Completer over the runtime and the context engine, its provider for
// every language, the accept command that prefetches the next suggestion, and the status-bar hooks. Settings
// changes reconfigure it; a model change clears what was cached for the old one.
import * as vscode from "vscode";
import {Completer, type CompleterOptions, type CompletionDocument} from "../completion/completer";
import {ACCEPTED_COMMAND, HearthInlineProvider} from "../completion/inlineProvider";
import {runtimeBackend} from "../completion/runtimeBackend";
import type {SnoozeClock} from "../completion/snooze";
import {completionEnabledFor, type HearthConfig} from "../config";
import type {ContextService} from "./contextService";
import type {OutputLog} from "./outputLog";
import type {RuntimeService} from "./runtimeService";
import {readConfig} from "./settings";

export interface CompletionServiceDeps {
    runtime: RuntimeService;
    context: ContextService;
    snooze: SnoozeClock;
    log: OutputLog;
}

export class CompletionService implements vscode.Disposable {
    readonly completer: Completer;
    private config: HearthConfig = readConfig();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly deps: CompletionServiceDeps) {
        const {runtime, log} = deps;
        this.completer = new Completer(runtimeBackend({
            model: () => runtime.client.state === "ready" ? runtime.modelInfo : undefined,
            promptStyle: () => this.config.completion.promptStyle,
            complete: (params, options) => runtime.client.complete(params, options),
            context: (doc, signal) => this.contextFor(doc, signal),
            shape: (doc, signal) => deps.context.shapeAt({path: doc.path, languageId: doc.languageId, text: doc.text, offset: doc.offset}, signal),
            multiline: () => this.config.completion.multiline,
            onResult: (result) => runtime.statusBar.completionResult(result.stats)
        }), this.options());
        const provider = new HearthInlineProvider({
            completer: this.completer,
            languageEnabled: (languageId) => completionEnabledFor(this.config, languageId),
            snoozed: () => deps.snooze.isSnoozed(),
            modelReady: () => this.modelReady(),
            displayPath: (uri) => vscode.workspace.asRelativePath(uri, false),
            onRequest: (state) => {
                runtime.statusBar.completionRequest(state);
                if (state === "idle") runtime.statusBar.setLatency(this.completer.tracker.typicalLatency());
            }
        });
        this.disposables.push(
            vscode.languages.registerInlineCompletionItemProvider({pattern: "**"}, provider),
            vscode.commands.registerCommand(ACCEPTED_COMMAND, (doc: CompletionDocument, text: string) => {
                log.info(`Hearth completion accepted (${text.length} characters)`);
                this.completer.accepted(doc, text);
            }),
            runtime.onDidChangeModel(() => { this.completer.clear(); this.warm(vscode.window.activeTextEditor); }),
            vscode.window.onDidChangeActiveTextEditor((editor) => this.warm(editor))
        );
        this.warm(vscode.window.activeTextEditor);
    }

    /**
     * Pre-warming, when an editor becomes active: its cursor's context is retrieved and held, and its syntax tree
     * kept, before the first keystroke, which then costs the index worker a key check and an incremental parse.
     */
    private warm(editor: vscode.TextEditor | undefined): void {
        const document = editor?.document;
        if (!editor || !document || document.uri.scheme !== "file" || !vscode.workspace.isTrusted) return;
        if (!completionEnabledFor(this.config, document.languageId) || this.deps.snooze.isSnoozed() || !this.modelReady()) return;
        const position = editor.selection.active;
        void this.deps.context.completionContext(document, position)
            .then(() => this.deps.context.shapeAt({path: document.uri.fsPath, languageId: document.languageId, text: document.getText(), offset: document.offsetAt(position)}))
            .catch((error: Error) => this.deps.log.warn(`Hearth: warming the context of ${document.uri.fsPath} failed: ${error.message}`));
    }

    private modelReady(): boolean {
        return this.deps.runtime.client.state === "ready" && this.deps.runtime.modelInfo !== undefined;
    }

    reconfigure(config: HearthConfig): void {
        this.config = config;
        this.completer.configure(this.options());
    }

    dispose(): void {
        this.completer.dispose();
        for (const d of this.disposables) d.dispose();
    }

    private options(): CompleterOptions {
        const c = this.config.completion;
        return {
            debounce: {minMs: c.debounceMs, maxMs: Math.max(c.debounceMs, c.debounceMaxMs)},
            maxTokens: c.maxTokens, softDeadlineMs: c.softDeadlineMs, hardDeadlineMs: Math.max(c.softDeadlineMs, c.hardDeadlineMs)
        };
    }

    private async contextFor(doc: CompletionDocument, signal: AbortSignal): Promise<string> {
        const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === doc.path);
        if (!document) return "";
        return this.deps.context.completionContext(document, document.positionAt(doc.offset), {signal});
    }
}

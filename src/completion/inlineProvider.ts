// The VS Code side of inline completions: turns an editor request into a CompletionDocument for the Completer,
// its cancellation token into an AbortSignal, and the text into a ghost-text item whose accept command feeds the
// prefetch. All decisions live in vscode-free modules (gates, completer); this file only binds them.
import * as vscode from "vscode";
import type {Completer, CompletionDocument} from "./completer";
import {blockedBecause} from "./gates";

export interface InlineProviderDeps {
    completer: Completer;
    languageEnabled(languageId: string): boolean;
    snoozed(): boolean;
    modelReady(): boolean;
    displayPath(uri: vscode.Uri): string;
    /** Told about every request that is not blocked, and when it ends, for the status bar. */
    onRequest?(state: "generating" | "idle"): void;
}

export const ACCEPTED_COMMAND = "hearth.completion.accepted";

export class HearthInlineProvider implements vscode.InlineCompletionItemProvider {
    constructor(private readonly deps: InlineProviderDeps) {}

    async provideInlineCompletionItems(
        document: vscode.TextDocument, position: vscode.Position, context: vscode.InlineCompletionContext, token: vscode.CancellationToken
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        const editor = vscode.window.activeTextEditor;
        const selection = editor?.document === document ? editor.selection : undefined;
        const line = document.lineAt(position.line).text;
        const blocked = blockedBecause({
            languageEnabled: this.deps.languageEnabled(document.languageId),
            snoozed: this.deps.snoozed(),
            modelReady: this.deps.modelReady(),
            readOnly: vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false,
            workspaceTrusted: vscode.workspace.isTrusted,
            selectionLines: selection ? selection.end.line - selection.start.line + 1 : 1,
            lineSuffix: line.slice(position.character)
        });
        if (blocked !== undefined) return undefined;

        const doc = toCompletionDocument(document, position, this.deps.displayPath(document.uri), editor);
        const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        this.deps.onRequest?.("generating");
        try {
            const text = await this.deps.completer.provide(doc, {at: Date.now(), explicit, typed: line.slice(Math.max(0, position.character - 1), position.character)}, controller.signal);
            if (text === undefined || token.isCancellationRequested) return undefined;
            const item = new vscode.InlineCompletionItem(text, new vscode.Range(position, position));
            item.command = {command: ACCEPTED_COMMAND, title: "Accepted", arguments: [doc, text]};
            return [item];
        } finally {
            subscription.dispose();
            this.deps.onRequest?.("idle");
        }
    }
}

export function toCompletionDocument(document: vscode.TextDocument, position: vscode.Position, displayPath: string, editor?: vscode.TextEditor): CompletionDocument {
    const options = editor?.document === document ? editor.options : undefined;
    const indentUnit = options?.insertSpaces === false ? "\t" : " ".repeat(typeof options?.tabSize === "number" ? options.tabSize : 4);
    return {
        path: document.uri.fsPath, displayPath, languageId: document.languageId, text: document.getText(),
        offset: document.offsetAt(position), indentUnit
    };
}

// Fix Diagnostics as a quick fix: on any diagnostic, a code action that runs the command on the function, method or
// class around it (or the diagnostic's lines outside any), with every diagnostic there in the prompt.
import * as vscode from "vscode";
import type {RefactorArgs} from "./commands";

export const FIX_ACTION_TITLE = "Fix with Hearth";

export class FixDiagnosticsActions implements vscode.CodeActionProvider {
    static readonly kinds = [vscode.CodeActionKind.QuickFix];

    provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
        if (context.diagnostics.length === 0 || document.uri.scheme !== "file") return [];
        const first = context.diagnostics[0];
        const action = new vscode.CodeAction(FIX_ACTION_TITLE, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [...context.diagnostics];
        // An empty range at the diagnostic: the command widens it to the enclosing definition.
        const args: RefactorArgs = {uri: document.uri, range: new vscode.Range(first.range.start, first.range.start)};
        action.command = {command: "hearth.fixDiagnostics", title: FIX_ACTION_TITLE, arguments: [args]};
        return [action];
    }
}

export function registerFixDiagnosticsActions(): vscode.Disposable {
    return vscode.languages.registerCodeActionsProvider({scheme: "file"}, new FixDiagnosticsActions(), {providedCodeActionKinds: FixDiagnosticsActions.kinds});
}

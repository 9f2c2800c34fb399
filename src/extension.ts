// activate(): builds Hearth's object graph, registers every contribution, and disposes it all on deactivate.
import * as vscode from "vscode";
import {ChatViewProvider} from "./chat/chatView";
import {OutputLog} from "./ui/outputLog";
import {registerModelPicker} from "./ui/modelPicker";
import {readConfig, setCompletionsEnabled} from "./settings";
import {ContextService} from "./workspace/contextService";

/** What activate() returns: used by the e2e suite to observe the running extension. */
export interface HearthApi {
    readonly chatView: ChatViewProvider;
    readonly log: OutputLog;
    /** Workspace context for completions and chat: contextForCursor / contextForQuestion. */
    readonly context: ContextService;
}

/** Commands whose capability is not built yet: registered for real, and they say so plainly. */
const pendingCommands: ReadonlyArray<[command: string, capability: string]> = [
    ["hearth.explainSelection", "Explain Selection"],
    ["hearth.rewriteSelection", "Rewrite Selection"],
    ["hearth.addDocumentation", "Add Documentation"],
    ["hearth.generateTests", "Generate Tests"],
    ["hearth.fixDiagnostics", "Fix Diagnostics"]
];

export function activate(context: vscode.ExtensionContext): HearthApi {
    const log = new OutputLog();
    const chatView = new ChatViewProvider(context.extensionUri);
    context.subscriptions.push(
        log,
        chatView,
        vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chatView, {webviewOptions: {retainContextWhenHidden: true}}),
        vscode.commands.registerCommand("hearth.showRuntimeLog", () => log.show()),
        vscode.commands.registerCommand("hearth.toggleInlineCompletions", toggleInlineCompletions),
        registerModelPicker({log}),
        ...pendingCommands.map(([command, capability]) => vscode.commands.registerCommand(command, () => notBuiltYet(capability, log)))
    );
    const contextService = new ContextService(context, log);
    context.subscriptions.push(contextService);
    log.info(`Hearth ${context.extension.packageJSON.version} activated`);
    return {chatView, log, context: contextService};
}

export function deactivate(): void {
    // Everything is disposed through context.subscriptions.
}

async function toggleInlineCompletions(): Promise<boolean> {
    const enabled = readConfig().completion.enable["*"] !== false;
    await setCompletionsEnabled(!enabled);
    void vscode.window.setStatusBarMessage(`Hearth inline completions ${enabled ? "off" : "on"}`, 3000);
    return !enabled;
}

function notBuiltYet(capability: string, log: OutputLog): string {
    const message = `Hearth: "${capability}" is not available yet in this version; it is being built.`;
    log.info(message);
    void vscode.window.showInformationMessage(message);
    return message;
}

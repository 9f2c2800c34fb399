// activate(): builds Hearth's object graph, registers every contribution, and disposes it all on deactivate.
import os from "node:os";
import * as vscode from "vscode";
import {ChatViewProvider} from "./chat/chatView";
import {OutputLog} from "./editor/outputLog";
import {registerModelPicker} from "./editor/modelPicker";
import {onConfigChange, readConfig, setCompletionsEnabled} from "./editor/settings";
import {RuntimeService} from "./editor/runtimeService";
import {promptForEndpointKey} from "./editor/endpointKey";
import {EndpointConsent} from "./editor/endpointConsent";
import {createLoadGate} from "./editor/loadGate";
import {WorkspaceTrust} from "./editor/trust";
import {createLoadResolver} from "./runtime/models/loadResolver";
import {ContextService} from "./editor/contextService";
import {modelTokenCounter} from "./context/tokenCount";
import {SnoozeClock} from "./completion/snooze";
import {registerCompletionMenu} from "./editor/completionMenu";
import {CompletionService} from "./editor/completionService";

/** What activate() returns: used by the e2e suite to observe the running extension. */
export interface HearthApi {
    readonly chatView: ChatViewProvider;
    readonly log: OutputLog;
    /** Workspace context for completions and chat: contextForCursor / contextForQuestion. */
    readonly context: ContextService;
    /** The model runtime: the child process, its client, and the loaded model's facts. */
    readonly runtime: RuntimeService;
    /** Workspace trust as Hearth sees it: in Restricted Mode nothing runs and the status bar says why. */
    readonly trust: WorkspaceTrust;
    /** Inline completions: the Completer's counters show requests, cancels, cache hits and reuse. */
    readonly completions: CompletionService;
}

/** Choosing a model writes several settings in a row; load once they have settled. */
const CONFIG_SETTLE_MS = 300;

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
        ...pendingCommands.map(([command, capability]) => vscode.commands.registerCommand(command, () => notBuiltYet(capability, log)))
    );
    const contextService = new ContextService(context, log);
    const trust = new WorkspaceTrust(log);
    // The default model fits this machine's RAM and, where the runtime finds a GPU, its VRAM. Asking starts
    // the runtime process, which Restricted Mode does not allow.
    const vram = () => trust.trusted ? runtime.vram(readConfig().runtime.gpu).catch(() => undefined) : Promise.resolve(undefined);
    const resolveLoad = createLoadResolver({
        memory: async () => {
            const gpu = await vram();
            return {
                totalRamBytes: os.totalmem(),
                freeRamBytes: os.freemem(),
                ...(gpu ? {totalVramBytes: gpu.totalBytes, freeVramBytes: gpu.freeBytes, unifiedMemory: gpu.unifiedMemory} : {})
            };
        }
    });
    const runtime: RuntimeService = new RuntimeService(context.extensionUri, log, createLoadGate({
        trust, resolve: resolveLoad, consent: new EndpointConsent(context.globalState), secrets: context.secrets, log
    }));
    const snooze = new SnoozeClock(context.globalState);
    const completions = new CompletionService({
        runtime, context: contextService, snooze, log
    });
    let settle: NodeJS.Timeout | undefined;
    context.subscriptions.push(
        registerCompletionMenu({statusBar: runtime.statusBar, snooze, log}),
        {dispose: () => snooze.dispose()},
        completions,
        registerModelPicker({log, vram}),
        vscode.commands.registerCommand("hearth.setEndpointApiKey", async () => {
            if (await promptForEndpointKey(context.secrets, readConfig().endpoint.url)) await runtime.apply(readConfig());
        }),
        trust,
        trust.onDidGrant(() => void runtime.apply(readConfig())),
        contextService,
        runtime,
        onConfigChange((config) => {
            completions.reconfigure(config);
            clearTimeout(settle);
            settle = setTimeout(() => void runtime.apply(config), CONFIG_SETTLE_MS);
        }),
        {dispose: () => clearTimeout(settle)},
        // Context budgets are capped by the loaded model's context window.
        runtime.onDidChangeModel((model) => {
            // The walkthrough's "Choose or download a model" step completes on this.
            void vscode.commands.executeCommand("setContext", "hearth.modelLoaded", model !== undefined);
            contextService.setModelContextSize(model?.contextSize ?? 0);
            // Pack with the model's own tokenizer while a model is loaded, the calibrated estimate otherwise.
            contextService.setTokenCounter(model ? modelTokenCounter((texts) => runtime.client.tokenCount([...texts])) : undefined);
        })
    );
    // Loading runs in the background: activation never waits on the model.
    void runtime.apply(readConfig());
    log.info(`Hearth ${context.extension.packageJSON.version} activated`);
    return {chatView, log, context: contextService, runtime, trust, completions};
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

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
import {DiffPreview} from "./diff/preview";
import {RefactorCommands} from "./refactor/commands";
import {registerFixDiagnosticsActions} from "./refactor/codeActions";
import type {ExternalTurnSink} from "./chat/externalTurn";
import {TokenTaxService} from "./editor/tokenTaxService";
import {registerLanguageModelProvider} from "./chat/lmProvider";
import {registerParticipant} from "./chat/participant";

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
    /** The diff preview shared by the refactor commands and chat's Apply to File. */
    readonly diff: DiffPreview;
    /** The five refactor commands (Explain, Rewrite, Add Documentation, Generate Tests, Fix Diagnostics). */
    readonly refactors: RefactorCommands;
    /** Tokens processed locally today and in total, and their cloud price (status-bar tooltip, chat footer). */
    readonly tokenTax: TokenTaxService;
    /** The @hearth chat participant; undefined where VS Code has no chat participants. */
    readonly chatParticipant: vscode.ChatParticipant | undefined;
}

export function activate(context: vscode.ExtensionContext): HearthApi {
    const log = new OutputLog();
    context.subscriptions.push(
        log,
        vscode.commands.registerCommand("hearth.showRuntimeLog", () => log.show()),
        vscode.commands.registerCommand("hearth.toggleInlineCompletions", toggleInlineCompletions)
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
    // Fed by every finished runtime request (completions, chat, refactors, the language-model provider).
    const tokenTax = new TokenTaxService(context.globalState, runtime.client, log);
    const showUsage = () => runtime.statusBar.setUsage(tokenTax.summary().text);
    showUsage();
    context.subscriptions.push(tokenTax, tokenTax.onDidChange(showUsage));
    // The sidebar chat: the runtime, the workspace context, this workspace's history and the token tax footer.
    const chatView = new ChatViewProvider({
        extensionUri: context.extensionUri, runtime, context: contextService, trust, log, workspaceState: context.workspaceState, tokenTax
    });
    context.subscriptions.push(
        chatView,
        vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chatView, {webviewOptions: {retainContextWhenHidden: true}})
    );
    const chatParticipant = registerParticipant({runtime, context: contextService, trust, log, extensionUri: context.extensionUri});
    if (chatParticipant) context.subscriptions.push(chatParticipant);
    const snooze = new SnoozeClock(context.globalState);
    const completions = new CompletionService({
        runtime, context: contextService, snooze, log
    });
    const diff = new DiffPreview(log);
    // Chat's Apply to File shows its edits in the same preview.
    chatView.setDiffPreview(diff);
    // Explain answers in the chat view.
    const chatSink = (): ExternalTurnSink => chatView;
    const refactors = new RefactorCommands({
        runtime, context: contextService, diff, chat: chatSink, log, workspaceState: context.workspaceState, trust: () => trust.trusted
    });
    context.subscriptions.push(diff, refactors, registerFixDiagnosticsActions());
    context.subscriptions.push(
        registerCompletionMenu({statusBar: runtime.statusBar, snooze, log}),
        {dispose: () => snooze.dispose()},
        completions,
        registerModelPicker({log, vram}),
        registerLanguageModelProvider(runtime, trust, log),
        vscode.commands.registerCommand("hearth.setEndpointApiKey", async () => {
            if (await promptForEndpointKey(context.secrets, readConfig().endpoint.url)) await runtime.apply(readConfig());
        }),
        trust,
        trust.onDidGrant(() => void runtime.apply(readConfig())),
        contextService,
        runtime,
        onConfigChange((config) => {
            completions.reconfigure(config);
            runtime.applySoon(config);
        }),
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
    return {chatView, log, context: contextService, runtime, trust, completions, tokenTax, diff, refactors, chatParticipant};
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


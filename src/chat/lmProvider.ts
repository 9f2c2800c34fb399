// Hearth's loaded model as a VS Code language model (vscode.lm.registerLanguageModelChatProvider, stable since
// 1.104): VS Code's Chat and any extension calling vscode.lm.selectChatModels({vendor: "hearth"}) can use it.
// Answers stream from the runtime, cancellation reaches it, and tokens are counted with the model's tokenizer.
// Only a model that is loaded and ready, in a trusted workspace, is offered; the list changes with the model.
// The message conversion and the model's description are vscode-free (lmMessages.ts).
import * as vscode from "vscode";
import {estimateTokens} from "../context/tokenCount";
import {RuntimeError, type ModelInfo} from "../runtime/protocol";
import type {RuntimeService} from "../editor/runtimeService";
import type {WorkspaceTrust} from "../editor/trust";
import type {OutputLog} from "../editor/outputLog";
import {readConfig} from "../editor/settings";
import {
    MESSAGE_OVERHEAD_TOKENS, lmModelInfo, messageText, requestedMaxTokens, toRuntimeMessages,
    type LmMessage, type LmModelInfo, type LmPart
} from "./lmMessages";

/** The vendor VS Code lists Hearth's model under; package.json's `languageModelChatProviders` declares it. */
export const LM_VENDOR = "hearth";

type HearthModel = vscode.LanguageModelChatInformation & LmModelInfo;

export class HearthChatModelProvider implements vscode.LanguageModelChatProvider<HearthModel>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    private readonly subscriptions: vscode.Disposable[] = [];
    private readonly unsubscribe: () => void;
    /** The model id last offered, so VS Code is told only when the list really changes. */
    private offered: string | undefined;
    readonly onDidChangeLanguageModelChatInformation = this.changed.event;

    constructor(private readonly runtime: RuntimeService, private readonly trust: WorkspaceTrust, private readonly log: OutputLog) {
        const check = () => {
            const now = this.available()?.id;
            if (now === this.offered) return;
            this.offered = now;
            this.changed.fire();
        };
        this.offered = this.available()?.id;
        this.subscriptions.push(
            runtime.onDidChangeModel(check),
            trust.onDidGrant(check),
            vscode.workspace.onDidChangeConfiguration((event) => { if (event.affectsConfiguration("hearth.chat.maxTokens")) this.changed.fire(); })
        );
        // A crashed runtime offers nothing until it is ready again.
        this.unsubscribe = runtime.client.onStateChange(check);
    }

    provideLanguageModelChatInformation(): HearthModel[] {
        const model = this.available();
        return model ? [model] : [];
    }

    async provideLanguageModelChatResponse(
        model: HearthModel,
        messages: readonly vscode.LanguageModelChatRequestMessage[],
        options: vscode.ProvideLanguageModelChatResponseOptions,
        progress: vscode.Progress<vscode.LanguageModelResponsePart>,
        token: vscode.CancellationToken
    ): Promise<void> {
        const current = this.available();
        if (current === undefined || current.id !== model.id)
            throw vscode.LanguageModelError.NotFound(`Hearth's model ${model.name} is not loaded now${current ? `: ${current.name} is` : ""}.`);
        const runtimeMessages = toRuntimeMessages(messages.map(fromVscodeMessage));
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        const controller = new AbortController();
        const onCancel = token.onCancellationRequested(() => controller.abort());
        try {
            await this.runtime.client.chat(
                {messages: runtimeMessages, maxTokens: requestedMaxTokens(options.modelOptions, model.maxOutputTokens), reasoning: false},
                {signal: controller.signal, feature: "languageModel", onText: (text) => progress.report(new vscode.LanguageModelTextPart(text))}
            );
        } catch (error) {
            // The caller cancelled: its stream just ends (what arrived stays), as it asked.
            if (controller.signal.aborted || (error instanceof RuntimeError && error.code === "cancelled")) return;
            const message = error instanceof Error ? error.message : String(error);
            this.log.error(`Hearth language model request failed: ${message}`);
            throw new Error(`Hearth's model could not answer: ${message}`);
        } finally {
            onCancel.dispose();
        }
    }

    async provideTokenCount(model: HearthModel, text: string | vscode.LanguageModelChatRequestMessage, token: vscode.CancellationToken): Promise<number> {
        const content = typeof text === "string" ? text : messageText(fromVscodeMessage(text));
        const overhead = typeof text === "string" ? 0 : MESSAGE_OVERHEAD_TOKENS;
        if (content.length === 0) return overhead;
        if (this.available()?.id === model.id && !token.isCancellationRequested) {
            try {
                return (await this.runtime.client.tokenCount([content]))[0] + overhead;
            } catch (error) {
                this.log.warn(`Hearth: counting tokens with the model failed, estimating instead: ${(error as Error).message}`);
            }
        }
        // No model to ask (it was unloaded meanwhile): the calibrated estimate the context engine packs with.
        return estimateTokens(content) + overhead;
    }

    /** The model to offer: loaded, its runtime ready, the workspace trusted. */
    private available(): HearthModel | undefined {
        const model: ModelInfo | undefined = this.runtime.modelInfo;
        if (!this.trust.trusted || model === undefined || this.runtime.client.state !== "ready") return undefined;
        return {...lmModelInfo(model, readConfig().chat.maxTokens), capabilities: {imageInput: false, toolCalling: false}};
    }

    dispose(): void {
        this.unsubscribe();
        for (const subscription of this.subscriptions) subscription.dispose();
        this.changed.dispose();
    }
}

/** Registers the provider; the returned disposable unregisters it and stops its listeners. */
export function registerLanguageModelProvider(runtime: RuntimeService, trust: WorkspaceTrust, log: OutputLog): vscode.Disposable {
    const provider = new HearthChatModelProvider(runtime, trust, log);
    try {
        return vscode.Disposable.from(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider), provider);
    } catch (error) {
        // A VS Code build without language-model support: everything else in Hearth works on.
        log.warn(`Hearth's model is not offered to VS Code's language-model API here: ${(error as Error).message}`);
        provider.dispose();
        return new vscode.Disposable(() => {});
    }
}

/** Reads a request message into the vscode-free shape lmMessages.ts converts. */
function fromVscodeMessage(message: vscode.LanguageModelChatRequestMessage): LmMessage {
    // The stable enum has User and Assistant; a system role (3) arrives from callers using the proposed API.
    const role = message.role === vscode.LanguageModelChatMessageRole.Assistant ? "assistant"
        : message.role === vscode.LanguageModelChatMessageRole.User ? "user" : "system";
    return {role, parts: message.content.map(fromVscodePart)};
}

function fromVscodePart(part: unknown): LmPart {
    if (part instanceof vscode.LanguageModelTextPart) return {kind: "text", text: part.value};
    if (part instanceof vscode.LanguageModelToolCallPart) return {kind: "toolCall", name: part.name, input: part.input};
    if (part instanceof vscode.LanguageModelToolResultPart) {
        const text = part.content.map((inner) => inner instanceof vscode.LanguageModelTextPart ? inner.value : "").join("");
        return {kind: "toolResult", text};
    }
    // A text part from another copy of the API classes still has its string value.
    if (typeof part === "object" && part !== null && typeof (part as {value?: unknown}).value === "string")
        return {kind: "text", text: (part as {value: string}).value};
    return {kind: "other"};
}

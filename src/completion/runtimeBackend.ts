// The Completer's backend over Hearth's runtime and context engine, without vscode: the extension binds it to
// RuntimeService and ContextService, the benchmark to an in-process engine and its own runtime client.
import type {CompleteParams, GenerationResult, ModelInfo} from "../runtime/protocol";
import type {CompletionBackend, CompletionDocument, GenerateRequest, PromptStyle} from "./completer";
import type {Shape} from "./multiline";

export type PromptStyleSetting = "auto" | PromptStyle;

export interface RuntimeBackendDeps {
    /** The loaded model's facts, or undefined while none is ready. */
    model(): ModelInfo | undefined;
    promptStyle(): PromptStyleSetting;
    complete(params: CompleteParams, options: {signal: AbortSignal, onText(text: string): void}): Promise<GenerationResult>;
    /** Packed, labelled workspace context for the cursor. */
    context(doc: CompletionDocument, signal: AbortSignal): Promise<string>;
    shape(doc: CompletionDocument, signal: AbortSignal): Promise<Shape>;
    /** Whether multi-line suggestions are allowed at all (hearth.completion.multiline). */
    multiline(): boolean;
    /** Every finished generation's statistics (KV reuse, speed), for the status bar and benchmarks. */
    onResult?(result: GenerationResult): void;
}

/** FIM with the model's own tokens where it has them; otherwise (real Gemma 4) the instruct prompt. */
export function choosePromptStyle(setting: PromptStyleSetting, model: ModelInfo | undefined): PromptStyle | undefined {
    if (model === undefined) return undefined;
    if (setting === "fim") return model.hasFim ? "fim" : "instruct";
    if (setting === "instruct") return "instruct";
    return model.hasFim ? "fim" : "instruct";
}

export function runtimeBackend(deps: RuntimeBackendDeps): CompletionBackend {
    return {
        promptStyle: () => choosePromptStyle(deps.promptStyle(), deps.model()),
        shape: async (doc, signal) => deps.multiline() ? deps.shape(doc, signal) : "singleLine",
        context: (doc, signal) => deps.context(doc, signal),
        async generate(request: GenerateRequest, control) {
            const params: CompleteParams = {
                context: request.context, prefix: request.prefix, suffix: request.suffix, maxTokens: request.maxTokens, stop: request.stop,
                ...(request.stopAtLineEnd ? {stopAtLineEnd: true} : {}),
                ...(request.instruct ? {instruct: request.instruct} : {})
            };
            const result = await deps.complete(params, control);
            deps.onResult?.(result);
            return result.text;
        }
    };
}

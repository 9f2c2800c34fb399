// Hearth's settings as plain data. The shape mirrors package.json's `contributes.configuration`;
// `editor/settings.ts` is the one place that reads them from VS Code. Core modules (runtime/protocol.ts too) take these types, never `vscode`.

export type DrafterMode = "auto" | "mtp" | "draftModel" | "promptLookup" | "off";
export type EngineKind = "embedded" | "llamaServer" | "openaiCompatible";
export type GpuChoice = "auto" | "cuda" | "vulkan" | "metal" | "off";

export interface HearthConfig {
    model: {id: string, path: string, downloadDirectory: string};
    drafter: {mode: DrafterMode, path: string, maxDraftTokens: number};
    engine: EngineKind;
    llamaServer: {path: string};
    endpoint: {url: string, model: string};
    runtime: {gpu: GpuChoice, threads: number, contextSize: number};
    context: {completionBudgetTokens: number, chatBudgetTokens: number, timeBudgetMs: number};
    index: {maxFileSizeKb: number, exclude: string[]};
    completion: {
        enable: Record<string, boolean>, debounceMs: number, debounceMaxMs: number, maxTokens: number, multiline: boolean,
        promptStyle: "auto" | "fim" | "instruct", softDeadlineMs: number, hardDeadlineMs: number
    };
    /** maxTokens: the answer allowance, kept free in the context window and the most one answer may generate. */
    chat: {reasoning: boolean, maxTokens: number};
    /** What the tokens processed locally would have cost in the cloud (the token tax, src/usage). */
    tokenTax: {pricePerMillionTokens: number};
}

/** Whether inline completions are on for a language id, by the `hearth.completion.enable` map. */
export function completionEnabledFor(config: HearthConfig, languageId: string): boolean {
    const map = config.completion.enable;
    if (languageId in map) return map[languageId] === true;
    return map["*"] !== false;
}

// How many tokens of workspace context a prompt may carry: the user's setting, capped by what the model's
// context window has left once the fixed prompt and the answer are reserved.

export interface BudgetInputs {
    /** hearth.context.completionBudgetTokens or hearth.context.chatBudgetTokens. */
    settingTokens: number;
    /** The loaded model's context size in tokens (Gemma 4: up to 128K or 256K); 0 when unknown. */
    modelContextTokens: number;
    /** Tokens the answer may take (completion maxTokens, or a chat answer allowance). */
    answerTokens: number;
    /** Tokens of the rest of the prompt (instructions, prefix/suffix, conversation). */
    promptTokens: number;
}

export function contextBudget(inputs: BudgetInputs): number {
    const setting = Math.max(0, Math.floor(inputs.settingTokens));
    if (!inputs.modelContextTokens) return setting;
    const room = inputs.modelContextTokens - inputs.answerTokens - inputs.promptTokens;
    return Math.max(0, Math.min(setting, Math.floor(room)));
}

/** Tokens of a completion prompt besides the file's windows and the context: instructions, fences, path, chat template. */
export const completionPromptOverheadTokens = 160;

/**
 * The room a completion prompt's context gets changes with every keystroke (the prefix window grows); rounded
 * down to this step, it stays the same while the user types, so the context built for it does too.
 */
export const completionBudgetStep = 256;

export interface CompletionBudgetInputs {
    settingTokens: number;
    modelContextTokens: number;
    /** hearth.completion.maxTokens: reserved for the answer. */
    answerTokens: number;
    /** The prompt's prefix window (from its first line to the cursor) and suffix window, as the prompt shows them. */
    prefix: string;
    suffix: string;
    /** The model's token counter (or the calibrated estimate). */
    count(text: string): number;
}

/**
 * The context budget of one completion: the setting, capped by the model's context less the prefix window,
 * the suffix window, the prompt's fixed text and the answer, counted with the token counter.
 */
export function completionContextBudget(inputs: CompletionBudgetInputs): number {
    const promptTokens = inputs.count(inputs.prefix) + inputs.count(inputs.suffix) + completionPromptOverheadTokens;
    const budget = contextBudget({
        settingTokens: inputs.settingTokens, modelContextTokens: inputs.modelContextTokens,
        answerTokens: inputs.answerTokens, promptTokens
    });
    if (!inputs.modelContextTokens || budget >= Math.floor(inputs.settingTokens)) return budget;
    return Math.floor(budget / completionBudgetStep) * completionBudgetStep;
}

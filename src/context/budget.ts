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

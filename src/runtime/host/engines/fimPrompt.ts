// Completion prompts. With FIM tokens in the model: PSM order, `<prefix>context+prefix<suffix>suffix<middle>`,
// so that one more keystroke changes only the tail of the prefix part and the KV cache keeps all before it.
// Without FIM tokens the model continues `context+prefix` as plain text and the suffix is not shown to it.
import type {LlamaModel, Token} from "node-llama-cpp";
import type {CompleteParams} from "../../protocol";

export interface FimTokens {
    prefix: Token;
    suffix: Token;
    middle: Token;
}

/** The model's own fill-in-the-middle tokens, as its GGUF declares them (or llama.cpp recognises them). */
export function fimTokensOf(model: LlamaModel): FimTokens | undefined {
    const {prefix, suffix, middle} = model.tokens.infill;
    if (prefix === null || suffix === null || middle === null) return undefined;
    return {prefix, suffix, middle};
}

/** Share of the prompt budget the suffix may take; the prefix near the cursor matters more. */
const SUFFIX_SHARE = 0.25;

/**
 * Tokens of a completion prompt that fits in `budget` tokens: when too long, the start of the context is dropped
 * (the text nearest the cursor stays) and the suffix is cut at its end.
 */
export function buildCompletionPrompt(model: LlamaModel, params: Pick<CompleteParams, "context" | "prefix" | "suffix">, budget: number): Token[] {
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
    const before = model.tokenize(params.context + params.prefix, false);
    const fim = fimTokensOf(model);
    if (fim === undefined) return [...bos, ...keepEnd(before, budget - bos.length)];
    const fixed = bos.length + 3;
    let after = params.suffix.length > 0 ? model.tokenize(params.suffix, false) : [];
    const room = budget - fixed;
    if (room <= 0) throw new Error(`the completion budget (${budget} tokens) leaves no room for a prompt`);
    if (before.length + after.length > room) after = after.slice(0, Math.max(Math.floor(room * SUFFIX_SHARE), room - before.length));
    return [...bos, fim.prefix, ...keepEnd(before, room - after.length), fim.suffix, ...after, fim.middle];
}

function keepEnd(tokens: Token[], length: number): Token[] {
    return tokens.length <= length ? tokens : tokens.slice(tokens.length - Math.max(0, length));
}

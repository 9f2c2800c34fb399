// How much of the model's context window a chat turn may fill with workspace context, and which old turns no
// longer fit. The context budget is the smaller of hearth.context.chatBudgetTokens and the window less the
// conversation so far, the new question and the answer allowance (hearth.chat.maxTokens), all counted with the
// model's tokenizer. When the conversation outgrows the window, the oldest turns are dropped — in one step,
// down to half the room, so the prompt keeps its new start (and its KV cache) for the turns that follow.
import {contextBudget} from "../context/budget";
import {turnInPrompt, type Conversation} from "./conversation";
import {promptTexts} from "./prompt";

export interface ChatLimits {
    /** hearth.context.chatBudgetTokens. */
    contextSettingTokens: number;
    /** The loaded model's context window; 0 when unknown (then nothing is dropped). */
    modelContextTokens: number;
    /** hearth.chat.maxTokens: kept free for the answer. */
    answerTokens: number;
}

/** Counts tokens of several texts at once (the runtime's tokenizer crosses a process boundary). */
export type CountTokens = (texts: string[]) => Promise<number[]>;

/** Chat-template tokens around each message (turn markers, role, newlines), and the context block's wrapper. */
export const perMessageOverheadTokens = 8;
export const contextWrapperTokens = 24;

export interface TurnPlan {
    /** The conversation's firstKeptTurn for this prompt (≥ the current one). */
    firstKeptTurn: number;
    /** Turns dropped by this plan (0 when the prompt start stays as it was). */
    droppedNow: number;
    /** Tokens of workspace context the new turn may carry. */
    contextBudget: number;
    /** Tokens of the prompt without the new turn's context. */
    promptTokens: number;
    /** False when even the question alone, with the answer allowance, does not fit the window. */
    fits: boolean;
}

/**
 * Plans the conversation's last turn. Context is wanted up to `wantedContext` (the smaller of the setting and a
 * quarter of the window); when the kept turns leave less than that, the oldest are dropped until they take at
 * most half of what is left after the question, the answer and the wanted context.
 */
export async function planTurn(conversation: Conversation, limits: ChatLimits, count: CountTokens): Promise<TurnPlan> {
    const start = conversation.firstKeptTurn;
    const texts = promptTexts(conversation, start);
    const counts = await count([texts.fixed, texts.question, ...texts.turns]);
    const [fixedTokens, questionTokens, ...turnTokens] = counts;
    const keptTurns = conversation.turns.slice(start, -1).filter(turnInPrompt);
    const turnCost = turnTokens.map((n) => n + 2 * perMessageOverheadTokens);
    const base = fixedTokens + questionTokens + 2 * perMessageOverheadTokens + contextWrapperTokens;
    const history = turnCost.reduce((a, b) => a + b, 0);
    const window = limits.modelContextTokens;
    if (!window) {
        const budget = contextBudget({settingTokens: limits.contextSettingTokens, modelContextTokens: 0, answerTokens: limits.answerTokens, promptTokens: 0});
        return {firstKeptTurn: start, droppedNow: 0, contextBudget: budget, promptTokens: base + history, fits: true};
    }
    const wanted = Math.min(limits.contextSettingTokens, Math.floor(window / 4));
    const room = window - limits.answerTokens - base;
    let kept = history;
    let dropped = 0;
    if (room - history < wanted && history > 0) {
        // Drop whole turns from the start until the rest takes at most half of what the history may have.
        const allowed = Math.max(0, (room - wanted) / 2);
        while (dropped < turnCost.length && kept > allowed) kept -= turnCost[dropped++];
    }
    // Dropping counts every turn from `start`, including failed ones that were not in the prompt.
    const firstKeptTurn = dropped === 0 ? start : conversation.turns.indexOf(keptTurns[dropped - 1]) + 1;
    const promptTokens = base + kept;
    const budget = contextBudget({
        settingTokens: limits.contextSettingTokens, modelContextTokens: window,
        answerTokens: limits.answerTokens, promptTokens
    });
    return {firstKeptTurn, droppedNow: firstKeptTurn - start, contextBudget: budget, promptTokens, fits: promptTokens + limits.answerTokens <= window};
}

/** Applies a plan to the conversation (the drop is kept for every later turn). */
export function applyPlan(conversation: Conversation, plan: TurnPlan): void {
    conversation.firstKeptTurn = Math.max(conversation.firstKeptTurn, plan.firstKeptTurn);
}

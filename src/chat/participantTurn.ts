// The @hearth chat participant's conversation, rebuilt from VS Code's chat history (participant.ts reads it): each
// earlier exchange with the workspace context Hearth gave it (kept in the response's metadata, so a follow-up's
// prompt repeats it byte for byte and the runtime reuses its KV cache), then the new question. No vscode: the
// prompt itself is the chat view's (prompt.ts, budget.ts), so both answer alike.
import {addTurn, newConversation, type Conversation} from "./conversation";

export interface PastExchange {
    question: string;
    answer: string;
    /** The packed context the question was given ("" when unknown: a turn from before Hearth kept it). */
    context: string;
    /** Whether the answer ran to its end; an answer cut short stays in the prompt as far as it went. */
    complete: boolean;
}

/** What the participant keeps in a response's ChatResult.metadata for the turns after it. */
export interface ParticipantMetadata {
    hearthContext: string;
    /** The conversation's firstKeptTurn when this turn was answered (old turns dropped to fit the window). */
    firstKeptTurn: number;
}

export function readMetadata(value: unknown): ParticipantMetadata | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const {hearthContext, firstKeptTurn} = value as Record<string, unknown>;
    if (typeof hearthContext !== "string") return undefined;
    return {hearthContext, firstKeptTurn: Number.isSafeInteger(firstKeptTurn) && (firstKeptTurn as number) >= 0 ? firstKeptTurn as number : 0};
}

/**
 * The conversation to plan and prompt with: the past exchanges as finished turns, then the question as the
 * pending last turn. `firstKeptTurn` continues the last answer's drop, so the prompt's start stays put.
 */
export function participantConversation(past: readonly PastExchange[], question: string, firstKeptTurn: number, now: number): Conversation {
    const conversation = newConversation("participant", now);
    past.forEach((exchange, index) => {
        const turn = addTurn(conversation, {id: `turn-${index}`, display: exchange.question, at: now});
        turn.context = exchange.context;
        turn.answer = exchange.answer;
        turn.status = exchange.complete ? "done" : "stopped";
    });
    addTurn(conversation, {id: `turn-${past.length}`, display: question, at: now});
    conversation.firstKeptTurn = Math.min(Math.max(0, firstKeptTurn), past.length);
    return conversation;
}

// A chat conversation as plain data: its turns, each with the question, the workspace context it was given (kept
// in that turn, so a follow-up's prompt repeats it byte for byte and the runtime reuses its KV cache), the
// sources shown to the user, and the answer. No vscode: the view, the history and the prompt builder share it.

/** A file range a turn's context came from; clicking it in the view opens the file there. */
export interface ChatSource {
    /** Absolute path. */
    path: string;
    /** As shown: `src/a.ts:10-42` (one-based lines, path relative to its workspace folder). */
    label: string;
    /** Zero-based, inclusive. */
    startLine: number;
    endLine: number;
}

/** pending: waiting for context or the model; streaming: text arriving; the rest are final. */
export type TurnStatus = "pending" | "streaming" | "done" | "stopped" | "error";

export interface ChatTurn {
    id: string;
    /** The user's message as shown. */
    display: string;
    /** What the model is asked (the question, or a command's instruction). */
    prompt: string;
    /** The packed workspace context given in this turn ("" for none). Frozen once the turn starts. */
    context: string;
    sources: ChatSource[];
    answer: string;
    /** Gemma 4's reasoning, when it was asked to think; shown collapsed, never sent back to the model. */
    reasoning: string;
    status: TurnStatus;
    /** Why the turn failed, in words for the user. */
    error?: string;
    /** Epoch ms the question was asked. */
    at: number;
}

export interface Conversation {
    id: string;
    title: string;
    createdAt: number;
    updatedAt: number;
    turns: ChatTurn[];
    /**
     * Turns before this index no longer go to the model: the conversation outgrew the context window. It only
     * grows, and in steps (see budget.ts), so the prompt keeps the same start for many turns in a row.
     */
    firstKeptTurn: number;
}

/** Longest title kept: the start of the first question. */
const TITLE_CHARS = 60;

export function newConversation(id: string, now: number): Conversation {
    return {id, title: "New chat", createdAt: now, updatedAt: now, turns: [], firstKeptTurn: 0};
}

export interface TurnInput {
    id: string;
    display: string;
    /** Defaults to `display`. */
    prompt?: string;
    at: number;
}

/** Adds a pending turn (no context, no answer yet) and returns it. The first turn names the conversation. */
export function addTurn(conversation: Conversation, input: TurnInput): ChatTurn {
    const turn: ChatTurn = {
        id: input.id, display: input.display, prompt: input.prompt ?? input.display, context: "", sources: [],
        answer: "", reasoning: "", status: "pending", at: input.at
    };
    if (conversation.turns.length === 0) conversation.title = titleFrom(input.display);
    conversation.turns.push(turn);
    conversation.updatedAt = input.at;
    return turn;
}

export function titleFrom(text: string): string {
    const line = text.replace(/\s+/g, " ").trim();
    if (line === "") return "New chat";
    return line.length <= TITLE_CHARS ? line : `${line.slice(0, TITLE_CHARS - 1).trimEnd()}…`;
}

export function findTurn(conversation: Conversation, id: string): ChatTurn | undefined {
    return conversation.turns.find((turn) => turn.id === id);
}

/** The turn still being answered, if any (at most one: a question waits until the previous answer ends). */
export function activeTurn(conversation: Conversation): ChatTurn | undefined {
    const last = conversation.turns.at(-1);
    return last && (last.status === "pending" || last.status === "streaming") ? last : undefined;
}

/** Ends a turn: an answer that was cut off keeps what arrived. */
export function finishTurn(turn: ChatTurn, status: "done" | "stopped" | "error", error?: string): void {
    turn.status = status;
    if (error !== undefined) turn.error = error;
    else delete turn.error;
}

/** Turns the model no longer sees, for the notice in the view. */
export function droppedTurnCount(conversation: Conversation): number {
    return Math.min(conversation.firstKeptTurn, conversation.turns.length);
}

/**
 * Whether a finished turn goes back to the model in later prompts: one that failed before any answer does not
 * (its question was never answered, and a user turn followed by another user turn confuses the template).
 */
export function turnInPrompt(turn: ChatTurn): boolean {
    return !(turn.status === "error" && turn.answer === "");
}

// The chat prompt, laid out so a follow-up reuses the runtime's KV cache: a fixed system message, then every kept
// turn as it was first sent — its own context and question in the user message, its answer in the model's —
// then the new turn. Nothing earlier in the prompt changes when a turn is added, so the prompt of turn N+1
// starts with the exact tokens of turn N's prompt and answer. Only dropping old turns (budget.ts) changes the
// start, and it does so rarely. No vscode: the chat view, the @hearth participant and the benchmark share it.
import type {ChatMessage} from "../runtime/protocol";
import {turnInPrompt, type ChatTurn, type Conversation} from "./conversation";

export const chatSystemPrompt =
    "You are Hearth, a coding assistant running locally in the user's editor. Answer questions about the user's " +
    "code using the workspace context given with each question; say so when it does not hold the answer. Be " +
    "concise. Use Markdown, and put code in fenced blocks with a language tag. When a block replaces a whole " +
    "file or is a new file, write its workspace-relative path after the language tag, e.g. ```ts src/app.ts.";

/** Added to the system message once old turns were dropped, so the model does not refer to what it cannot see. */
export const droppedTurnsNote =
    " Earlier parts of this conversation were left out to fit the context window.";

export function systemMessage(droppedTurns: boolean): ChatMessage {
    return {role: "system", content: droppedTurns ? chatSystemPrompt + droppedTurnsNote : chatSystemPrompt};
}

/** A turn's user message: its context (if any), then the question. The same text every time it is rendered. */
export function userMessage(context: string, question: string): string {
    if (context.trim() === "") return question;
    return `Workspace context (each part starts with its file and lines):\n<context>\n${context.trimEnd()}\n</context>\n\n${question}`;
}

export function turnMessages(turn: ChatTurn, withAnswer: boolean): ChatMessage[] {
    const messages: ChatMessage[] = [{role: "user", content: userMessage(turn.context, turn.prompt)}];
    if (withAnswer) messages.push({role: "assistant", content: turn.answer});
    return messages;
}

/**
 * The messages for the conversation's last turn (the one to answer): the system message, the kept earlier turns
 * with their answers (a stopped answer as far as it went), and the last turn's context and question.
 * `packedContext`, when given, is stored in the last turn first (it stays there for every later prompt).
 */
export function buildChatMessages(conversation: Conversation, packedContext?: string): ChatMessage[] {
    const last = conversation.turns.at(-1);
    if (last === undefined) throw new Error("the conversation has no question to answer");
    if (packedContext !== undefined) last.context = packedContext;
    const earlier = conversation.turns.slice(conversation.firstKeptTurn, -1).filter(turnInPrompt);
    return [
        systemMessage(conversation.firstKeptTurn > 0),
        ...earlier.flatMap((turn) => turnMessages(turn, true)),
        ...turnMessages(last, false)
    ];
}

/** Every text the prompt holds besides the last turn's context, for counting tokens (budget.ts). */
export function promptTexts(conversation: Conversation, firstKeptTurn: number): {fixed: string; turns: string[]; question: string} {
    const last = conversation.turns.at(-1);
    return {
        fixed: systemMessage(firstKeptTurn > 0).content,
        turns: conversation.turns.slice(firstKeptTurn, -1).filter(turnInPrompt)
            .map((turn) => userMessage(turn.context, turn.prompt) + turn.answer),
        question: last ? userMessage("", last.prompt) : ""
    };
}

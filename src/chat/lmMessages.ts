// The vscode-free half of Hearth's language-model provider (lmProvider.ts): what VS Code's Chat and other
// extensions send (LanguageModelChatRequestMessage, read by the adapter into LmMessage) becomes the runtime's
// ChatMessage list, and the loaded model's facts become the model information VS Code lists.
import path from "node:path";
import type {ChatMessage, ModelInfo} from "../runtime/protocol";

export type LmRole = "system" | "user" | "assistant";

/** One part of a message as the adapter read it; anything but text is rendered as text or left out. */
export type LmPart =
    | {kind: "text", text: string}
    | {kind: "toolCall", name: string, input: unknown}
    | {kind: "toolResult", text: string}
    /** A part the model cannot take (an image, data): left out. */
    | {kind: "other"};

export interface LmMessage {
    role: LmRole;
    parts: readonly LmPart[];
}

/**
 * The runtime's messages for a request: text parts joined as they came (VS Code splits one text into several
 * parts), system messages gathered into one leading system message (Gemma 4's template takes it first only), and
 * consecutive messages of one role merged, since the chat template alternates user and model turns. Tool calls
 * and results are kept as text, so a conversation that used tools still reads in order; Hearth offers no tool
 * calling itself. Throws when nothing is left to answer.
 */
export function toRuntimeMessages(messages: readonly LmMessage[]): ChatMessage[] {
    const system: string[] = [];
    const turns: ChatMessage[] = [];
    for (const message of messages) {
        const text = messageText(message).trim();
        if (text.length === 0) continue;
        if (message.role === "system") {
            system.push(text);
            continue;
        }
        const last = turns.at(-1);
        if (last !== undefined && last.role === message.role) last.content += `\n\n${text}`;
        else turns.push({role: message.role, content: text});
    }
    if (!turns.some((turn) => turn.role === "user")) throw new Error("The request has no user message with text for Hearth's model to answer.");
    return system.length > 0 ? [{role: "system", content: system.join("\n\n")}, ...turns] : turns;
}

/** A message's content as the model reads it (also what its tokens are counted on). */
export function messageText(message: LmMessage): string {
    let text = "";
    for (const part of message.parts) {
        switch (part.kind) {
            case "text":
                text += part.text;
                break;
            case "toolCall":
                text += `${separator(text)}[tool call ${part.name}: ${jsonOf(part.input)}]`;
                break;
            case "toolResult":
                text += `${separator(text)}[tool result] ${part.text}`;
                break;
            case "other":
                break;
        }
    }
    return text;
}

/** Tokens a message costs beyond its text: the turn's start (`<|turn>role\n`) and end (`<turn|>\n`) markers. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** What VS Code lists for the loaded model (vscode.LanguageModelChatInformation's fields). */
export interface LmModelInfo {
    id: string;
    name: string;
    family: string;
    version: string;
    detail: string;
    tooltip: string;
    maxInputTokens: number;
    maxOutputTokens: number;
}

/**
 * The model as VS Code's model pickers show it. The id is the GGUF's file name, so it stays the same across
 * reloads of one file and changes with another. `maxOutputTokens` is the answer allowance (hearth.chat.maxTokens),
 * at most half the context; the input gets the rest of the context window.
 */
export function lmModelInfo(model: ModelInfo, maxOutputTokens: number): LmModelInfo {
    const file = path.basename(model.modelPath).replace(/\.gguf$/i, "");
    const output = Math.max(1, Math.min(Math.floor(maxOutputTokens), Math.floor(model.contextSize / 2)));
    const where = model.engine === "openaiCompatible" ? "your endpoint" : "this machine";
    return {
        id: `hearth-${file}`,
        name: `${file} (Hearth)`,
        family: model.architecture,
        version: file,
        detail: model.engine === "openaiCompatible" ? "Hearth · endpoint" : "Hearth · local",
        tooltip: `${model.modelPath} on ${where} (${model.engine}), context ${model.contextSize} tokens`,
        maxInputTokens: Math.max(1, model.contextSize - output),
        maxOutputTokens: output
    };
}

/**
 * The answer allowance a caller asked for in its model options (`maxTokens`, `max_tokens` or
 * `maxOutputTokens`), capped by the model's; otherwise the model's.
 */
export function requestedMaxTokens(modelOptions: Readonly<Record<string, unknown>> | undefined, modelMax: number): number {
    for (const key of ["maxTokens", "max_tokens", "maxOutputTokens"]) {
        const value = modelOptions?.[key];
        if (typeof value === "number" && Number.isFinite(value) && value >= 1) return Math.min(Math.floor(value), modelMax);
    }
    return modelMax;
}

function separator(text: string): string {
    return text.length === 0 || text.endsWith("\n") ? "" : "\n";
}

function jsonOf(value: unknown): string {
    try {
        return JSON.stringify(value) ?? "null";
    } catch {
        return String(value);
    }
}

// Completion for models without fill-in-the-middle tokens (real Gemma 4): a chat turn that shows the code after
// the cursor, then the model's own turn already holding the file from the prefix window up to the cursor, so the
// model simply continues the code. The layout serves the KV cache: everything that one more keystroke leaves
// alone (instructions, workspace context, the text after the cursor) comes first, and a keystroke only appends
// to the model turn's end. The answer parser keeps only code.

export interface InstructInput {
    languageId: string;
    /** Path shown to the model, relative to the workspace. */
    path: string;
    /** Packed workspace context, labelled with the language's comment syntax. */
    context: string;
    /** The file from the prefix window's start to the cursor. */
    prefix: string;
    /** The file from the cursor to the suffix window's end. */
    suffix: string;
}

export interface InstructPrompt {
    /** The user turn: stable across keystrokes. */
    user: string;
    /** The start of the model's turn: the code so far, ending at the cursor. */
    prefill: string;
}

const FENCE = "```";

export function buildInstructPrompt(input: InstructInput): InstructPrompt {
    const fence = fenceLanguage(input.languageId);
    const parts = [
        "You are a code completion engine. Continue the code at the point where it stops, writing only the code " +
        "that belongs at that point, and stop where the code that follows it begins. Do not repeat code that is " +
        "already there, and do not explain.",
    ];
    if (input.context.trim() !== "") parts.push(`Code from the workspace that may help:\n${FENCE}${fence}\n${input.context.trimEnd()}\n${FENCE}`);
    parts.push(input.suffix.trim() === ""
        ? `The file is ${input.path}; nothing follows the point where it stops.`
        : `The file is ${input.path}. This code follows the point where it stops:\n${FENCE}${fence}\n${input.suffix}\n${FENCE}`);
    return {user: parts.join("\n\n"), prefill: `${FENCE}${fence}\n${input.prefix}`};
}

/** Stop strings for an instruct completion: the model closes its code block. */
export const instructStops = ["\n" + FENCE];

/** Gemma 4's and other chat models' control tokens that can leak into text when a template is off. */
const CONTROL_TOKENS = /<\|?(?:turn|think|channel|tool_call|tool_response|image|audio|start_of_turn|end_of_turn|eos|bos|im_start|im_end|endoftext)\|?>|<(?:turn|channel)\|>|<end_of_turn>|<eos>/g;
/** A reasoning section: Gemma 4's thought channel. */
const THOUGHT = /<\|channel>thought[\s\S]*?(?:<channel\|>|$)/g;
/** Prose a model puts before its code. */
const PREAMBLE = /^(?:here(?:'s| is| are)|sure|certainly|the (?:missing|completed|completion)|this (?:code|completes)|to complete)\b[^\n]*\n/i;

/**
 * The code in an instruct answer, continuing `linePrefix` (the cursor's line before the cursor). Handles the
 * shapes instruction-tuned models produce: a plain continuation that ends with a closing fence, a fresh fenced
 * block (with or without a language, with prose before or after), the cursor's line or the last lines of the
 * prefix typed again, and control or reasoning tokens.
 */
export function parseInstructAnswer(answer: string, prefix: string): string {
    let text = answer.replace(/\r\n/g, "\n").replace(THOUGHT, "").replace(CONTROL_TOKENS, "");
    text = takeCode(text);
    text = dropEcho(text, prefix);
    return text.replace(/<(?:CURSOR|cursor|HOLE|FILL_HERE)>|\{\{FILL_HERE\}\}/g, "");
}

const FENCE_LINE = /(^|\n)[ \t]*```([\w+#.-]*)[ \t]*(?=\n|$)/;

/** The code part of an answer: up to the closing fence of the prefilled block, or the body of a fresh one. */
function takeCode(text: string): string {
    const fence = FENCE_LINE.exec(text);
    if (!fence) return text.replace(PREAMBLE, "");
    const before = text.slice(0, fence.index);
    const after = text.slice(fence.index + fence[0].length).replace(/^\n/, "");
    if (before.trim() === "") {
        // A fence right away: either the model opened a block of its own, or it closed the prefilled block at
        // once and prose, then the code's own block, follow.
        const inner = untilFence(after);
        return isProse(inner) ? takeCode(after) : inner;
    }
    // Prose, then a block: the block's body. Code, then a fence: the prefilled block's end.
    return isProse(before) ? untilFence(after) : before;
}

function untilFence(text: string): string {
    const end = FENCE_LINE.exec(text);
    return end ? text.slice(0, end.index) : text;
}

function isProse(text: string): boolean {
    const line = text.trim().split("\n")[0] ?? "";
    return line !== "" && (PREAMBLE.test(line + "\n") || /^[A-Z][^;{}=()]*[.:!]$/.test(line));
}

/** Models sometimes type the cursor's line, or the last few lines before the cursor, again. */
function dropEcho(text: string, prefix: string): string {
    const lines = prefix.split("\n");
    const current = lines[lines.length - 1];
    // The last lines of the prefix (ending with the cursor's partial line) typed again at the start.
    for (let k = Math.min(lines.length, 8); k >= 1; k--) {
        const tail = lines.slice(lines.length - k).join("\n");
        if (tail.trim().length >= 2 && text.startsWith(tail)) return text.slice(tail.length);
        const stripped = tail.trimStart();
        if (k === 1 && stripped.length >= 4 && text.trimStart().startsWith(stripped) && current.trim() !== "") {
            return text.trimStart().slice(stripped.length);
        }
    }
    return text;
}

/** The fence's language name for a VS Code language id. */
function fenceLanguage(languageId: string): string {
    const names: Record<string, string> = {typescriptreact: "tsx", javascriptreact: "jsx", shellscript: "bash", csharp: "csharp", cpp: "cpp"};
    return names[languageId] ?? languageId;
}

// Control characters in a GGUF header, which llama.cpp would print into its log as they are: it logs metadata
// keys, tensor names, general.name and the texts of the special tokens raw while loading, and llama-server's port
// is read from that log (host/engines/llamaServerProcess.ts), so a newline in any of them could forge a line.
// NUL bytes are worse still: llama.cpp looks keys up as C strings, so "general.name\0x" would be another key to it
// than to us. Real models keep control characters to their vocabulary, its merges and their chat templates
// (checked on every vocabulary GGUF in llama.cpp's models/ folder).
import {GgufValueType} from "./constants";
import type {GgufArray, GgufHeader, GgufValue} from "./reader";

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Tab, line feed and carriage return, which multi-line text holds; everything else below U+0020 never belongs. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** String arrays whose items may be any text: tokens and merges are pieces of text, newlines and tabs included. */
const VOCABULARY_KEYS: ReadonlySet<string> = new Set(["tokenizer.ggml.tokens", "tokenizer.ggml.merges"]);

/** Multi-line text values, which llama.cpp only logs escaped and cut to 40 characters. */
function isMultiLineText(key: string): boolean {
    return key === "tokenizer.chat_template" || key.startsWith("tokenizer.chat_template.") || key === "general.description";
}

/** Describes the first key, tensor name or value holding a control character where none may be; undefined when clean. */
export function controlCharacterProblem(header: GgufHeader): string | undefined {
    for (const [key, entry] of header.metadata) {
        if (CONTROL.test(key)) return `metadata key ${show(key)} contains a control character`;
        const problem = valueProblem(key, entry.value);
        if (problem !== undefined) return problem;
    }
    for (const tensor of header.tensors) {
        if (CONTROL.test(tensor.name)) return `tensor name ${show(tensor.name)} contains a control character`;
    }
    return specialTokenProblem(header);
}

function valueProblem(key: string, value: GgufValue): string | undefined {
    if (typeof value === "string") {
        const pattern = isMultiLineText(key) ? CONTROL_BUT_LINE_BREAKS : CONTROL;
        return pattern.test(value) ? `the value of "${key}" contains a control character: ${show(value)}` : undefined;
    }
    if (typeof value !== "object" || VOCABULARY_KEYS.has(key)) return undefined;
    const array = value as GgufArray;
    if (array.itemType !== GgufValueType.String && array.itemType !== GgufValueType.Array) return undefined;
    for (const [index, item] of array.items.entries()) {
        const problem = valueProblem(`${key}[${index}]`, item);
        if (problem !== undefined) return problem;
    }
    return undefined;
}

/** llama.cpp logs the text of every token a `tokenizer.ggml.*_token_id` names ("BOS token = 2 '<bos>'"). */
function specialTokenProblem(header: GgufHeader): string | undefined {
    const tokens = header.metadata.get("tokenizer.ggml.tokens")?.value as GgufArray | undefined;
    if (tokens === undefined || typeof tokens !== "object" || tokens.itemType !== GgufValueType.String) return undefined;
    for (const [key, entry] of header.metadata) {
        if (!/^tokenizer\.ggml\.\w+_token_id$/.test(key)) continue;
        const id = typeof entry.value === "bigint" ? Number(entry.value) : entry.value;
        if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= tokens.items.length) continue;
        const text = tokens.items[id] as string;
        if (CONTROL.test(text)) return `the special token "${key}" (${id}) is ${show(text)}, which contains a control character`;
    }
    return undefined;
}

/** JSON quoting shows control characters as escapes; long text is cut. */
function show(text: string): string {
    const quoted = JSON.stringify(text);
    return quoted.length > 80 ? `${quoted.slice(0, 77)}…"` : quoted;
}

// Checks a message from the chat webview against its schema before the extension acts on it. The webview
// renders untrusted model output; should anything there ever run, it could only send messages, and a message
// that is not exactly one of FromWebview — unknown type, missing or extra field, wrong type, oversized text —
// is dropped (the caller logs it). No vscode: unit-tested directly.
import type {ContextChip, FromWebview, RuntimeAction} from "./messages";

/** Longest text a message may carry (a question, a code block to copy or apply). */
export const maxMessageChars = 1_000_000;
const maxPathChars = 4096;
const maxIdChars = 200;
const maxChips = 64;

type Check = (value: unknown) => boolean;

const text = (max = maxMessageChars): Check => (v) => typeof v === "string" && v.length <= max;
const line: Check = (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 10_000_000;
const flag: Check = (v) => typeof v === "boolean";
const oneOf = (...values: readonly string[]): Check => (v) => typeof v === "string" && values.includes(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);

/** Exactly these fields (besides `type`), each passing its check; anything else fails. */
function fields(shape: Record<string, Check>): Check {
    return (v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
        const record = v as Record<string, unknown>;
        for (const key of Object.keys(record)) if (key !== "type" && !(key in shape)) return false;
        return Object.entries(shape).every(([key, check]) => check(record[key]));
    };
}

const chip: Check = (v) => {
    const kind = (v as ContextChip | null)?.kind;
    if (kind === "file") return fields({kind: oneOf("file"), path: text(maxPathChars), label: text(maxPathChars)})(v);
    if (kind === "symbol") return fields({kind: oneOf("symbol"), name: text(maxIdChars), path: text(maxPathChars), line, label: text(maxPathChars)})(v);
    if (kind === "workspace") return fields({kind: oneOf("workspace"), label: text(maxIdChars)})(v);
    return false;
};
const chips: Check = (v) => Array.isArray(v) && v.length <= maxChips && v.every(chip);
const block: Check = fields({code: text(), language: text(maxIdChars), file: optional(text(maxPathChars))}) as Check;
const actions: readonly RuntimeAction[] = ["selectModel", "showLog", "restart", "manageTrust", "openSettings"];

const schemas: {[T in FromWebview["type"]]: Check} = {
    ready: fields({}),
    ask: fields({text: text(), chips, useEditor: flag}),
    stop: fields({}),
    newChat: fields({}),
    openSource: fields({path: text(maxPathChars), startLine: line, endLine: line}),
    openLink: fields({href: text(maxPathChars)}),
    copy: fields({text: text()}),
    insert: fields({code: text()}),
    apply: fields({block}),
    mentionQuery: fields({kind: oneOf("file", "symbol"), query: text(maxIdChars), requestId: line}),
    showHistory: fields({}),
    openConversation: fields({id: text(maxIdChars)}),
    deleteConversation: fields({id: text(maxIdChars)}),
    clearHistory: fields({}),
    runtimeAction: fields({action: oneOf(...actions)})
};

/** The message, typed, if it matches its schema exactly; undefined otherwise. */
export function validateFromWebview(message: unknown): FromWebview | undefined {
    if (typeof message !== "object" || message === null) return undefined;
    const type = (message as {type?: unknown}).type;
    if (typeof type !== "string" || !Object.hasOwn(schemas, type)) return undefined;
    return schemas[type as FromWebview["type"]](message) ? message as FromWebview : undefined;
}

/** A short description of a refused message for the log (never its whole content). */
export function describeRejected(message: unknown): string {
    const type = typeof message === "object" && message !== null ? (message as {type?: unknown}).type : undefined;
    let shown: string;
    try { shown = JSON.stringify(message) ?? String(message); } catch { shown = String(message); }
    return `type ${typeof type === "string" ? JSON.stringify(type.slice(0, 40)) : typeof type}: ${shown.slice(0, 200)}`;
}


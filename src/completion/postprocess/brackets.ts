// Bracket scanning shared by the steps that weigh a suggestion against the text around it. Brackets inside
// string literals and line comments do not count: `")"` in a string closes nothing.

const OPENERS: Record<string, string> = {"(": ")", "[": "]", "{": "}"};
const CLOSERS: Record<string, string> = {")": "(", "]": "[", "}": "{"};

export interface BracketEvent {
    char: string;
    index: number;
    /** For a closer: it matched no opener earlier in the scanned text. */
    unmatched: boolean;
}

/** Walks `text`, calling `visit` for every bracket outside strings and `//`/`#` comments; returns open openers. */
export function scanBrackets(text: string, visit?: (event: BracketEvent) => void, lineComment: string[] = ["//"]): string[] {
    const stack: string[] = [];
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quote !== undefined) {
            if (ch === "\\") i++;
            else if (ch === quote || (ch === "\n" && quote !== "`")) quote = undefined;
            continue;
        }
        if (ch === "\"" || ch === "'" || ch === "`") { quote = ch; continue; }
        const comment = lineComment.find((marker) => text.startsWith(marker, i));
        if (comment !== undefined) {
            const end = text.indexOf("\n", i);
            if (end < 0) break;
            i = end;
            continue;
        }
        if (ch in OPENERS) { stack.push(ch); visit?.({char: ch, index: i, unmatched: false}); }
        else if (ch in CLOSERS) {
            const matched = stack.length > 0 && stack[stack.length - 1] === CLOSERS[ch];
            if (matched) stack.pop();
            visit?.({char: ch, index: i, unmatched: !matched});
        }
    }
    return stack;
}

/** Unmatched brackets of either kind in `text`: 0 for balanced text. */
export function unbalance(text: string, lineComment?: string[]): number {
    let strays = 0;
    const open = scanBrackets(text, (event) => { if (event.unmatched) strays++; }, lineComment);
    return strays + open.length;
}

export function isCloser(ch: string): boolean {
    return ch in CLOSERS;
}

/** Line-comment markers of a language, so a `#` in Python or `//` in Go hides its brackets. */
export function lineCommentsOf(languageId: string): string[] {
    switch (languageId) {
        case "python": case "ruby": case "shellscript": case "bash": case "yaml": case "toml": case "r": case "perl":
            return ["#"];
        case "php":
            return ["//", "#"];
        case "sql": case "lua": case "haskell":
            return ["--"];
        default:
            return ["//"];
    }
}

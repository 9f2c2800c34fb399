// The `@` mention being typed in the question box: `@file:geo`, `@symbol:area`, `@workspace`, or a bare `@fi`
// that still has to become one of them. Pure: the view calls it on each input; unit-tested.

export type MentionKind = "file" | "symbol" | "workspace";

export interface MentionToken {
    /** `kinds`: a bare `@…` — offer the three kinds. */
    kind: MentionKind | "kinds";
    query: string;
    /** Offsets of the whole token in the text, to replace it once a candidate is chosen. */
    start: number;
    end: number;
}

export const mentionKinds: ReadonlyArray<{kind: MentionKind, label: string, detail: string}> = [
    {kind: "file", label: "@file", detail: "a file of the workspace"},
    {kind: "symbol", label: "@symbol", detail: "a function, class or type the index knows"},
    {kind: "workspace", label: "@workspace", detail: "a map of the whole repository"}
];

/** The mention token that ends at `caret`, if the caret is in one. */
export function mentionAt(text: string, caret: number): MentionToken | undefined {
    const before = text.slice(0, caret);
    const match = /(^|\s)@([a-z]*)(?::([^\s]*))?$/i.exec(before);
    if (!match) return undefined;
    const start = before.length - match[0].length + match[1].length;
    const word = match[2].toLowerCase();
    const query = match[3];
    const after = /^[^\s]*/.exec(text.slice(caret))![0];
    const end = caret + after.length;
    if (query !== undefined) {
        if (word === "file" || word === "symbol") return {kind: word, query: query + after, start, end};
        return undefined;
    }
    if (word === "workspace") return {kind: "workspace", query: "", start, end};
    if (mentionKinds.some((k) => k.kind.startsWith(word))) return {kind: "kinds", query: word, start, end};
    return undefined;
}

// Matching a result's indentation to its target's: a model often answers a method at column 0, or with its own
// indent unit. The result's common indentation is replaced by the target's, tabs or spaces as the target uses,
// and its line ends follow the target's (a trailing newline kept or left out as the target had it).

export interface IndentTarget {
    /** The target's text as it stands in the document. */
    text: string;
    /** Whitespace before the target on its first line: the target starts after it (mid-line), not at column 0. */
    leadingIndent?: string;
    /** Spaces a tab counts for when comparing indentation. */
    tabSize?: number;
}

export function matchIndentation(result: string, target: IndentTarget): string {
    const tabSize = target.tabSize ?? 4;
    const eol = target.text.includes("\r\n") ? "\r\n" : "\n";
    let lines = result.replace(/\r\n/g, "\n").split("\n");
    // Blank lines at either end are the answer's framing, not code.
    while (lines.length > 1 && lines[0].trim() === "") lines.shift();
    while (lines.length > 1 && lines[lines.length - 1].trim() === "") lines.pop();

    const targetLines = target.text.replace(/\r\n/g, "\n").split("\n");
    const firstIndent = target.leadingIndent ?? "";
    // Lines of the target, with the first one's indentation from before the target when it starts mid-line.
    const targetIndents = targetLines
        .map((line, i) => (i === 0 ? firstIndent : "") + leading(line))
        .filter((_, i) => targetLines[i].trim() !== "");
    const targetBase = targetIndents.reduce<string | undefined>((min, indent) => min === undefined || width(indent, tabSize) < width(min, tabSize) ? indent : min, undefined) ?? firstIndent;
    const useTabs = targetBase.startsWith("\t") || (targetBase === "" && targetIndents.some((indent) => indent.startsWith("\t")));

    const resultBase = Math.min(...lines.filter((line) => line.trim() !== "").map((line) => width(leading(line), tabSize)), Number.MAX_SAFE_INTEGER);
    const base = resultBase === Number.MAX_SAFE_INTEGER ? 0 : resultBase;
    const reindented = lines.map((line, i) => {
        if (line.trim() === "") return "";
        const own = width(leading(line), tabSize) - base;
        const indent = targetBase + render(own, useTabs, tabSize);
        const body = line.slice(leading(line).length);
        // The document already holds the first line's indentation when the target starts after it.
        return (i === 0 && target.leadingIndent !== undefined ? indent.slice(Math.min(indent.length, target.leadingIndent.length)) : indent) + body;
    });
    const trailing = /\r?\n$/.test(target.text);
    return reindented.join(eol) + (trailing ? eol : "");
}

function leading(line: string): string {
    return /^[ \t]*/.exec(line)![0];
}

function width(indent: string, tabSize: number): number {
    let columns = 0;
    for (const ch of indent) columns = ch === "\t" ? columns + tabSize - (columns % tabSize) : columns + 1;
    return columns;
}

function render(columns: number, useTabs: boolean, tabSize: number): string {
    if (columns <= 0) return "";
    return useTabs ? "\t".repeat(Math.floor(columns / tabSize)) + " ".repeat(columns % tabSize) : " ".repeat(columns);
}

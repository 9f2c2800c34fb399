// What every post-processing step knows about the cursor: the document around it, split into the pieces the
// steps ask about (the current line's halves, the lines after it). Plain data: the adapter fills it from VS Code.

export interface CursorContext {
    languageId: string;
    /** The document's text before the cursor (a window is enough: steps look at its last lines). */
    prefix: string;
    /** The document's text after the cursor. */
    suffix: string;
    /** Whether this position wants a multi-line suggestion (decided from the syntax tree). */
    multiline: boolean;
    /** The editor's indentation unit: a tab or some spaces. */
    indentUnit: string;
}

export function linePrefix(ctx: CursorContext): string {
    return ctx.prefix.slice(ctx.prefix.lastIndexOf("\n") + 1);
}

export function lineSuffix(ctx: CursorContext): string {
    const end = ctx.suffix.indexOf("\n");
    return end < 0 ? ctx.suffix : ctx.suffix.slice(0, end);
}

/** The document's lines after the cursor's line. */
export function nextLines(ctx: CursorContext): string[] {
    const end = ctx.suffix.indexOf("\n");
    return end < 0 ? [] : ctx.suffix.slice(end + 1).split("\n");
}

export function indentOf(line: string): string {
    return /^[ \t]*/.exec(line)![0];
}

/** Width of an indentation with tabs counted as `tabWidth` columns. */
export function indentWidth(indent: string, tabWidth = 4): number {
    let width = 0;
    for (const ch of indent) width += ch === "\t" ? tabWidth : 1;
    return width;
}

export function isBlank(line: string): boolean {
    return line.trim() === "";
}

/** Indentation of the line the cursor is on (the whole line, not only the part before the cursor). */
export function cursorLineIndent(ctx: CursorContext): string {
    return indentOf(linePrefix(ctx) + lineSuffix(ctx));
}

export function tabWidthOf(ctx: CursorContext): number {
    return ctx.indentUnit === "\t" ? 4 : Math.max(1, ctx.indentUnit.length);
}

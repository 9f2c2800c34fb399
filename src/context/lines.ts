// Line arithmetic over a text: where each line starts, and the text of a line range.

export function lineStarts(text: string): number[] {
    const starts = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return starts;
}

/** Text of zero-based inclusive lines `start..end`, without the final newline. */
export function sliceLines(text: string, starts: readonly number[], start: number, end: number): string {
    const from = starts[Math.max(0, start)] ?? text.length;
    const to = end + 1 < starts.length ? starts[end + 1] - 1 : text.length;
    return text.slice(from, Math.max(from, to)).replace(/\r$/, "");
}

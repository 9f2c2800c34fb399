// Re-basing a proposed edit onto a document the user changed while the answer was generated or previewed.
// The edit replaces `original[target]`; when every change between `original` and `current` lies outside the
// target's lines, the same replacement applies at the target's new place. A change that touches one of the
// target's lines (even a line it shares with other code) refuses the edit: never apply to the wrong lines.
import {diffLines} from "./lineDiff";

export interface OffsetRange {
    start: number;
    end: number;
}

export type RebaseResult =
    | {ok: true; text: string; range: OffsetRange}
    | {ok: false; reason: string};

export function rebaseEdit(original: string, current: string, target: OffsetRange, replacement: string): RebaseResult {
    if (target.start < 0 || target.end < target.start || target.end > original.length)
        return {ok: false, reason: "the edit's range is outside the document it was made for"};
    const apply = (range: OffsetRange): RebaseResult => ({ok: true, range, text: current.slice(0, range.start) + replacement + current.slice(range.end)});
    if (current === original) return apply(target);

    const a = splitKeepingEnds(original), b = splitKeepingEnds(current);
    const hunks = diffLines(a, b);
    if (!hunks) return {ok: false, reason: "the document changed too much since the request started"};
    const aStarts = lineStarts(a), bStarts = lineStarts(b);
    // The target's lines in the original: a hunk touching any of them overlaps it. An insertion between two lines
    // overlaps only when it lands strictly inside the target's lines.
    const firstLine = lineAt(aStarts, target.start);
    const lastLine = target.end > target.start ? lineAt(aStarts, target.end - 1) : firstLine;
    let shift = 0;
    for (const hunk of hunks) {
        // Myers matches the lines around a hunk, so an insertion at line i keeps lines < i and >= i whole.
        const before = hunk.aStart === hunk.aEnd ? hunk.aStart <= firstLine : hunk.aEnd <= firstLine;
        const after = hunk.aStart > lastLine;
        if (before) {
            shift = bStarts[hunk.bEnd] - aStarts[hunk.aEnd];
            continue;
        }
        if (after) break;
        return {ok: false, reason: `the code being changed was edited meanwhile (line ${hunk.bStart + 1})`};
    }
    const range = {start: target.start + shift, end: target.end + shift};
    // The target's own text must be where the mapping puts it; anything else is a wrong mapping, refused.
    if (current.slice(range.start, range.end) !== original.slice(target.start, target.end))
        return {ok: false, reason: "the code being changed is no longer where it was"};
    return apply(range);
}

/** Lines with their line ends kept, so offsets add up; the last element may lack one (and may be ""). */
export function splitKeepingEnds(text: string): string[] {
    const lines: string[] = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    if (text.endsWith("\n") || text === "") lines.push("");
    return lines;
}

/** Offset of each line's start, plus one entry for the end of the text. */
function lineStarts(lines: readonly string[]): number[] {
    const starts = new Array<number>(lines.length + 1);
    let offset = 0;
    for (let i = 0; i < lines.length; i++) { starts[i] = offset; offset += lines[i].length; }
    starts[lines.length] = offset;
    return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
    let low = 0, high = starts.length - 2;
    while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid] <= offset) low = mid; else high = mid - 1;
    }
    return low;
}

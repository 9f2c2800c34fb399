// The part of the file a completion prompt shows. The prefix window starts at a line that moves in large steps,
// not with every line typed, so the prompt's start stays the same while the user types and the runtime reuses
// its KV cache; the suffix window is a bounded number of lines after the cursor.

export interface WindowOptions {
    /** At most this many lines before the cursor's line. */
    prefixLines: number;
    /** At most this many lines after the cursor's line. */
    suffixLines: number;
    /** The prefix window's first line is a multiple of this: it moves only every `step` lines. */
    step: number;
}

/**
 * A CPU reads a cold prompt at a few hundred tokens a second, so the first suggestion in a file waits for every
 * token here: 64–96 lines before the cursor and 16 after keep it to one or two thousand. The suffix is small
 * too because with FIM it follows the prefix, and the runtime reads it again after every keystroke.
 */
export const defaultWindow: WindowOptions = {prefixLines: 96, suffixLines: 16, step: 32};

export interface FileWindow {
    /** Text from the window's first line to the cursor. */
    prefix: string;
    /** Text from the cursor to the end of the suffix window. */
    suffix: string;
    /** Zero-based line the prefix window starts at. */
    startLine: number;
}

/** The window of `text` around the cursor at `offset` (a UTF-16 offset, as VS Code counts). */
export function fileWindow(text: string, offset: number, options: WindowOptions = defaultWindow): FileWindow {
    const before = text.slice(0, offset);
    const cursorLine = countNewlines(before);
    // Back off to a step boundary so that typing `step` more lines moves the start once, not every line.
    const earliest = Math.max(0, cursorLine - options.prefixLines);
    const startLine = Math.ceil(earliest / options.step) * options.step;
    const prefix = before.slice(lineStartOffset(before, Math.min(startLine, cursorLine)));
    const after = text.slice(offset);
    let end = -1;
    for (let line = 0; line <= options.suffixLines; line++) {
        end = after.indexOf("\n", end + 1);
        if (end < 0) break;
    }
    return {prefix, suffix: end < 0 ? after : after.slice(0, end), startLine: Math.min(startLine, cursorLine)};
}

function countNewlines(text: string): number {
    let n = 0;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
    return n;
}

function lineStartOffset(text: string, line: number): number {
    let offset = 0;
    for (let i = 0; i < line; i++) {
        offset = text.indexOf("\n", offset) + 1;
        if (offset === 0) return text.length;
    }
    return offset;
}

// Small models fall into loops: the same line again and again, a block repeated, a token repeated to the end
// of the budget. Keep what came before the loop (one copy of the repeated part); a suggestion that is only a
// loop's leftovers is no suggestion.
import type {Step} from "./step";

/** The same non-blank line this many times in a row is a loop. */
const LINE_REPEATS = 3;
/** A block of 2 to 4 lines repeated this many times in a row is a loop. */
const BLOCK_REPEATS = 2;
/** A short unit (2–10 characters) repeated at least this often at the end of the text is a loop. */
const UNIT_REPEATS = 8;
/** A longer unit (a call, an argument with its separator: up to 40 characters) needs fewer copies to be one. */
const LONG_UNIT_CHARS = 40;
const LONG_UNIT_REPEATS = 4;

export const dropDegenerate: Step = {
    name: "dropDegenerate",
    apply(text) {
        const lines = text.split("\n");
        const cut = Math.min(repeatedLine(lines), repeatedBlock(lines));
        const kept = cut < lines.length ? lines.slice(0, cut).join("\n") : text;
        return trimRepeatedUnit(kept);
    }
};

/**
 * Index just past the first copy of a line that repeats LINE_REPEATS times in a row. Closers such as `}` repeat
 * legitimately as nested blocks end, each one level further out; the same closer at the same indentation again
 * and again closes nothing and is a loop too (a small model's `\n    }` over and over).
 */
function repeatedLine(lines: string[]): number {
    for (let i = 0; i + LINE_REPEATS <= lines.length; i++) {
        const line = lines[i].trim();
        if (line === "") continue;
        const exact = lines[i].trimEnd();
        const same = isStructural(line) ? (other: string) => other.trimEnd() === exact : (other: string) => other.trim() === line;
        let n = 1;
        while (i + n < lines.length && same(lines[i + n])) n++;
        if (n >= LINE_REPEATS) return i + 1;
    }
    return lines.length;
}

/** Index just past the first copy of a block of 2–4 lines repeated back to back. */
function repeatedBlock(lines: string[]): number {
    for (let size = 2; size <= 4; size++) {
        for (let i = 0; i + size * BLOCK_REPEATS <= lines.length; i++) {
            const block = lines.slice(i, i + size).map((line) => line.trim());
            if (block.every((line) => line === "" || isStructural(line))) continue;
            let copies = 1;
            while (i + size * (copies + 1) <= lines.length
                && lines.slice(i + size * copies, i + size * (copies + 1)).every((line, k) => line.trim() === block[k])) copies++;
            if (copies >= BLOCK_REPEATS && copies * size >= 4) return i + size;
        }
    }
    return lines.length;
}

/** Lines such as `}` or `end` repeat legitimately when blocks close. */
function isStructural(line: string): boolean {
    return /^[\])}>;,]*$/.test(line) || /^(end|fi|done|esac|else|\*\/)$/.test(line);
}

function trimRepeatedUnit(text: string): string {
    for (let unit = 2; unit <= LONG_UNIT_CHARS; unit++) {
        const repeats = unit <= 10 ? UNIT_REPEATS : LONG_UNIT_REPEATS;
        if (text.length < unit * repeats) continue;
        const tail = text.slice(text.length - unit);
        // A run of one character (`-----` rules, `=====` underlines) is layout, not a loop.
        if (tail.trim() === "" || new Set(tail).size === 1) continue;
        let copies = 1;
        while (text.length >= unit * (copies + 1) && text.slice(text.length - unit * (copies + 1), text.length - unit * copies) === tail) copies++;
        if (copies >= repeats) return text.slice(0, text.length - unit * (copies - 1));
    }
    return text;
}

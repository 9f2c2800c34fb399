// Where a single line is wanted, everything after the first line goes. A suggestion that starts with a newline
// at a line with text after the cursor would push that text down: nothing is shown instead.
import {lineSuffix} from "./context";
import type {Step} from "./step";

export const singleLine: Step = {
    name: "singleLine",
    apply(text, ctx) {
        if (ctx.multiline) return text;
        const end = text.indexOf("\n");
        if (end < 0) return text;
        if (end === 0 || text.slice(0, end).trim() === "") return lineSuffix(ctx).trim() === "" ? firstLineAfterBreak(text) : "";
        return text.slice(0, end);
    }
};

/** A single-line request that the model answered with a line break first: keep the one line after it. */
function firstLineAfterBreak(text: string): string {
    const lines = text.split("\n");
    const first = lines.findIndex((line) => line.trim() !== "");
    return first < 0 ? "" : lines.slice(0, first + 1).join("\n");
}

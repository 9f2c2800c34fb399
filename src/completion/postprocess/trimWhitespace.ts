// Trailing spaces on a line, and blank lines at the end of a suggestion, only leave work for the formatter.
// The one exception: the space before text that follows the cursor on its line (`{ return err }`).
import {lineSuffix} from "./context";
import type {Step} from "./step";

export const trimWhitespace: Step = {
    name: "trimWhitespace",
    apply(text, ctx) {
        const trimmed = text.split("\n").map((line) => line.trimEnd()).join("\n").replace(/\n+$/, "");
        const endSpace = /\S([ \t]+)$/.exec(text)?.[1];
        return endSpace !== undefined && /^\S/.test(lineSuffix(ctx)) ? trimmed + endSpace : trimmed;
    }
};

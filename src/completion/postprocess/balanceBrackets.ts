// The editor auto-closes brackets, so the text after the cursor often already holds the closer the model writes
// too. A suggestion's closer that matches nothing it opened, where the text after the cursor starts with that
// same closer, is the suffix's job: the suggestion ends just before it.
import {scanBrackets, lineCommentsOf} from "./brackets";
import {lineSuffix, nextLines} from "./context";
import type {Step} from "./step";

export const balanceBrackets: Step = {
    name: "balanceBrackets",
    apply(text, ctx) {
        const rest = lineSuffix(ctx).trim() !== "" ? lineSuffix(ctx).trimStart() : (nextLines(ctx).find((line) => line.trim() !== "") ?? "").trimStart();
        if (rest === "") return text;
        let cut = -1;
        scanBrackets(text, (event) => {
            if (cut < 0 && event.unmatched && rest.startsWith(event.char)) cut = event.index;
        }, lineCommentsOf(ctx.languageId));
        if (cut < 0) return text;
        // A closer on a line of its own goes with its line.
        const lineStart = text.lastIndexOf("\n", cut - 1) + 1;
        const end = text.slice(lineStart, cut).trim() === "" && lineStart > 0 ? lineStart - 1 : cut;
        return text.slice(0, end);
    }
};

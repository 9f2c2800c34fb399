// The text after the cursor on its line follows the suggestion once accepted. When the suggestion ends with the
// start of that text (`foo(a, b)` before an auto-closed `)`), the overlap would be typed twice; it is removed,
// unless keeping it is what balances the line (`bar(foo())` before `)` closes `bar(`).
import {lineCommentsOf, unbalance} from "./brackets";
import {linePrefix, lineSuffix} from "./context";
import type {Step} from "./step";

export const removeSuffixOverlap: Step = {
    name: "removeSuffixOverlap",
    apply(text, ctx) {
        const after = lineSuffix(ctx).trimEnd();
        if (after === "") return text;
        const comments = lineCommentsOf(ctx.languageId);
        const lineOf = (completion: string) => linePrefix(ctx) + completion + after;
        let best = text;
        let bestUnbalance = unbalance(lineOf(text), comments);
        for (let k = Math.min(after.length, text.length); k >= 1; k--) {
            if (!text.endsWith(after.slice(0, k))) continue;
            const candidate = text.slice(0, text.length - k);
            const score = unbalance(lineOf(candidate), comments);
            if (score <= bestUnbalance) return candidate;
        }
        return best;
    }
};

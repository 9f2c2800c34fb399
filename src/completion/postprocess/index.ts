// The post-processing pipeline: the model's text, cleaned step by step into what the editor shows. The order
// matters: indentation first (later steps compare indentation), loops cut before anything counts lines, block
// and repeat limits before bracket and overlap fixes at the suggestion's end, whitespace last.
import {balanceBrackets} from "./balanceBrackets";
import type {CursorContext} from "./context";
import {dropDegenerate} from "./dropDegenerate";
import {dropEmpty} from "./dropEmpty";
import {dropRepeatedNextLines} from "./dropRepeatedNextLines";
import {limitToBlock} from "./limitToBlock";
import {matchIndentation} from "./matchIndentation";
import {removeSuffixOverlap} from "./removeSuffixOverlap";
import {singleLine} from "./singleLine";
import type {Step} from "./step";
import {trimWhitespace} from "./trimWhitespace";

export type {CursorContext} from "./context";
export type {Step} from "./step";

export const steps: readonly Step[] = [
    singleLine, matchIndentation, dropDegenerate, limitToBlock, dropRepeatedNextLines, balanceBrackets,
    removeSuffixOverlap, trimWhitespace, dropEmpty
];

/** The suggestion to show for `text` at `ctx`, or undefined when nothing is worth showing. */
export function postprocess(text: string, ctx: CursorContext): string | undefined {
    let current = text.replace(/\r\n/g, "\n");
    for (const step of steps) {
        current = step.apply(current, ctx);
        if (current === "") return undefined;
    }
    return current;
}

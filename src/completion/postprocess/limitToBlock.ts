// A multi-line suggestion ends with the block it was asked for. A later line indented less than the block
// belongs to the code around it (the next function, the rest of the enclosing block), which the user did not
// ask for; so does, after a block header, a line at the header's own indentation. A line of closers only that
// ends the block is kept when nothing after the cursor closes the block already.
import {cursorLineIndent, indentOf, indentWidth, isBlank, linePrefix, nextLines, tabWidthOf} from "./context";
import type {Step} from "./step";

export const limitToBlock: Step = {
    name: "limitToBlock",
    apply(text, ctx) {
        if (!ctx.multiline) return text;
        const lines = text.split("\n");
        const before = linePrefix(ctx);
        const tabWidth = tabWidthOf(ctx);
        const cursorIndent = indentWidth(before.trim() === "" ? before : cursorLineIndent(ctx), tabWidth);
        // After a header the body is deeper than the header, so the header's own indentation already ends it.
        const header = opensBlock(before);
        const nextCode = nextLines(ctx).find((line) => !isBlank(line))?.trim() ?? "";
        for (let i = 1; i < lines.length; i++) {
            if (isBlank(lines[i])) continue;
            const width = indentWidth(indentOf(lines[i]), tabWidth);
            if (header ? width > cursorIndent : width >= cursorIndent) continue;
            const closer = lines[i].trim();
            const keepCloser = isClosersOnly(closer) && !nextCode.startsWith(closer[0]);
            return lines.slice(0, keepCloser ? i + 1 : i).join("\n");
        }
        return text;
    }
};

/** The text before the cursor ends a block header (`{`, `(`, `:`, `do`): the suggestion is the block's body. */
function opensBlock(before: string): boolean {
    return /([{(\[:]|\b(do|then|begin))\s*$/.test(before) && before.trim() !== "";
}

function isClosersOnly(line: string): boolean {
    return /^[\])}]+[;,)]*$/.test(line) || /^(end|fi|done|esac)$/.test(line);
}

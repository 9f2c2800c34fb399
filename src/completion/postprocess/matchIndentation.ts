// Indentation as the document has it. A model answering at an indented empty line often indents its first line
// again (the editor already did), and may indent with spaces where the file uses tabs or the other way round.
import {indentOf, linePrefix, tabWidthOf} from "./context";
import type {Step} from "./step";

export const matchIndentation: Step = {
    name: "matchIndentation",
    apply(text, ctx) {
        const lines = text.split("\n");
        const before = linePrefix(ctx);
        // The cursor stands after indentation only: the first line's own indentation repeats it.
        if (before.trim() === "" && before.length > 0) lines[0] = lines[0].replace(/^[ \t]+/, "");
        const tabWidth = tabWidthOf(ctx);
        for (let i = 1; i < lines.length; i++) lines[i] = reindent(lines[i], ctx.indentUnit, tabWidth);
        return lines.join("\n");
    }
};

/**
 * Rewrites a line's leading whitespace in the document's unit: a model's tab is one indentation level, and
 * `tabWidth` of its spaces make one tab.
 */
function reindent(line: string, unit: string, tabWidth: number): string {
    const indent = indentOf(line);
    if (indent === "") return line;
    const usesTabs = unit === "\t";
    if (usesTabs ? !indent.includes(" ") : !indent.includes("\t")) return line;
    const fresh = usesTabs
        ? indent.replace(new RegExp(` {${tabWidth}}`, "g"), "\t")
        : indent.replace(/\t/g, unit);
    return fresh + line.slice(indent.length);
}

// Models often run on into the code that follows the cursor and write it again. The suggestion stops at its
// first line that repeats the document's next non-blank line (and a single-line suggestion that is the next
// line again is dropped).
import {isBlank, lineSuffix, nextLines} from "./context";
import type {Step} from "./step";

export const dropRepeatedNextLines: Step = {
    name: "dropRepeatedNextLines",
    apply(text, ctx) {
        const following = nextLines(ctx).filter((line) => !isBlank(line)).map((line) => line.trim());
        const sameLineRest = lineSuffix(ctx).trim();
        if (following.length === 0 && sameLineRest === "") return text;
        const lines = text.split("\n");
        for (let i = 0; i < lines.length; i++) {
            const line = lines[i].trim();
            if (line === "") continue;
            // The first line continues the cursor's line: it repeats code only if it is a whole next line.
            if (i === 0 && sameLineRest === "" && lines.length === 1) {
                if (line === following[0] && line.length > 1) return "";
                continue;
            }
            if (i === 0) continue;
            if (line === following[0] || (sameLineRest !== "" && line === sameLineRest && line.length > 1)) {
                return lines.slice(0, i).join("\n");
            }
        }
        return text;
    }
};

// The identifiers around a cursor, weighted by closeness: what the code being written is most likely to need.
import {identifiersWithPositions} from "./identifiers";
import {sliceLines} from "./lines";

export interface NearbyIdentifier {
    name: string;
    /** The identifier before a `.`/`::`/`->` in front of this one (`pkg` of `pkg.Func`), if any. */
    qualifier?: string;
    weight: number;
}

const linesBefore = 30;
const linesAfter = 10;

export function identifiersNearCursor(text: string, starts: readonly number[], line: number, column: number, limit = 32): NearbyIdentifier[] {
    const first = Math.max(0, line - linesBefore);
    const last = Math.min(starts.length - 1, line + linesAfter);
    const windowText = sliceLines(text, starts, first, last);
    const cursorOffset = (starts[line] ?? 0) + column - (starts[first] ?? 0);
    const best = new Map<string, NearbyIdentifier>();
    const found = identifiersWithPositions(windowText);
    let lineNo = first, lineEnd = windowText.indexOf("\n");
    for (let i = 0; i < found.length; i++) {
        const {name, index} = found[i];
        while (lineEnd >= 0 && index > lineEnd) { lineNo++; lineEnd = windowText.indexOf("\n", lineEnd + 1); }
        const distance = Math.abs(lineNo - line);
        // Code before the cursor is what is being written; after it, what comes next. Both matter, before more.
        let weight = (index <= cursorOffset ? 1 : 0.6) / (1 + distance / 4);
        const previous = found[i - 1];
        let qualifier: string | undefined;
        if (previous && /^\s*(\.|::|->)\s*$/.test(windowText.slice(previous.index + previous.name.length, index))) qualifier = previous.name;
        // A call or constructor (`name(`, `new Name`) is the strongest hint that a definition is needed.
        if (/^\s*[(<]/.test(windowText.slice(index + name.length, index + name.length + 2))) weight *= 1.5;
        const key = qualifier ? `${qualifier}.${name}` : name;
        const existing = best.get(key);
        if (!existing || existing.weight < weight) best.set(key, {name, qualifier, weight});
        else existing.weight += weight * 0.1;
    }
    return [...best.values()].sort((a, b) => b.weight - a.weight).slice(0, limit);
}

// Splits a file into chunks for lexical search: each top-level definition is a chunk (long ones are cut into
// windows), and the lines between definitions are cut into windows of the same size.
import type {Chunk, Definition} from "./types";

export const chunkLines = 40;

export function chunkFile(lineCount: number, definitions: readonly Definition[]): Chunk[] {
    const chunks: Chunk[] = [];
    const pushWindows = (start: number, end: number): void => {
        for (let s = start; s <= end; s += chunkLines) chunks.push({startLine: s, endLine: Math.min(end, s + chunkLines - 1)});
    };
    let next = 0;
    const topLevel = definitions.filter((d) => d.topLevel).sort((a, b) => a.startLine - b.startLine);
    for (const def of topLevel) {
        if (def.startLine < next) continue; // overlapping declarations (C prototypes inside typedefs): already covered
        if (def.startLine > next) pushWindows(next, def.startLine - 1);
        pushWindows(def.startLine, def.endLine);
        next = def.endLine + 1;
    }
    if (next < lineCount) pushWindows(next, lineCount - 1);
    return chunks;
}

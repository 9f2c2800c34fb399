// A document's index entry between keystrokes. Re-analysing a large file on every key (its symbol query and the
// terms of every chunk: 30-45 ms for 400 KB) would be most of a completion's budget, and one key changes almost
// none of it. So while the user types, the entry keeps its analysis with its lines moved by the edit, and the
// indexer analyses the document again once typing pauses.
import type {Edit} from "web-tree-sitter";
import type {Chunk, Definition, IndexedFile} from "./types";

/** Where the lines of the text before `edit` are after it, for the first and for the last line of a range. */
export function lineMoves(edit: Edit): {start: (line: number) => number, end: (line: number) => number} {
    const first = edit.startPosition.row, oldLast = edit.oldEndPosition.row, newLast = edit.newEndPosition.row;
    const delta = newLast - oldLast;
    // Text after the edit moves with it: all of a row below the edit, and all of its last row when the edit
    // ends at that row's start (a line inserted above it).
    const after = (line: number): boolean => line > oldLast || (line === oldLast && edit.oldEndPosition.column === 0);
    return {
        // A range starting on the edit's first row (before the edit) still starts there; one starting inside the
        // replaced rows starts where the replacement does, at the latest its last row.
        start: (line) => after(line) ? line + delta : line <= first ? line : Math.min(line, newLast),
        // A range ending on the edit's last row (or below) ends as far below as the edit moved it.
        end: (line) => line < first ? line : line >= oldLast ? line + delta : Math.min(line, newLast)
    };
}

/** `entry` as it reads after `edit`: the same definitions, chunks and terms, on their new lines. */
export function movedEntry(entry: IndexedFile, edit: Edit, stamp: {hash: string, size: number}): IndexedFile {
    const move = lineMoves(edit);
    const delta = edit.newEndPosition.row - edit.oldEndPosition.row;
    const range = <T extends Chunk>(r: T): T => {
        const startLine = move.start(r.startLine);
        return {...r, startLine, endLine: Math.max(startLine, move.end(r.endLine))};
    };
    const definitions = entry.symbols.definitions.map((d): Definition => ({...range(d), nameLine: move.start(d.nameLine)}));
    return {
        ...entry, ...stamp, mtimeMs: -1,
        symbols: {
            ...entry.symbols, definitions,
            chunks: entry.symbols.chunks.map(range),
            imports: entry.symbols.imports.map((i) => ({...i, line: move.start(i.line)})),
            lineCount: entry.symbols.lineCount + delta
        }
    };
}

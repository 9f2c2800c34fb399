// The document being edited, as cursor retrieval should see it. A half-typed line (`if (`, `return this.`) can
// make the parser's error recovery swallow the rest of the file, so that the definitions below the cursor vanish
// from the fresh parse; they are still there for the user. So each document keeps its last parse that lost
// nothing, and while a fresh parse has lost most of the definitions below the cursor, those come from it,
// shifted by the lines added or removed since.
import type {Definition, IndexedFile} from "./types";

/** A fresh parse keeping fewer than this share of the definitions below the cursor is taken as broken. */
const keptShare = 0.6;
/** Documents remembered: the ones being edited. */
const capacity = 32;

export class StableSymbols {
    private readonly good = new Map<string, IndexedFile>();

    /** Remembers `file` as it is before an edit (the saved or last synced version). */
    before(file: IndexedFile | undefined): void {
        if (file && !this.good.has(file.path)) this.remember(file);
    }

    /** `current` with the definitions a broken parse lost below `line` put back; `current` itself when none were. */
    view(current: IndexedFile, line: number): IndexedFile {
        const good = this.good.get(current.path);
        const merged = good && good !== current ? withDefinitionsBelow(good, current, line) : undefined;
        if (!merged) this.remember(current);
        return merged ?? current;
    }

    forget(path: string): void {
        this.good.delete(path);
    }

    private remember(file: IndexedFile): void {
        this.good.delete(file.path);
        this.good.set(file.path, file);
        while (this.good.size > capacity) this.good.delete(this.good.keys().next().value!);
    }
}

/** The merge, or undefined when `current` kept (nearly) all of `good`'s definitions below the cursor. */
export function withDefinitionsBelow(good: IndexedFile, current: IndexedFile, line: number): IndexedFile | undefined {
    if (!good.symbols.parsed || !current.symbols.parsed) return undefined;
    // Lines typed or deleted lie at the cursor: below it, the old lines are the new ones shifted by the difference.
    const delta = current.symbols.lineCount - good.symbols.lineCount;
    const oldBelow = good.symbols.definitions.filter((d) => d.startLine + delta > line);
    if (oldBelow.length === 0) return undefined;
    const newBelow = new Set(current.symbols.definitions.filter((d) => d.startLine > line).map((d) => d.name));
    const kept = oldBelow.filter((d) => newBelow.has(d.name)).length;
    if (kept >= oldBelow.length * keptShare) return undefined;
    const shifted: Definition[] = oldBelow.map((d) => ({...d, startLine: d.startLine + delta, endLine: d.endLine + delta, nameLine: d.nameLine + delta}));
    const above = current.symbols.definitions.filter((d) => d.startLine <= line);
    const definitions = [...above, ...shifted].sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
    return {...current, symbols: {...current.symbols, definitions}};
}

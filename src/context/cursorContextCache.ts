// When a cursor's context must be computed again. The runtime reuses the KV cache only for a prompt prefix that
// repeats, and the workspace context sits early in the prompt: so it is kept while the cursor stays in its
// enclosing scope (the innermost definition around it; at the top level, the stretch after the same definition)
// above the same window start, and recomputed when the cursor leaves it or another file of the index changes.
// Edits to the document itself do not count: typing is what happens inside a scope.
import {enclosingDefinition} from "./retrieveCursor";
import type {CursorContext, CursorRequest, IndexedFile} from "./types";

/** At the top level, a context also lasts at most this many lines of typing (a long script). */
const topLevelSpan = 64;
/** Contexts kept: a few scopes, so switching between editors and back finds them. */
const capacity = 8;

export class CursorContextCache {
    private version = 0;
    /** Changes of the index made by syncing each file's own text; a file's contexts ignore those. */
    private readonly ownChanges = new Map<string, number>();
    private readonly entries = new Map<string, CursorContext>();

    /** The index changed: through `file`'s own text, or (no file) anything else. */
    changed(file?: string): void {
        this.version++;
        if (file !== undefined) this.ownChanges.set(file, (this.ownChanges.get(file) ?? 0) + 1);
    }

    /** The key of a cursor's context, and the lines of the scope it holds for. */
    keyOf(file: string, indexed: IndexedFile | undefined, request: CursorRequest): {key: string, scope: {startLine: number, endLine: number}} {
        const {id, scope} = indexed ? scopeOf(indexed, request.line) : {id: "none", scope: {startLine: request.line, endLine: request.line}};
        const version = this.version - (this.ownChanges.get(file) ?? 0);
        const parts = [file, id, request.window?.startLine ?? "-", version, request.budgetTokens, request.languageId ?? "", request.pack ? "packed" : "ranked"];
        return {key: parts.join("\u0000"), scope};
    }

    /** The context stored under `key`, if it has the form asked for. */
    get(key: string, packed: boolean): CursorContext | undefined {
        const hit = this.entries.get(key);
        if (!hit || (packed ? !hit.packed : !hit.ranked)) return undefined;
        this.entries.delete(key); // re-inserted: Map order is the LRU order
        this.entries.set(key, hit);
        return hit;
    }

    set(context: CursorContext): void {
        this.entries.delete(context.key);
        this.entries.set(context.key, context);
        while (this.entries.size > capacity) this.entries.delete(this.entries.keys().next().value!);
    }
}

/** The scope a line is in: its innermost definition, or at the top level the stretch after the one before it. */
export function scopeOf(file: IndexedFile, line: number): {id: string, scope: {startLine: number, endLine: number}} {
    const def = enclosingDefinition(file, line);
    if (def) return {id: `${def.kind}:${def.name}:${def.startLine}`, scope: {startLine: def.startLine, endLine: def.endLine}};
    let before: {name: string, startLine: number, endLine: number} | undefined;
    let next = Number.MAX_SAFE_INTEGER;
    for (const d of file.symbols.definitions) {
        if (d.kind === "module") continue;
        if (d.endLine < line && (!before || d.endLine > before.endLine)) before = d;
        if (d.startLine > line) next = Math.min(next, d.startLine);
    }
    const span = Math.floor(line / topLevelSpan);
    const startLine = Math.max(before ? before.endLine + 1 : 0, span * topLevelSpan);
    const endLine = Math.min(next - 1, (span + 1) * topLevelSpan - 1);
    return {id: `top:${before ? `${before.name}:${before.startLine}` : "start"}:${span}`, scope: {startLine, endLine}};
}

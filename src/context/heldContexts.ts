// The cursor contexts a caller of the index worker holds, one per document, so that it can tell the worker which
// one it has (the worker then retrieves nothing while the key holds) and hand back the very same packed result:
// the same text, so the runtime's KV cache keeps the prompt's prefix.
import type {DefinitionHint, PackResult} from "./types";

export interface HeldContext {
    key: string;
    packed: PackResult;
    /** The scope the worker said the key holds for, in the lines of the document when it said so. */
    scope: {startLine: number, endLine: number};
    lineCount: number;
    /** The language server's definitions asked for when the context was made: sent again while in its scope. */
    hints: DefinitionHint[];
}

const capacity = 8;

export class HeldContexts {
    private readonly byPath = new Map<string, HeldContext>();

    get(path: string): HeldContext | undefined {
        return this.byPath.get(path);
    }

    set(path: string, held: HeldContext): void {
        this.byPath.delete(path);
        this.byPath.set(path, held);
        while (this.byPath.size > capacity) this.byPath.delete(this.byPath.keys().next().value!);
    }

    /** The worker kept the key: the scope's lines as it sees them now. */
    confirm(path: string, scope: {startLine: number, endLine: number}, lineCount: number): PackResult | undefined {
        const held = this.byPath.get(path);
        if (!held) return undefined;
        held.scope = scope;
        held.lineCount = lineCount;
        return held.packed;
    }

    /**
     * Whether the cursor is probably still in the held context's scope (lines typed since stretch it): then the
     * language server is not asked again. The worker decides for certain.
     */
    likelyInScope(path: string, line: number, lineCount: number): boolean {
        const held = this.byPath.get(path);
        if (!held) return false;
        const grown = Math.max(0, lineCount - held.lineCount);
        return line >= held.scope.startLine && line <= held.scope.endLine + grown;
    }

    forget(path: string): void {
        this.byPath.delete(path);
    }
}

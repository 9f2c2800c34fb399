// The ranges the user edited lately, newest first: nearby edits to one file merge into one range, and only
// the last few survive. The adapter feeds it from document changes; cursor retrieval reads it.
import type {RecentEdit} from "./types";

/** Edits this many lines apart or closer are one range. */
const mergeDistance = 5;

export class RecentEdits {
    private edits: RecentEdit[] = [];

    constructor(private readonly capacity = 16) {}

    record(path: string, startLine: number, endLine: number, at = Date.now()): void {
        const merged = this.edits.find((e) => e.path === path && startLine <= e.endLine + mergeDistance && endLine >= e.startLine - mergeDistance);
        const edit: RecentEdit = merged
            ? {path, startLine: Math.min(merged.startLine, startLine), endLine: Math.max(merged.endLine, endLine), at}
            : {path, startLine, endLine, at};
        this.edits = [edit, ...this.edits.filter((e) => e !== merged)].slice(0, this.capacity);
    }

    /** Lines moved by an edit elsewhere in the file: ranges below it shift with it. */
    shift(path: string, afterLine: number, delta: number): void {
        if (delta === 0) return;
        for (const e of this.edits) {
            if (e.path !== path || e.startLine <= afterLine) continue;
            e.startLine = Math.max(0, e.startLine + delta);
            e.endLine = Math.max(e.startLine, e.endLine + delta);
        }
    }

    forget(path: string): void {
        this.edits = this.edits.filter((e) => e.path !== path);
    }

    rename(from: string, to: string): void {
        for (const e of this.edits) if (e.path === from) e.path = to;
    }

    list(): RecentEdit[] {
        return this.edits.map((e) => ({...e}));
    }
}

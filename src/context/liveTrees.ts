// Syntax trees of the few documents being edited, kept so that each keystroke's sync re-parses only the
// changed region (tree-sitter incremental parsing) instead of the whole file.
import type {Edit, Tree} from "web-tree-sitter";

interface LiveTree {
    language: string;
    text: string;
    tree: Tree;
}

export class LiveTrees {
    private readonly trees = new Map<string, LiveTree>();

    constructor(private readonly capacity = 8) {}

    /** Takes the tree out (the caller edits, re-parses, and puts the new one back). */
    take(path: string, language: string): LiveTree | undefined {
        const live = this.trees.get(path);
        if (!live) return undefined;
        this.trees.delete(path);
        if (live.language === language) return live;
        live.tree.delete();
        return undefined;
    }

    has(path: string): boolean {
        return this.trees.has(path);
    }

    put(path: string, language: string, text: string, tree: Tree): void {
        this.drop(path);
        this.trees.set(path, {language, text, tree});
        for (const [key, old] of this.trees) {
            if (this.trees.size <= this.capacity) break;
            old.tree.delete();
            this.trees.delete(key);
        }
    }

    drop(path: string): void {
        this.trees.get(path)?.tree.delete();
        this.trees.delete(path);
    }
}

/** The single edit turning `before` into `after`: their common prefix and suffix stay, the middle changes. */
export function textEdit(before: string, after: string): Edit {
    let start = 0;
    const shorter = Math.min(before.length, after.length);
    while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    let tail = 0;
    while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
    const oldEnd = before.length - tail, newEnd = after.length - tail;
    return {
        startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
        startPosition: pointAt(before, start), oldEndPosition: pointAt(before, oldEnd), newEndPosition: pointAt(after, newEnd)
    };
}

function pointAt(text: string, index: number): {row: number, column: number} {
    let row = 0, lineStart = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) { row++; lineStart = i + 1; }
    return {row, column: index - lineStart};
}

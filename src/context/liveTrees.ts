// Syntax trees of the few documents being edited, kept so that each keystroke's sync re-parses only the
// changed region (tree-sitter incremental parsing) instead of the whole file.
import type {Edit, Tree} from "web-tree-sitter";
import {blankDeclarationMacros} from "./declarationMacros";
import {GrammarSet, type LoadedGrammar} from "./parser";

interface LiveTree {
    text: string;
    /** `text` as the parser reads it (blankDeclarationMacros): the text its edits are measured on. */
    read: string;
    /** The tree of `text`, or, when `parsed` is false, an older tree edited to match it (a parse ran out of time). */
    tree: Tree;
    parsed: boolean;
}

/** How long a keystroke's incremental parse may take before the keystroke goes on without a tree. */
export const keystrokeParseBudgetMs = 8;

/**
 * Shared by whatever parses the documents being typed in (the index and the completion's tree shapes), so a
 * keystroke is parsed once. Keyed by path and grammar: a file two callers read in different languages (a `.h`
 * as C and as C++) keeps a tree for each rather than re-parsing one from scratch back and forth.
 */
export class LiveTrees {
    private readonly trees = new Map<string, LiveTree>();

    constructor(private readonly capacity = 8) {}

    /**
     * The document's tree for `text`, parsed from its previous tree when there is one (only the edited region is
     * re-parsed) and kept for the next call. The tree stays owned here: use it before the next call, never delete it.
     * `edit`: the edit from `from` to `text`, when the caller has it already.
     */
    current(path: string, grammar: LoadedGrammar, text: string, edit?: {from: string, edit: Edit}): Tree {
        return this.parsed(path, grammar, text, edit)!;
    }

    /**
     * As `current`, for a keystroke: undefined when the parse takes longer than `keystrokeParseBudgetMs`. The edited
     * tree is kept, so the next call (a later key, or the analysis once the keys pause) parses on from it; a second
     * call within the budget for the same text gives up at once rather than spend the budget twice.
     */
    withinBudget(path: string, grammar: LoadedGrammar, text: string, edit?: {from: string, edit: Edit}): Tree | undefined {
        return this.parsed(path, grammar, text, edit, keystrokeParseBudgetMs);
    }

    private parsed(path: string, grammar: LoadedGrammar, text: string, edit: {from: string, edit: Edit} | undefined, budgetMs?: number): Tree | undefined {
        const key = keyOf(path, grammar.language);
        const live = this.trees.get(key);
        if (live && live.text === text && (live.parsed || budgetMs !== undefined)) {
            this.touch(key, live);
            return live.parsed ? live.tree : undefined;
        }
        const read = blankDeclarationMacros(grammar.language, text);
        let tree: Tree | undefined;
        if (live) {
            this.trees.delete(key);
            if (live.text !== text) {
                // The caller's edit is measured on the real texts: where macros were blanked, measure it on what was read.
                const asGiven = edit?.from === live.text && read === text && live.read === live.text;
                live.tree.edit(asGiven ? edit!.edit : textEdit(live.read, read));
            }
            try {
                tree = GrammarSet.parseAsRead(grammar, read, live.tree, budgetMs);
            } catch (error) {
                live.tree.delete();
                throw error;
            }
            if (!tree) {
                this.touch(key, {text, read, tree: live.tree, parsed: false});
                return undefined;
            }
            live.tree.delete();
        } else {
            tree = GrammarSet.parseAsRead(grammar, read, undefined, budgetMs);
            if (!tree) return undefined;
        }
        this.touch(key, {text, read, tree, parsed: true});
        return tree;
    }

    has(path: string): boolean {
        for (const key of this.trees.keys()) if (pathOf(key) === path) return true;
        return false;
    }

    drop(path: string): void {
        for (const [key, live] of [...this.trees]) {
            if (pathOf(key) !== path) continue;
            live.tree.delete();
            this.trees.delete(key);
        }
    }

    /** (Re-)inserts as the most recent entry and evicts the least recently used beyond capacity. */
    private touch(key: string, live: LiveTree): void {
        this.trees.delete(key);
        this.trees.set(key, live);
        for (const [old, entry] of this.trees) {
            if (this.trees.size <= this.capacity) break;
            entry.tree.delete();
            this.trees.delete(old);
        }
    }
}

function keyOf(path: string, language: string): string {
    return `${language}\u0000${path}`;
}

function pathOf(key: string): string {
    return key.slice(key.indexOf("\u0000") + 1);
}

/** The single edit turning `before` into `after`: their common prefix and suffix stay, the middle changes. */
export function textEdit(before: string, after: string): Edit {
    const shorter = Math.min(before.length, after.length);
    // Whole blocks compare natively; a keystroke in a 400 KB file costs a fraction of a millisecond.
    let start = 0;
    while (start + block <= shorter && before.slice(start, start + block) === after.slice(start, start + block)) start += block;
    while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    let tail = 0;
    const room = shorter - start;
    while (tail + block <= room && before.slice(before.length - tail - block, before.length - tail) === after.slice(after.length - tail - block, after.length - tail)) tail += block;
    while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
    const oldEnd = before.length - tail, newEnd = after.length - tail;
    const startPosition = pointAt(before, start);
    return {
        startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
        startPosition, oldEndPosition: advance(startPosition, before, start, oldEnd), newEndPosition: advance(startPosition, after, start, newEnd)
    };
}

const block = 256;

function pointAt(text: string, index: number): {row: number, column: number} {
    return advance({row: 0, column: 0}, text, 0, index);
}

/** The point at `to`, from the point at `from` in the same text. */
function advance(point: {row: number, column: number}, text: string, from: number, to: number): {row: number, column: number} {
    let row = point.row, lineStart = from - point.column;
    for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) { row++; lineStart = i + 1; }
    return {row, column: to - lineStart};
}

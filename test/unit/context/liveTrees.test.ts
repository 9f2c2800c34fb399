// Incremental parsing of a document being edited: each sync re-parses from the previous tree, and must give
// exactly what a full parse of the same text gives.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import {analyze} from "../../../src/context/analyzeFile";
import type {ContextEngine} from "../../../src/context/engine";
import {LiveTrees, textEdit} from "../../../src/context/liveTrees";
import {GrammarSet} from "../../../src/context/parser";
import {copyFixture, indexedEngine, type Workspace} from "./fixture";

describe("context: incremental parsing of edited documents", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    let grammars: GrammarSet;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); grammars = await GrammarSet.create(); });
    after(() => ws.remove());

    it("describes an edit by its common prefix and suffix, in rows and columns", () => {
        assert.deepEqual(textEdit("ab\ncd\nef", "ab\ncXd\nef"), {
            startIndex: 4, oldEndIndex: 4, newEndIndex: 5,
            startPosition: {row: 1, column: 1}, oldEndPosition: {row: 1, column: 1}, newEndPosition: {row: 1, column: 2}
        });
        const removal = textEdit("one\ntwo\nthree", "one\nthree");
        assert.equal(removal.oldEndIndex - removal.startIndex, 4);
        assert.equal(removal.newEndIndex, removal.startIndex);
    });

    it("finds the edit in long texts, where prefix and suffix are compared in blocks", () => {
        // The edit by plain character-by-character scans, to compare with.
        const plain = (before: string, after: string) => {
            let start = 0;
            while (start < Math.min(before.length, after.length) && before[start] === after[start]) start++;
            let tail = 0;
            while (tail < Math.min(before.length, after.length) - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
            const point = (text: string, index: number) => ({row: text.slice(0, index).split("\n").length - 1, column: index - (text.lastIndexOf("\n", index - 1) + 1)});
            return {
                startIndex: start, oldEndIndex: before.length - tail, newEndIndex: after.length - tail,
                startPosition: point(before, start), oldEndPosition: point(before, before.length - tail), newEndPosition: point(after, after.length - tail)
            };
        };
        const base = Array.from({length: 400}, (_, i) => `line ${i % 7} ${"x".repeat(i % 13)}`).join("\n");
        for (const at of [0, 1, 255, 256, 257, 1000, 4097, base.length - 300, base.length - 1, base.length]) {
            for (const [removed, inserted] of [[0, "a"], [1, ""], [3, "\n\n"], [0, "\n"], [40, "y\nz"]] as const) {
                const after = base.slice(0, at) + inserted + base.slice(Math.min(base.length, at + removed));
                assert.deepEqual(textEdit(base, after), plain(base, after), `at ${at}, ${removed} removed, ${JSON.stringify(inserted)} inserted`);
            }
        }
    });

    const typing = (start: string): string[] => {
        const steps: string[] = [];
        let text = start;
        const add = (next: string): void => { text = next; steps.push(text); };
        // Type a new function at the end, a few characters at a time.
        const addition = "\nexport function perimeterOf(shape: Shape): number {\n    return shape.size * 4; // côté × 4\n}\n";
        for (let i = 8; i <= addition.length; i += 8) add(start + addition.slice(0, i));
        add(start + addition);
        // Rename a function in the middle, then delete a whole definition.
        add(text.replace("function area(", "function surfaceArea("));
        add(text.replace(/function internalHelper[\s\S]*?\n}\n/, ""));
        return steps;
    };

    for (const rel of ["ts/src/geometry.ts"]) {
        it(`${rel}: every keystroke-sized sync equals a full parse of the same text`, async () => {
            const file = ws.file(rel);
            for (const text of typing(ws.read(rel))) {
                await engine.indexer.syncText(file, text);
                const indexed = engine.indexer.index.get(file)!;
                const full = await analyze(grammars, "typescript", text, file);
                assert.deepEqual(indexed.symbols, full.symbols, `after an edit to:\n${text.slice(-120)}`);
                assert.deepEqual(indexed.chunkTerms, full.chunkTerms);
            }
            const names = engine.indexer.index.get(file)!.symbols.definitions.map((d) => d.name);
            assert.ok(names.includes("perimeterOf") && names.includes("surfaceArea") && !names.includes("internalHelper"), names.join(", "));
        });
    }

    it("a keystroke's parse that runs out of time gives no tree, and the next parse from the edited tree is exact", async () => {
        const grammar = await grammars.load("typescript");
        const fresh = (text: string) => { const t = GrammarSet.parse(grammar, text); const s = t.rootNode.toString(); t.delete(); return s; };
        // About 250 KB: a full parse takes well over a hundred milliseconds, far beyond a keystroke's budget.
        const big = Array.from({length: 4_000}, (_, i) => `export function f${i}(a: number): number { return a + ${i}; }`).join("\n");
        const trees = new LiveTrees(4);
        assert.equal(trees.withinBudget("/big.ts", grammar, big), undefined, "no tree within the budget");
        assert.equal(trees.withinBudget("/big.ts", grammar, big), undefined, "the same text gives up at once");
        // The cancelled parse left the parser reset: another document parses exactly.
        const small = "const x = [1, 2, 3].map((n) => n * 2);\n";
        assert.equal(trees.current("/small.ts", grammar, small).rootNode.toString(), fresh(small));
        assert.equal(trees.current("/big.ts", grammar, big).rootNode.toString(), fresh(big));
        // An edit from the first line to the last: re-parsing it does not fit either.
        const changed = big.replace(/a \+/g, "a -");
        assert.equal(trees.withinBudget("/big.ts", grammar, changed, {from: big, edit: textEdit(big, changed)}), undefined);
        // The next key edits the kept tree again; the parse without a budget (the analysis) is the full parse's.
        const next = `${changed}\nlet y = 1;`;
        assert.equal(trees.withinBudget("/big.ts", grammar, next), undefined);
        assert.equal(trees.current("/big.ts", grammar, next).rootNode.toString(), fresh(next));
        assert.ok(trees.withinBudget("/big.ts", grammar, next), "a parsed text's tree is returned within any budget");
    });

    it("Python and C documents too", async () => {
        for (const [rel, language, edit] of [
            ["py/pricing/tax.py", "python", (t: string) => t.replace("def compute_tax(", "def compute_vat(")],
            ["c/vec.c", "c", (t: string) => `${t}\nint vec_len(void) {\n    return VEC_DIM;\n}\n`]
        ] as const) {
            const file = ws.file(rel);
            const once = edit(ws.read(rel));
            await engine.indexer.syncText(file, `${once}\n`);
            await engine.indexer.syncText(file, once);
            const full = await analyze(grammars, language, once, file);
            assert.deepEqual(engine.indexer.index.get(file)!.symbols, full.symbols);
        }
    });
});

// While the user types, a document's index entry moves its lines with each key and is analysed again once the
// keys pause: what retrieval reads in between must match the document, and what it reads after must be exactly
// a full analysis of the text.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import {analyze} from "../../../src/context/analyzeFile";
import type {ContextEngine} from "../../../src/context/engine";
import {textEdit} from "../../../src/context/liveTrees";
import {lineMoves, movedEntry} from "../../../src/context/movedLines";
import {GrammarSet} from "../../../src/context/parser";
import {TreeShapes} from "../../../src/completion/treeShape";
import {copyFixture, indexedEngine, positionAfter, type Workspace} from "./fixture";

const rel = "ts/src/geometry.ts";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("context: the lines an edit moves", () => {
    it("moves ranges below the edit by the lines it added or removed, and stretches a range around it", () => {
        // A line inserted above row 3: row 3 moves down whole.
        const inserted = lineMoves(textEdit("a\nb\nc\nd\n", "a\nb\nc\n\nd\n"));
        assert.deepEqual([0, 1, 2, 3].map(inserted.start), [0, 1, 2, 4]);
        assert.deepEqual([0, 1, 2, 3].map(inserted.end), [0, 1, 2, 4]);
        // A line break typed in the middle of row 1: a range starting there stays, one ending there ends below.
        const split = lineMoves(textEdit("ab\ncd\nef\n", "ab\nc\nd\nef\n"));
        assert.deepEqual([0, 1, 2].map(split.start), [0, 1, 3]);
        assert.deepEqual([0, 1, 2].map(split.end), [0, 2, 3]);
        // Rows 1 and 2 removed.
        const removed = lineMoves(textEdit("a\nb\nc\nd\n", "a\nd\n"));
        assert.equal(removed.start(3), 1);
        assert.equal(removed.end(3), 1);
        assert.equal(removed.end(0), 0);
        assert.ok(removed.start(2) <= removed.end(2), "a range inside the removed rows stays a range");
    });

    it("keeps an entry's analysis on the new lines", async () => {
        const grammars = await GrammarSet.create();
        const text = "function a() {\n    return 1;\n}\n\nfunction b() {\n    return 2;\n}\n";
        const typed = text.replace("    return 1;\n", "    const x = 1;\n    return x;\n");
        const entry = {path: "/w/a.ts", root: "/w", mtimeMs: 1, size: text.length, hash: "old", ...await analyze(grammars, "typescript", text, "/w/a.ts")};
        const moved = movedEntry(entry, textEdit(text, typed), {hash: "new", size: typed.length});
        const full = await analyze(grammars, "typescript", typed, "/w/a.ts");
        const lines = (defs: typeof full.symbols.definitions) => defs.map((d) => [d.name, d.startLine, d.endLine, d.nameLine]);
        assert.deepEqual(lines(moved.symbols.definitions), lines(full.symbols.definitions));
        assert.equal(moved.symbols.lineCount, full.symbols.lineCount);
        assert.equal(moved.chunkTerms, entry.chunkTerms, "the terms wait for the analysis");
        assert.deepEqual([moved.hash, moved.mtimeMs], ["new", -1]);
    });
});

describe("context: analysis of a document being typed in", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    let grammars: GrammarSet;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); grammars = await GrammarSet.create(); });
    after(() => ws.remove());

    /** Types `typed` after the first occurrence of `after` in the file's text, one key per sync, as a completion syncs. */
    const typeInto = async (text: string, anchor: string, typed: string): Promise<string> => {
        const at = text.indexOf(anchor) + anchor.length;
        let current = text;
        for (let i = 1; i <= typed.length; i++) {
            current = text.slice(0, at) + typed.slice(0, i) + text.slice(at);
            const position = positionAfter(current, anchor + typed.slice(0, i));
            await engine.cursorContext({path: ws.file(rel), text: current, ...position, budgetTokens: 1024, pack: true});
        }
        return current;
    };
    const symbolsOf = async (text: string) => (await analyze(grammars, "typescript", text, ws.file(rel))).symbols;
    const lines = (defs: Array<{name: string, startLine: number, endLine: number}>) => defs.map((d) => `${d.name}:${d.startLine}-${d.endLine}`);

    it("moves definitions with each key, then analyses the text once the keys pause", async () => {
        const file = ws.file(rel);
        await engine.cursorContext({path: file, text: ws.read(rel), line: 11, column: 0, budgetTokens: 1024, pack: true});
        const typed = await typeInto(ws.read(rel), "shape.size * shape.size;", "\n    console.log(shape.kind);");
        assert.equal(engine.indexer.analysisPending(file), true, "typing defers the analysis");
        const moved = engine.indexer.index.get(file)!;
        const full = await symbolsOf(typed);
        assert.deepEqual(lines(moved.symbols.definitions), lines(full.definitions), "every definition on its line while typing");
        assert.equal(engine.indexer.texts.get(file)!.text, typed, "snippets are cut from the typed text");
        await sleep(600);
        assert.equal(engine.indexer.analysisPending(file), false, "analysed once the keys paused");
        const entry = engine.indexer.index.get(file)!;
        assert.deepEqual(entry.symbols, full);
        assert.deepEqual(entry.chunkTerms, (await analyze(grammars, "typescript", typed, file)).chunkTerms);
    });

    it("a definition typed in appears once the keys pause, and a question or a save never sees moved lines", async () => {
        const file = ws.file(rel);
        let text = ws.read(rel);
        await engine.indexer.syncText(file, text);
        const typed = await typeInto(text, "return 42;\n}\n", "\nexport function perimeterOf(shape: Shape): number {\n    return shape.size * 4;\n}\n");
        assert.equal(engine.indexer.index.definitionsNamed("perimeterOf").length, 0, "not before the pause");
        await engine.rankForQuestion({question: "how is the perimeter computed?", current: {path: file, text: typed, line: 0}, openEditors: [], budgetTokens: 2048});
        assert.equal(engine.indexer.analysisPending(file), false, "a question reads the analysis of the text");
        assert.deepEqual(engine.indexer.index.definitionsNamed("perimeterOf").map((r) => r.path), [file]);

        // Typed again, then saved as typed: the saved entry is the analysis of the saved text.
        text = typed;
        const again = await typeInto(text, "return shape.size * 4;", "\n    // four sides\n");
        assert.equal(engine.indexer.analysisPending(file), true);
        ws.write(rel, again);
        await engine.updateFile(file);
        assert.equal(engine.indexer.analysisPending(file), false);
        assert.deepEqual(engine.indexer.index.get(file)!.symbols, await symbolsOf(again));
    });

    it("a block deleted while typing is gone once analysed, and a key meanwhile defers that again", async () => {
        const file = ws.file(rel);
        const text = ws.read(rel);
        await engine.indexer.syncText(file, text);
        await engine.cursorContext({path: file, text, line: 0, column: 0, budgetTokens: 1024, pack: true});
        const cut = text.replace(/export class Circle[\s\S]*?\n}\n/, "");
        await engine.cursorContext({path: file, text: cut, line: 0, column: 0, budgetTokens: 1024, pack: true});
        await sleep(150);
        const typed = cut.replace("// Shapes", "// All shapes");
        await engine.cursorContext({path: file, text: typed, line: 0, column: 6, budgetTokens: 1024, pack: true});
        await sleep(150);
        assert.equal(engine.indexer.analysisPending(file), true, "the second key restarted the pause");
        await sleep(450);
        assert.equal(engine.indexer.analysisPending(file), false);
        assert.deepEqual(engine.indexer.index.get(file)!.symbols, await symbolsOf(typed));
        assert.equal(engine.indexer.index.definitionsNamed("Circle").length, 0);
    });

    it("the completion's tree shapes read the tree the index parsed for the same keystroke", async () => {
        const file = ws.file(rel);
        const text = ws.read(rel).replace("return 42;", "return 4");
        const {line, column} = positionAfter(text, "return 4");
        await engine.cursorContext({path: file, text, line, column, budgetTokens: 1024, pack: true});
        const grammar = await grammars.load("typescript");
        const tree = engine.indexer.trees.current(file, grammar, text);
        const offset = text.indexOf("return 4") + "return 4".length;
        const shared = await new TreeShapes(engine.indexer.grammarSet, engine.indexer.trees).shapeAt(file, "typescript", text, offset);
        assert.equal(engine.indexer.trees.current(file, grammar, text), tree, "no second parse of the keystroke");
        assert.deepEqual(shared, await new TreeShapes(grammars).shapeAt(file, "typescript", text, offset), "the same shape as from a tree of its own");
    });
});

// Retrieval on the fixture: what a cursor and a question get, after packing under a budget.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import type {ContextEngine} from "../../../src/context/engine";
import type {PackResult, Snippet} from "../../../src/context/types";
import {copyFixture, indexedEngine, positionAfter, type Workspace} from "./fixture";

describe("context: retrieval", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    const cursorAt = async (rel: string, needle: string, budgetTokens = 2048, extra = {}): Promise<PackResult> => {
        const text = ws.read(rel);
        return engine.contextForCursor({path: ws.file(rel), text, ...positionAfter(text, needle), budgetTokens, ...extra});
    };
    const labels = (result: PackResult): string[] => result.snippets.map((s) => s.label);
    const definitionOf = (result: PackResult, name: string): Snippet | undefined =>
        result.snippets.find((s) => s.source === "definition" && s.symbol === name);

    // Cross-file definitions the fixture was written to contain, one per language:
    // [file, cursor after, callee, file defining it, one-based line of its name].
    const crossFile: Array<[string, string, string, string, number]> = [
        ["ts/src/main.ts", "total += area(", "area", "ts/src/geometry.ts", 10],
        ["ts/src/main.ts", "util.clamp(", "clamp", "ts/src/util/index.ts", 1],
        ["ts/src/view.tsx", "clamp(", "clamp", "ts/src/util/index.ts", 1],
        ["web/app.mjs", "+ formatPrice(", "formatPrice", "web/format.js", 1],
        ["py/app.py", "tax = tax_of(", "compute_tax", "py/pricing/tax.py", 14],
        ["py/pricing/report.py", "table.rate_for(", "rate_for", "py/pricing/tax.py", 10],
        ["go/main.go", "geo.Distance(", "Distance", "go/geo/geo.go", 17],
        ["rust/src/main.rs", "perimeter(", "perimeter", "rust/src/shapes.rs", 18],
        ["java/com/acme/App.java", "inventory.count(", "count", "java/com/acme/Inventory.java", 10],
        ["c/main.c", "vec_dot(", "vec_dot", "c/vec.h", 10],
        ["cpp/main.cpp", "m.trace(", "trace", "cpp/matrix.hpp", 8],
        ["cs/Program.cs", "ledger.Balance(", "Balance", "cs/Ledger.cs", 7],
        ["rb/main.rb", "greeter.greet(", "greet", "rb/greeter.rb", 5],
        ["php/index.php", "$cart->total(", "total", "php/Cart.php", 8],
        ["sh/run.sh", "log_info", "log_info", "sh/lib.sh", 4]
    ];
    for (const [file, needle, callee, defFile, nameLine] of crossFile) {
        it(`cursor in ${file} after "${needle}" gets ${callee} from ${defFile}:${nameLine}`, async () => {
            const result = await cursorAt(file, needle);
            const covering = result.snippets.find((s) => s.path === ws.file(defFile) && !s.outline && s.startLine + 1 <= nameLine && nameLine <= s.endLine + 1);
            assert.ok(covering, `${defFile}:${nameLine} is not in ${labels(result).join(", ")}`);
            assert.ok(covering.text.includes(callee));
            assert.ok(covering.source === "definition", `found as ${covering.source}`);
            assert.ok(result.usedTokens <= 2048);
        });
    }

    it("resolves through the file's imports before guessing by name", async () => {
        // `Circle` is defined once, but `area` also names a Rust method: the import decides.
        const result = await cursorAt("ts/src/main.ts", "total += area(");
        const areas = result.snippets.filter((s) => s.symbol === "area");
        assert.equal(areas[0].path, ws.file("ts/src/geometry.ts"));
        const rust = areas.find((s) => s.path.endsWith("shapes.rs"));
        assert.ok(!rust || rust.score < areas[0].score);
    });

    it("includes the enclosing scope, the callee's definition first, and related files after definitions", async () => {
        const result = await cursorAt("ts/src/main.ts", "total += area(", 8192);
        assert.deepEqual(result.snippets.filter((s) => s.source === "scope").map((s) => s.label), ["ts/src/main.ts:4-10"]);
        assert.equal(result.snippets[0].symbol, "area", "the function being called is the most valuable snippet");
    });

    it("related files: the outlines of the files that import this one", async () => {
        const result = await cursorAt("ts/src/util/index.ts", "Math.min(", 8192);
        const related = result.snippets.filter((s) => s.source === "related");
        assert.deepEqual(related.map((s) => s.path).sort(), [ws.file("ts/src/main.ts"), ws.file("ts/src/view.tsx")]);
        assert.ok(related.every((s) => s.outline && s.score < result.snippets.find((x) => x.source === "scope")!.score));
        assert.ok(related.some((s) => s.text.includes("function totalArea(shapes: Shape[]): number")));
    });

    it("includes recently edited ranges and open editors", async () => {
        const result = await cursorAt("py/app.py", "tax = tax_of(", 8192, {
            recentEdits: [{path: ws.file("go/geo/geo.go"), startLine: 16, endLine: 17, at: Date.now()}],
            openEditors: [{path: ws.file("rb/greeter.rb"), visibleStartLine: 0, visibleEndLine: 8}]
        });
        const sources = new Map(result.snippets.map((s) => [s.source, s]));
        assert.equal(sources.get("recentEdit")?.label, "go/geo/geo.go:14-21");
        assert.equal(sources.get("openEditor")?.label, "rb/greeter.rb:1-9");
    });

    it("sees unsaved text: a definition typed but not saved is found and indexed", async () => {
        const text = `${ws.read("py/app.py")}\n\ndef shipping_fee(weight):\n    return weight * 2\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nshipping_fee(`;
        const lines = text.split("\n");
        const result = await engine.contextForCursor({path: ws.file("py/app.py"), text, line: lines.length - 1, column: lines[lines.length - 1].length, budgetTokens: 2048});
        assert.ok(definitionOf(result, "shipping_fee"), labels(result).join(", "));
    });

    it("a question gets the symbols and files it names, lexical matches, and its selection", async () => {
        const text = ws.read("ts/src/main.ts");
        const result = await engine.contextForQuestion({
            question: "Why does `compute_tax` round, and what does format.js export? Something about the freight surcharge",
            current: {path: ws.file("ts/src/main.ts"), text, line: 5, selection: {startLine: 3, endLine: 4}},
            budgetTokens: 4096
        });
        const bySource = (source: string): string[] => result.snippets.filter((s) => s.source === source).map((s) => s.label);
        assert.deepEqual(bySource("selection"), ["ts/src/main.ts:4-5"]);
        assert.deepEqual(bySource("namedSymbol"), ["py/pricing/tax.py:14-15"]);
        assert.deepEqual(bySource("namedFile"), ["web/format.js:1-5"]);
        assert.ok(bySource("lexical").some((l) => l.startsWith("README.md") || l.startsWith("docs/notes.txt")), `lexical: ${bySource("lexical")}`);
        assert.equal(result.snippets[0].source, "selection", "the selection is the most valuable snippet");
    });

    it("adds a repository map of top-level signatures only with the budget the other sources leave", async () => {
        const question = {question: "where is the geometry code?", budgetTokens: 300};
        const small = await engine.contextForQuestion(question);
        const large = await engine.contextForQuestion({...question, budgetTokens: 16000});
        assert.ok(small.usedTokens <= 300);
        const firstMap = small.snippets.findIndex((s) => s.source === "repoMap");
        assert.ok(firstMap === -1 || small.snippets.slice(firstMap).every((s) => s.source === "repoMap"), "the map comes after everything else");
        assert.ok(small.snippets.some((s) => s.path === ws.file("ts/src/geometry.ts") && s.source === "lexical"));
        const map = large.snippets.filter((s) => s.source === "repoMap");
        assert.ok(map.length > small.snippets.filter((s) => s.source === "repoMap").length);
        assert.ok(map.length >= 10, `repo map has ${map.length} files`);
        const util = map.find((s) => s.path === ws.file("ts/src/util/index.ts"));
        assert.ok(util?.text.includes("function clamp(value: number, low: number, high: number): number"));
    });

    it("bounds every source by the time budget", async () => {
        const text = ws.read("ts/src/main.ts");
        const result = await engine.contextForCursor({path: ws.file("ts/src/main.ts"), text, ...positionAfter(text, "area("), budgetTokens: 2048, timeBudgetMs: 0});
        // With no time, the loops stop at once; sources without loops still answer.
        assert.ok(!result.snippets.some((s) => s.source === "definition"), labels(result).join(", "));
    });
});

// Predicted context on the real index: with the callee's name not typed yet (the line cut where it starts), the
// context still holds its definition — from the qualifier's module or type, the file's imports, the receiver's
// and the parameters' types (and their fields'), the file's own module, and the definitions below a half-typed line.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import type {ContextEngine} from "../../../src/context/engine";
import {qualifierChain} from "../../../src/context/retrievePredicted";
import {withDefinitionsBelow} from "../../../src/context/stableSymbols";
import {parameters, returnType, typeName} from "../../../src/context/typesInScope";
import type {Definition, PackResult} from "../../../src/context/types";
import {measurePredictiveRecall} from "../../../bench/predictiveRecall";
import {copyFixture, indexedEngine, type Workspace} from "./fixture";

/** The text with the line holding `needle` cut where `callee` starts in it, and the cursor there. */
export function cutBefore(text: string, needle: string, callee: string): {text: string, line: number, column: number} {
    const at = text.indexOf(needle);
    if (at < 0) throw new Error(`"${needle}" is not in the text`);
    const cut = at + needle.indexOf(callee);
    const lineStart = text.lastIndexOf("\n", cut - 1) + 1;
    const lineEnd = text.indexOf("\n", cut);
    return {
        text: text.slice(0, cut) + (lineEnd < 0 ? "" : text.slice(lineEnd)),
        line: text.slice(0, lineStart).split("\n").length - 1,
        column: cut - lineStart
    };
}

describe("context: predicted context (the callee not typed yet)", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => {
        ws = copyFixture();
        // A class whose methods call each other, a module with far helpers, typed parameters, a Go package of two files.
        ws.write("py/shop/cart.py", [
            "class Cart:",
            "    def __init__(self):",
            "        self.items = []",
            "",
            "    def add(self, item):",
            "        self.items.append(item)",
            "        return self.count_items()",
            "",
            "    def count_items(self):",
            "        return len(self.items)",
            ""
        ].join("\n"));
        ws.write("ts/src/describe.ts", [
            'import {Circle} from "./geometry";',
            "",
            "export function describe(c: Circle): string {",
            "    const around = c.circumference();",
            "    return `circle of ${around}`;",
            "}",
            ""
        ].join("\n"));
        ws.write("go/geo/measure.go", [
            "package geo",
            "",
            "func Scale(p Point, k float64) float64 {",
            "\treturn p.Norm() * k",
            "}",
            "",
            "func Farthest(points []Point) float64 {",
            "\tbest := 0.0",
            "\tfor _, p := range points {",
            "\t\tif d := p.Norm(); d > best {",
            "\t\t\tbest = Distance(p, Point{})",
            "\t\t}",
            "\t}",
            "\treturn best",
            "}",
            ""
        ].join("\n"));
        ws.write("ts/src/holder.ts", [
            'import {Circle} from "./geometry";',
            "",
            "export class Holder {",
            "    constructor(private readonly circle: Circle) {}",
            "",
            "    rim(): number {",
            "        return this.circle.circumference();",
            "    }",
            "}",
            ""
        ].join("\n"));
        ws.write("py/pricing/quote.py", [
            "from . import tax",
            "",
            "",
            "class Quote:",
            "    def __init__(self, rates):",
            "        self.table = tax.TaxTable(rates)",
            "",
            "    def rate(self, region):",
            "        return self.table.rate_for(region)",
            "",
            "    def total(self, amount):",
            "        return tax.compute_tax(amount)",
            ""
        ].join("\n"));
        // A C++ project laid out as llama.cpp is: a header named `.h`, its out-of-line methods (an operator among
        // them) in the source beside it, model classes nesting same-named `graph` types, included through the
        // build's include folder (src/) rather than relative to the includer.
        ws.write("cppgraph/src/graph.h", [
            "#pragma once",
            "#include <map>",
            "",
            "struct graph_context {",
            "    graph_context(int n);",
            "    float * build_norm(float * x) const;",
            "    bool operator==(const graph_context & other) const;",
            "    int n;",
            "};",
            ""
        ].join("\n"));
        ws.write("cppgraph/src/graph.cpp", [
            '#include "graph.h"',
            "",
            "graph_context::graph_context(int n) : n(n) {}",
            "",
            "float * graph_context::build_norm(float * x) const {",
            "    return x;",
            "}",
            "",
            "bool graph_context::operator==(const graph_context & other) const {",
            "    return n == other.n;",
            "}",
            ""
        ].join("\n"));
        ws.write("cppgraph/src/map.cpp", "int map_size() { return 0; }\n");
        ws.write("cppgraph/src/models/models.h", [
            "#pragma once",
            '#include "graph.h"',
            "",
            "struct model_a {",
            "    struct graph : public graph_context {",
            "        graph(int n);",
            "    };",
            "};",
            "",
            "struct model_b {",
            "    struct graph : public graph_context {",
            "        graph(int n);",
            "    };",
            "};",
            ""
        ].join("\n"));
        ws.write("cppgraph/src/models/model_b.cpp", [
            '#include "models.h"',
            "",
            "model_b::graph::graph(int n) : graph_context(n) {",
            "    float * cur = nullptr;",
            "    cur = build_norm(cur);",
            "}",
            ""
        ].join("\n"));
        engine = await indexedEngine(ws);
    });
    after(() => ws.remove());

    const askCut = async (rel: string, needle: string, callee: string, budgetTokens = 8192): Promise<PackResult> => {
        const cut = cutBefore(ws.read(rel), needle, callee);
        return engine.contextForCursor({path: ws.file(rel), text: cut.text, line: cut.line, column: cut.column, budgetTokens, timeBudgetMs: 5000});
    };
    const holds = (result: PackResult, rel: string, nameLine: number): boolean =>
        result.snippets.some((s) => s.path === ws.file(rel) && !s.outline && s.startLine + 1 <= nameLine && nameLine <= s.endLine + 1);
    const labels = (result: PackResult): string => result.snippets.map((s) => `${s.label} (${s.source})`).join(", ");

    // [file, the call as written, the callee, file defining it, one-based line of its name, the source expected]
    // ("definition": a class the cursor's line names, shown whole, holds it).
    const sites: Array<[string, string, string, string, number, string]> = [
        ["ts/src/main.ts", "util.clamp(", "clamp", "ts/src/util/index.ts", 1, "imported"],
        ["ts/src/main.ts", "total += area(", "area", "ts/src/geometry.ts", 10, "imported"],
        ["py/app.py", "tax = tax_of(", "tax_of", "py/pricing/tax.py", 14, "imported"],
        ["py/pricing/report.py", "table.rate_for(", "rate_for", "py/pricing/tax.py", 10, "definition"],
        ["go/main.go", "geo.Distance(", "Distance", "go/geo/geo.go", 17, "imported"],
        ["java/com/acme/App.java", "inventory.count(", "count", "java/com/acme/Inventory.java", 10, "typeMember"],
        ["cpp/main.cpp", "m.trace(", "trace", "cpp/matrix.hpp", 8, "typeMember"],
        ["cs/Program.cs", "ledger.Balance(", "Balance", "cs/Ledger.cs", 7, "typeMember"],
        ["rb/main.rb", "greeter.greet(", "greet", "rb/greeter.rb", 5, "typeMember"],
        ["php/index.php", "$cart->total(", "total", "php/Cart.php", 8, "definition"],
        ["rust/src/main.rs", "perimeter(&r)", "perimeter", "rust/src/shapes.rs", 18, "imported"],
        ["py/shop/cart.py", "return self.count_items()", "count_items", "py/shop/cart.py", 9, "typeMember"],
        ["ts/src/describe.ts", "c.circumference()", "circumference", "ts/src/geometry.ts", 19, "typeMember"],
        ["go/geo/measure.go", "return p.Norm()", "Norm", "go/geo/geo.go", 21, "typeMember"],
        ["go/geo/measure.go", "best = Distance(", "Distance", "go/geo/geo.go", 17, "sameModule"],
        ["ts/src/holder.ts", "this.circle.circumference()", "circumference", "ts/src/geometry.ts", 19, "typeMember"],
        ["py/pricing/quote.py", "self.table.rate_for(", "rate_for", "py/pricing/tax.py", 10, "typeMember"],
        ["py/pricing/quote.py", "tax.compute_tax(", "compute_tax", "py/pricing/tax.py", 14, "imported"],
        // The receiver is model_b's nested graph, whose base's method is defined out of line beside its header.
        ["cppgraph/src/models/model_b.cpp", "cur = build_norm(", "build_norm", "cppgraph/src/graph.cpp", 5, "typeMember"]
    ];
    for (const [file, needle, callee, defFile, nameLine, source] of sites) {
        it(`${file}: before "${callee}" of "${needle}", the context holds ${defFile}:${nameLine} (${source})`, async () => {
            const result = await askCut(file, needle, callee);
            assert.ok(holds(result, defFile, nameLine), `${defFile}:${nameLine} is not in ${labels(result)}`);
            const covering = result.snippets.filter((s) => s.path === ws.file(defFile) && s.startLine + 1 <= nameLine && nameLine <= s.endLine + 1);
            assert.ok(covering.some((s) => s.source === source), `not from ${source}: ${labels(result)}`);
            assert.ok(result.usedTokens <= 8192);
        });
    }

    it("reads a C++ header named .h as C++, and resolves includes through include folders, never to another file", () => {
        const header = engine.indexer.index.get(ws.file("cppgraph/src/models/models.h"))!;
        assert.equal(header.symbols.language, "cpp");
        const graphs = header.symbols.definitions.filter((d) => d.name === "graph" && d.kind === "class");
        assert.deepEqual(graphs.map((d) => d.container), ["model_a", "model_b"], "the nested types are found, each in its own");
        assert.equal(engine.indexer.index.get(ws.file("c/vec.h"))!.symbols.language, "c", "a C header stays C");
        // `graph.h` from src/models/ is src/graph.h (not graph.cpp); `<map>` is the library's (not map.cpp).
        assert.deepEqual(engine.indexer.index.importTargets(header.path), [[ws.file("cppgraph/src/graph.h")]]);
        assert.deepEqual(engine.indexer.index.importTargets(ws.file("cppgraph/src/graph.h")), [[]]);
    });

    it("finds members of a type whose folder defines an operator (its name is not a pattern)", async () => {
        const cut = cutBefore(ws.read("cppgraph/src/models/model_b.cpp"), "cur = build_norm(", "build_norm");
        const ranked = await engine.rankForCursor({path: ws.file("cppgraph/src/models/model_b.cpp"), ...cut, budgetTokens: 8192, timeBudgetMs: 5000});
        const members = ranked.filter((s) => s.source === "typeMember").map((s) => s.symbol);
        assert.ok(members.includes("build_norm") && members.includes("operator=="), members.join(", "));
    });

    it("ranks the qualifier's members first: a small budget still holds the callee", async () => {
        const result = await askCut("py/pricing/report.py", "table.rate_for(", "rate_for", 400);
        assert.ok(holds(result, "py/pricing/tax.py", 10), labels(result));
        assert.ok(result.usedTokens <= 400);
    });

    it("gives imported definitions as signatures first, not their bodies", async () => {
        const result = await askCut("ts/src/main.ts", "total += area(", "area");
        const area = result.snippets.find((s) => s.symbol === "area" && s.path === ws.file("ts/src/geometry.ts"))!;
        assert.equal(area.text.split("\n")[0], "export function area(shape: Shape): number {");
        const circle = result.snippets.find((s) => s.symbol === "Circle" && s.source === "imported");
        assert.ok(circle, labels(result));
        assert.ok(circle.endLine - circle.startLine < 3, `the class signature, not its body: ${circle.text}`);
    });

    it("keeps the definitions below a half-typed line that broke the parse", async () => {
        const rel = "py/shop/cart.py";
        // An unclosed call swallows the rest of the file in the fresh parse.
        const text = ws.read(rel).replace("        return self.count_items()", "        return len(self.");
        const lines = text.split("\n");
        const line = lines.findIndex((l) => l.endsWith("len(self."));
        const result = await engine.contextForCursor({path: ws.file(rel), text, line, column: lines[line].length, budgetTokens: 8192, timeBudgetMs: 5000});
        assert.ok(holds(result, rel, 9), labels(result));
        await engine.indexer.syncText(ws.file(rel), ws.read(rel));
    });

    it("measures predictive_recall_8k on a repository (bench/predictiveRecall.ts)", async () => {
        const result = await measurePredictiveRecall(ws.root, {engine, timeBudgetMs: 5000, log: () => undefined});
        assert.ok(result.sites >= 4, `${result.sites} sites`);
        assert.ok(result.predictive_recall_8k >= 0.8, JSON.stringify(result));
    });
});

describe("context: reading what a cursor is about to use", () => {
    it("reads the qualifier chain before the cursor", () => {
        assert.deepEqual(qualifierChain("    total += util."), {chain: ["util"], partial: ""});
        assert.deepEqual(qualifierChain("x = this.items.fi"), {chain: ["this", "items"], partial: "fi"});
        assert.deepEqual(qualifierChain("echo $cart->"), {chain: ["$cart"], partial: ""});
        assert.deepEqual(qualifierChain("let v = Vec::"), {chain: ["Vec"], partial: ""});
        assert.deepEqual(qualifierChain("make().then"), {chain: ["make()"], partial: "then"});
        assert.deepEqual(qualifierChain("    total += "), {chain: [], partial: ""});
        assert.deepEqual(qualifierChain("x = 1."), {chain: [], partial: ""});
    });

    it("reads parameter types from signatures, per language", () => {
        assert.deepEqual(parameters("typescript", "function f(a: Circle, b?: Shape[], readonly c: Map<string, X>)"), [["a", "Circle"], ["b", "Shape"], ["c", "Map"]]);
        assert.deepEqual(parameters("python", "def f(self, table: TaxTable, n: int = 3)"), [["table", "TaxTable"], ["n", "int"]]);
        assert.deepEqual(parameters("go", "func (p *Point) Near(a, b Point, m geo.Measurer) bool").sort(), [["a", "Point"], ["b", "Point"], ["m", "Measurer"]]);
        assert.deepEqual(parameters("rust", "pub fn perimeter(r: &Rect, s: &mut Vec<u8>) -> f64"), [["r", "Rect"], ["s", "Vec"]]);
        assert.deepEqual(parameters("java", "public int count(final String name, Inventory inv)"), [["name", "String"], ["inv", "Inventory"]]);
        assert.deepEqual(parameters("cpp", "double dot(const Vec3 &a, Vec3* b)"), [["a", "Vec3"], ["b", "Vec3"]]);
        assert.deepEqual(parameters("php", "function total(Cart $cart, array $xs)"), [["$cart", "Cart"], ["$xs", "array"]]);
    });

    it("reads declared return types and the main name of a written type", () => {
        const def = (signature: string, name: string): Definition =>
            ({name, signature, kind: "function", startLine: 0, endLine: 0, nameLine: 0, exported: true, topLevel: true});
        assert.equal(returnType("typescript", def("function make(): Promise<Circle>", "make")), "Circle");
        assert.equal(returnType("python", def("def load(path) -> Optional[Table]", "load")), "Table");
        assert.equal(returnType("go", def("func NewCart(n int) (*Cart, error)", "NewCart")), "Cart");
        assert.equal(returnType("rust", def("pub fn open() -> Result<File, Error>", "open")), "File");
        assert.equal(returnType("java", def("public Inventory load(String name)", "load")), "Inventory");
        assert.equal(returnType("typescript", def("function run(): void", "run")), undefined);
        assert.equal(typeName("Shape[] | undefined"), "Shape");
        assert.equal(typeName("*geo.Point"), "Point");
        assert.equal(typeName("std::vector<int>"), "vector");
    });

    it("puts back the definitions a broken parse lost below the cursor, shifted by the lines typed", () => {
        const d = (name: string, startLine: number, endLine: number): Definition =>
            ({name, kind: "function", startLine, endLine, nameLine: startLine, signature: `def ${name}()`, exported: true, topLevel: true});
        const file = (definitions: Definition[], lineCount: number) => ({
            path: "/w/a.py", root: "/w", mtimeMs: 0, size: 0, hash: "",
            symbols: {language: "python", parsed: true, definitions, imports: [], exports: [], references: [], chunks: [], lineCount}, chunkTerms: []
        });
        const good = file([d("a", 0, 3), d("b", 10, 12), d("c", 20, 22)], 30);
        const broken = file([d("a", 0, 31)], 32); // two lines typed at line 5, and the parse swallowed the rest
        const merged = withDefinitionsBelow(good, broken, 6)!;
        assert.deepEqual(merged.symbols.definitions.map((x) => [x.name, x.startLine, x.endLine]), [["a", 0, 31], ["b", 12, 14], ["c", 22, 24]]);
        assert.equal(withDefinitionsBelow(good, file([d("a", 0, 4), d("b", 11, 13), d("c", 21, 23)], 31), 5), undefined, "a parse that kept them is used as it is");
    });
});

// Definitions, imports, exports and references extracted by real tree-sitter parsing, per language.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import type {ContextEngine} from "../../../src/context/engine";
import type {Definition, IndexedFile} from "../../../src/context/types";
import {copyFixture, indexedEngine, type Workspace} from "./fixture";

describe("context: symbols per language", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    const file = (rel: string): IndexedFile => {
        const f = engine.indexer.index.get(ws.file(rel));
        assert.ok(f, `${rel} is indexed`);
        return f;
    };
    const defs = (rel: string): string[] => file(rel).symbols.definitions.map((d) => `${d.kind} ${d.name}`);
    const def = (rel: string, name: string): Definition => {
        const d = file(rel).symbols.definitions.find((x) => x.name === name);
        assert.ok(d, `${name} is defined in ${rel}`);
        return d;
    };

    it("TypeScript: functions, interfaces, classes, methods, constants with ranges and signatures", () => {
        assert.deepEqual(defs("ts/src/geometry.ts"), [
            "interface Shape", "constant TAU", "function area", "class Circle", "method constructor", "method circumference", "function internalHelper"
        ]);
        const area = def("ts/src/geometry.ts", "area");
        assert.equal(area.startLine, 9);
        assert.equal(area.endLine, 12);
        assert.equal(area.signature, "function area(shape: Shape): number");
        assert.equal(def("ts/src/geometry.ts", "circumference").container, "Circle");
        assert.equal(def("ts/src/geometry.ts", "internalHelper").exported, false);
        assert.deepEqual(file("ts/src/geometry.ts").symbols.exports.sort(), ["Circle", "Shape", "TAU", "area"]);
    });

    it("TypeScript: named and namespace imports, and references to imported names", () => {
        const imports = file("ts/src/main.ts").symbols.imports;
        assert.deepEqual(imports.map((i) => i.source), ["./geometry", "./util"]);
        assert.deepEqual(imports[0].names.map((n) => n.local), ["area", "Circle", "Shape"]);
        assert.deepEqual(imports[1].names, [{imported: "*", local: "util"}]);
        const refs = file("ts/src/main.ts").symbols.references;
        for (const name of ["area", "Circle", "clamp"]) assert.ok(refs.includes(name), `references ${name}`);
        assert.ok(!refs.includes("totalArea"), "its own definitions are not references");
    });

    it("TSX and JavaScript", () => {
        assert.deepEqual(defs("ts/src/view.tsx"), ["function Gauge"]);
        assert.deepEqual(defs("web/format.js"), ["function formatPrice", "constant CURRENCY"]);
        assert.deepEqual(file("web/app.mjs").symbols.imports[0].names, [{imported: "formatPrice", local: "formatPrice"}]);
    });

    it("Python: classes, methods, functions, module constants, from-imports with aliases", () => {
        assert.deepEqual(defs("py/pricing/tax.py"), [
            "constant DEFAULT_RATE", "class TaxTable", "method __init__", "method rate_for", "function compute_tax", "function _private_helper"
        ]);
        assert.equal(def("py/pricing/tax.py", "_private_helper").exported, false);
        const imports = file("py/app.py").symbols.imports;
        assert.deepEqual(imports.map((i) => i.source), ["json", "pricing.tax"]);
        assert.deepEqual(imports[1].names, [{imported: "compute_tax", local: "tax_of"}]);
    });

    it("Go: structs, interfaces, functions, methods, constants; exported by capital letter", () => {
        assert.deepEqual(defs("go/geo/geo.go"), ["class Point", "interface Measurer", "constant Origin", "function Distance", "method Norm"]);
        assert.equal(def("go/geo/geo.go", "Point").signature, "type Point");
        assert.deepEqual(file("go/main.go").symbols.imports.map((i) => i.names[0].local), ["fmt", "geo"]);
        assert.equal(def("go/main.go", "main").exported, false);
    });

    it("Rust: structs, traits, impl methods, functions, constants, use-groups", () => {
        assert.deepEqual(defs("rust/src/shapes.rs"), [
            "constant SIDES", "class Rect", "interface Measure", "method measure", "scope Rect", "method area", "function perimeter"
        ]);
        assert.equal(def("rust/src/shapes.rs", "area").container, "Rect");
        const use = file("rust/src/main.rs").symbols.imports.find((i) => i.source.startsWith("crate::"));
        assert.deepEqual(use?.names.map((n) => n.local), ["perimeter", "Rect"]);
    });

    it("Java: classes, methods, static constants, imports", () => {
        assert.deepEqual(defs("java/com/acme/Inventory.java"), ["class Inventory", "constant MAX_ITEMS", "method count", "method add"]);
        assert.deepEqual(file("java/com/acme/App.java").symbols.imports.map((i) => i.source), ["com.acme.Inventory"]);
    });

    it("C: functions, prototypes, structs, typedefs, macros, includes", () => {
        assert.deepEqual(defs("c/vec.c"), ["function vec_dot", "function square"]);
        assert.equal(def("c/vec.c", "square").exported, false, "static functions are file-local");
        assert.ok(defs("c/vec.h").includes("function vec_dot"), "the prototype is a definition");
        assert.ok(defs("c/vec.h").includes("constant VEC_DIM"));
        assert.deepEqual(file("c/main.c").symbols.imports.map((i) => i.source), ["stdio.h", "vec.h"]);
    });

    it("C++: namespaces, classes, out-of-class method definitions", () => {
        assert.deepEqual(defs("cpp/matrix.hpp"), ["module linalg", "class Matrix", "method Matrix", "method trace"]);
        assert.equal(def("cpp/matrix.cpp", "trace").signature, "double Matrix::trace() const");
    });

    it("C#: namespaces, classes, methods, properties, constants, usings", () => {
        assert.deepEqual(defs("cs/Ledger.cs"), ["module Books", "class Ledger", "constant Version", "method Balance", "property Owner"]);
        assert.deepEqual(file("cs/Program.cs").symbols.imports.map((i) => i.source), ["System", "Acme.Books"]);
    });

    it("Ruby, PHP and Bash", () => {
        assert.deepEqual(defs("rb/greeter.rb"), ["module Greetings", "constant DEFAULT_NAME", "class Greeter", "method greet"]);
        assert.deepEqual(file("rb/main.rb").symbols.imports.map((i) => i.source), ["greeter"]);
        assert.deepEqual(defs("php/Cart.php"), ["class Cart", "constant CURRENCY", "method total", "function cart_factory"]);
        assert.deepEqual(file("php/index.php").symbols.imports.map((i) => i.source), ["Cart.php", "Shop\\Cart"]);
        assert.deepEqual(defs("sh/lib.sh"), ["constant LOG_PREFIX", "function log_info"]);
        assert.deepEqual(file("sh/run.sh").symbols.imports.map((i) => i.source), ["./lib.sh"]);
    });

    it("other text files are plain chunks without definitions", () => {
        const readme = file("README.md");
        assert.equal(readme.symbols.parsed, false);
        assert.equal(readme.symbols.definitions.length, 0);
        assert.ok(readme.symbols.chunks.length >= 1);
    });
});

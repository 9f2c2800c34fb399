// Every grammar loads in web-tree-sitter 0.25 and parses, and the files are found where the bundle puts them.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {describe, it} from "mocha";
import {languageOf, parsedLanguages} from "../../../src/context/languages";
import {GrammarSet} from "../../../src/context/parser";
import {locateWasmFiles} from "../../../src/context/wasmLocation";

const samples: Record<string, string> = {
    typescript: "function f(a: number): number { return a; }", tsx: "const x = <div>{1}</div>;", javascript: "function f(a) { return a; }",
    python: "def f(a):\n    return a\n", go: "package p\nfunc F() {}\n", rust: "fn f() -> i32 { 1 }", java: "class A { void f() {} }",
    c: "int f(void) { return 0; }", cpp: "namespace n { class A {}; }", csharp: "class A { void F() {} }", ruby: "def f\n  1\nend\n",
    php: "<?php function f() { return 1; }", bash: "f() { echo hi; }"
};

describe("context: grammars", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    it("load and parse every supported language without syntax errors", async () => {
        const grammars = await GrammarSet.create();
        for (const language of parsedLanguages) {
            const grammar = await grammars.load(language);
            const tree = GrammarSet.parse(grammar, samples[language]);
            assert.equal(tree.rootNode.hasError, false, `${language} parses its sample`);
            tree.delete();
        }
    });

    it("maps file names to languages, plain text, or nothing", () => {
        assert.equal(languageOf("a/b.tsx"), "tsx");
        assert.equal(languageOf("x.h"), "c");
        assert.equal(languageOf("x.hpp"), "cpp");
        assert.equal(languageOf("Rakefile"), "ruby");
        assert.equal(languageOf("notes.md"), "text");
        assert.equal(languageOf("image.png"), undefined);
    });

    it("prefers a bundle's grammars folder and falls back to node_modules", () => {
        const fromModules = locateWasmFiles(path.join(os.tmpdir(), "no-such-grammars-dir"));
        assert.ok(fromModules.grammars.c.endsWith(path.join("node_modules", "tree-sitter-c", "tree-sitter-c.wasm")));
        const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-grammars-"));
        try {
            fs.copyFileSync(fromModules.grammars.go, path.join(bundleDir, "tree-sitter-go.wasm"));
            const located = locateWasmFiles(bundleDir);
            assert.equal(located.grammars.go, path.join(bundleDir, "tree-sitter-go.wasm"));
            assert.equal(located.grammars.rust, fromModules.grammars.rust);
        } finally {
            fs.rmSync(bundleDir, {recursive: true, force: true});
        }
    });
});

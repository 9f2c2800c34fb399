import assert from "node:assert/strict";
import {completionShape, type Shape} from "../../../src/completion/multiline";
import {GrammarSet} from "../../../src/context/parser";
import type {ParsedLanguage} from "../../../src/context/languages";

// Real tree-sitter trees of the documents, the cursor at █.
const cases: Array<[ParsedLanguage, string, Shape, string]> = [
    ["typescript", "function f() {█}", "multiline", "an empty block body"],
    ["typescript", "function f(a: number) {█\n}", "multiline", "after a function header"],
    ["typescript", "class A {\n    m() {\n        █\n    }\n}", "multiline", "an empty line inside a method"],
    ["typescript", "const x = foo(█);", "singleLine", "inside a call's arguments"],
    ["typescript", "const x = a + █", "singleLine", "the middle of an expression"],
    ["typescript", "const s = \"abc█\";", "singleLine", "inside a string"],
    ["typescript", "// a comment█\nconst a = 1;", "singleLine", "inside a line comment"],
    ["typescript", "/**█\nfunction f() {}", "multiline", "after a doc-comment opener"],
    ["typescript", "const v = █value;", "singleLine", "text after the cursor"],
    ["python", "def area(r):█\n", "multiline", "after a def header"],
    ["python", "class A:\n    def f(self):\n        █\n", "multiline", "an empty line in a method"],
    ["python", "x = compute(█)", "singleLine", "inside a call"],
    ["python", "def f():\n    \"\"\"█\n", "multiline", "after a docstring opener"],
    ["python", "s = 'hello █'", "singleLine", "inside a string"],
    ["python", "sql = \"\"\"█\n", "singleLine", "a triple-quoted string that is no docstring"],
    ["typescript", "/* plain█ */", "singleLine", "inside a block comment"],
    ["python", "# note█\n", "singleLine", "inside a comment"],
    ["go", "func add(a, b int) int {█\n}", "multiline", "after a func header"],
    ["go", "func f() {\n\tfor i := 0; i < n; i++ {\n\t\t█\n\t}\n}", "multiline", "an empty line in a loop"],
    ["go", "x := strings.Repeat(█)", "singleLine", "inside a call"],
    ["go", "s := `raw █ text`", "singleLine", "inside a raw string"],
    ["rust", "fn main() {\n    █\n}", "multiline", "an empty line in a function"],
    ["rust", "/// Adds█\nfn add() {}", "multiline", "after a doc comment opener"],
    ["rust", "let x = vec![1, █];", "singleLine", "inside a macro's list"]
];

describe("completion shape from the syntax tree", () => {
    let grammars: GrammarSet;
    before(async () => { grammars = await GrammarSet.create(); });

    for (const [language, doc, expected, name] of cases) {
        it(`${language}: ${name} → ${expected}`, async () => {
            const grammar = await grammars.load(language);
            const offset = doc.indexOf("█");
            const text = doc.slice(0, offset) + doc.slice(offset + 1);
            const tree = GrammarSet.parse(grammar, text);
            try {
                assert.equal(completionShape(text, offset, (index) => tree.rootNode.descendantForIndex(index)), expected);
            } finally {
                tree.delete();
            }
        });
    }
});

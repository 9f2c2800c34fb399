// Target detection on the real tree-sitter grammars of the 13 indexed languages: with no selection, the innermost
// function, method or class around the cursor, with its name; with one, the selection widened to whole lines.
import assert from "node:assert/strict";
import {GrammarSet} from "../../../src/context/parser";
import type {ParsedLanguage} from "../../../src/context/languages";
import {findTarget} from "../../../src/refactor/target";

/** Each case: source with `|` at the cursor; the expected target's name, kind and first and last line. */
interface Case {
    language: ParsedLanguage;
    source: string;
    name: string;
    kind: "function" | "method" | "class";
    first: string;
    last: string;
}

const cases: Case[] = [
    {language: "typescript", source: "import {x} from \"./x\";\nexport function area(w: number, h: number): number {\n    return w * |h;\n}\n", name: "area", kind: "function", first: "export function area(w: number, h: number): number {", last: "}"},
    {language: "tsx", source: "export const Badge = (props: {n: number}) => {\n    return <span>{props.|n}</span>;\n};\n", name: "Badge", kind: "function", first: "export const Badge = (props: {n: number}) => {", last: "};"},
    {language: "javascript", source: "class Stack {\n    push(item) {\n        this.items.push(|item);\n    }\n}\n", name: "push", kind: "method", first: "    push(item) {", last: "    }"},
    {language: "python", source: "class Shape:\n    @property\n    def area(self):\n        return self.w * |self.h\n", name: "area", kind: "method", first: "    @property", last: "        return self.w * self.h"},
    {language: "go", source: "package geo\n\nfunc (r Rect) Area() float64 {\n\treturn r.W * |r.H\n}\n", name: "Area", kind: "method", first: "func (r Rect) Area() float64 {", last: "}"},
    {language: "rust", source: "impl Rect {\n    pub fn area(&self) -> f64 {\n        self.w * |self.h\n    }\n}\n", name: "area", kind: "method", first: "    pub fn area(&self) -> f64 {", last: "    }"},
    {language: "java", source: "class Rect {\n    double area() {\n        return w * |h;\n    }\n}\n", name: "area", kind: "method", first: "    double area() {", last: "    }"},
    {language: "c", source: "#include <stdio.h>\n\nint area(int w, int h) {\n    return w * |h;\n}\n", name: "area", kind: "function", first: "int area(int w, int h) {", last: "}"},
    {language: "cpp", source: "class Rect {\npublic:\n    int area() const {\n        return w * |h;\n    }\n};\n", name: "area", kind: "method", first: "    int area() const {", last: "    }"},
    {language: "csharp", source: "class Rect {\n    public int Area() {\n        return W * |H;\n    }\n}\n", name: "Area", kind: "method", first: "    public int Area() {", last: "    }"},
    {language: "ruby", source: "class Rect\n  def area\n    @w * |@h\n  end\nend\n", name: "area", kind: "method", first: "  def area", last: "  end"},
    {language: "php", source: "<?php\nclass Rect {\n    public function area() {\n        return $this->w * |$this->h;\n    }\n}\n", name: "area", kind: "method", first: "    public function area() {", last: "    }"},
    {language: "bash", source: "#!/bin/bash\ngreet() {\n  echo \"hello $|1\"\n}\n", name: "greet", kind: "function", first: "greet() {", last: "}"}
];

describe("refactor target detection", function () {
    let grammars: GrammarSet;
    before(async () => { grammars = await GrammarSet.create(); });

    for (const c of cases) {
        it(`${c.language}: the ${c.kind} around the cursor`, async () => {
            const cursor = c.source.indexOf("|");
            const text = c.source.slice(0, cursor) + c.source.slice(cursor + 1);
            const tree = GrammarSet.parse(await grammars.load(c.language), text);
            try {
                const target = findTarget(text, tree, c.language, cursor, cursor);
                assert.ok(target, "a target");
                const lines = text.slice(target.start, target.end).split("\n");
                assert.equal(target.name, c.name);
                assert.equal(target.kind, c.kind);
                assert.equal(lines[0], c.first);
                assert.equal(lines[lines.length - 1], c.last);
                assert.equal(target.leadingIndent, "");
            } finally {
                tree.delete();
            }
        });
    }

    it("covers the 13 indexed languages", () => {
        assert.equal(new Set(cases.map((c) => c.language)).size, 13);
    });

    it("takes the innermost definition: a method, not its class", async () => {
        const text = "class A {\n    m() {\n        return 1;\n    }\n}\n";
        const tree = GrammarSet.parse(await grammars.load("typescript"), text);
        const target = findTarget(text, tree, "typescript", text.indexOf("return"), text.indexOf("return"));
        tree.delete();
        assert.equal(target?.name, "m");
        const onClass = GrammarSet.parse(await grammars.load("typescript"), text);
        const cls = findTarget(text, onClass, "typescript", 2, 2);
        onClass.delete();
        assert.equal(cls?.name, "A");
        assert.equal(cls?.kind, "class");
    });

    it("finds nothing outside any definition", async () => {
        const text = "import x from \"y\";\nconst n = 1;\n";
        const tree = GrammarSet.parse(await grammars.load("typescript"), text);
        assert.equal(findTarget(text, tree, "typescript", 3, 3), undefined);
        tree.delete();
    });

    it("takes a selection as it is, widened to its line's start over indentation, without trailing whitespace", () => {
        const text = "function f() {\n    const a = 1;\n    const b = 2;\n}\n";
        const start = text.indexOf("const a"), end = text.indexOf("}");
        const target = findTarget(text, undefined, undefined, start, end);
        assert.equal(target?.kind, "selection");
        assert.equal(text.slice(target!.start, target!.end), "    const a = 1;\n    const b = 2;");
        const mid = findTarget(text, undefined, undefined, text.indexOf("1;"), text.indexOf("1;") + 1);
        assert.equal(text.slice(mid!.start, mid!.end), "1");
        assert.equal(mid!.leadingIndent, "    ");
    });

    it("counts offsets in UTF-16 code units, as editors do", async () => {
        const text = "const s = \"héllo😀\";\nfunction f() {\n    return s;\n}\n";
        const tree = GrammarSet.parse(await grammars.load("typescript"), text);
        const target = findTarget(text, tree, "typescript", text.indexOf("return"), text.indexOf("return"));
        tree.delete();
        assert.equal(text.slice(target!.start, target!.end), "function f() {\n    return s;\n}");
    });
});

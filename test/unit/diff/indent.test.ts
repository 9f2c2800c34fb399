// Indentation of a result matched to its target's: the answer's own base indentation is replaced by the target's,
// relative indentation kept, tabs where the target uses tabs, the target's line ends and final newline.
import assert from "node:assert/strict";
import {matchIndentation} from "../../../src/diff/indent";

describe("matchIndentation", () => {
    it("indents an answer given at column 0 like a method in a class", () => {
        const target = "    area() {\n        return 1;\n    }";
        assert.equal(matchIndentation("area(): number {\n    return 1;\n}", {text: target}), "    area(): number {\n        return 1;\n    }");
    });

    it("removes indentation the answer added", () => {
        assert.equal(matchIndentation("        def f():\n            return 1\n", {text: "def f():\n    return 2"}), "def f():\n    return 1");
    });

    it("uses tabs where the target does", () => {
        assert.equal(matchIndentation("func f() {\n    return\n}", {text: "\tfunc f() {\n\t\treturn\n\t}"}), "\tfunc f() {\n\t\treturn\n\t}");
    });

    it("keeps the target's final newline and CRLF line ends", () => {
        assert.equal(matchIndentation("a\nb", {text: "x\r\ny\r\n"}), "a\r\nb\r\n");
        assert.equal(matchIndentation("a\nb\n\n", {text: "x\ny"}), "a\nb");
    });

    it("leaves the first line's indentation to the document when the target starts after it", () => {
        assert.equal(matchIndentation("return a +\n    b;", {text: "return a;", leadingIndent: "    "}), "return a +\n        b;");
    });

    it("keeps blank lines inside the result blank", () => {
        assert.equal(matchIndentation("a {\n\n  b\n}", {text: "  x {\n  }"}), "  a {\n\n    b\n  }");
    });
});

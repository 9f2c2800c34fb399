// Re-basing a proposed edit onto a document changed meanwhile: changes outside the target's lines move it, a change
// on any of its lines refuses it, and the result is what applying the edit to the new text at the new place gives.
import assert from "node:assert/strict";
import {diffLines} from "../../../src/diff/lineDiff";
import {rebaseEdit} from "../../../src/diff/rebase";

const lines = (n: number, prefix = "line") => Array.from({length: n}, (_, i) => `${prefix} ${i}`).join("\n") + "\n";
const ORIGINAL = "import a from \"a\";\n\nfunction area(w, h) {\n    return w * h;\n}\n\nexport const x = 1;\n";
const TARGET = {start: ORIGINAL.indexOf("function"), end: ORIGINAL.indexOf("}\n") + 1};
const REPLACEMENT = "function area(w: number, h: number) {\n    return w * h;\n}";

function ok(result: ReturnType<typeof rebaseEdit>): {text: string; range: {start: number; end: number}} {
    assert.equal(result.ok, true, result.ok ? "" : result.reason);
    return result as {ok: true; text: string; range: {start: number; end: number}};
}

describe("rebaseEdit", () => {
    it("applies in place when nothing changed", () => {
        const result = ok(rebaseEdit(ORIGINAL, ORIGINAL, TARGET, REPLACEMENT));
        assert.equal(result.text, ORIGINAL.replace("function area(w, h) {\n    return w * h;\n}", REPLACEMENT));
        assert.deepEqual(result.range, TARGET);
    });

    it("moves the edit after lines inserted above the target", () => {
        const current = "// header\n// more\n" + ORIGINAL;
        const result = ok(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT));
        assert.equal(result.text, "// header\n// more\n" + ORIGINAL.replace("function area(w, h) {\n    return w * h;\n}", REPLACEMENT));
        assert.equal(result.range.start, TARGET.start + "// header\n// more\n".length);
    });

    it("moves it after lines deleted and changed above, and keeps changes below", () => {
        const current = ORIGINAL.replace("import a from \"a\";\n\n", "import b from \"b\";\n").replace("export const x = 1;", "export const x = 2;");
        const result = ok(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT));
        assert.equal(result.text, "import b from \"b\";\n" + REPLACEMENT + "\n\nexport const x = 2;\n");
    });

    it("keeps edits both above and below the target (several hunks)", () => {
        const current = "// top\n" + ORIGINAL + "// bottom\n";
        const result = ok(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT));
        assert.ok(result.text.startsWith("// top\nimport a"));
        assert.ok(result.text.endsWith("export const x = 1;\n// bottom\n"));
        assert.ok(result.text.includes(REPLACEMENT));
    });

    it("accepts lines inserted right before and right after the target", () => {
        const current = ORIGINAL.replace("function area", "// before\nfunction area").replace("}\n\nexport", "}\n// after\n\nexport");
        const result = ok(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT));
        assert.ok(result.text.includes("// before\n" + REPLACEMENT + "\n// after\n"));
    });

    it("refuses a change inside the target", () => {
        const current = ORIGINAL.replace("return w * h;", "return w * h * 2;");
        const result = rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT);
        assert.equal(result.ok, false);
        assert.match((result as {reason: string}).reason, /edited meanwhile \(line 4\)/);
    });

    it("refuses a line inserted between the target's lines", () => {
        const current = ORIGINAL.replace("    return w * h;\n", "    // note\n    return w * h;\n");
        assert.equal(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT).ok, false);
    });

    it("refuses a change on a line the target shares with other code", () => {
        const original = "const a = 1; const b = 2;\n";
        const target = {start: original.indexOf("const b"), end: original.indexOf("2;") + 2};
        assert.equal(rebaseEdit(original, "const a = 10; const b = 2;\n", target, "const b = 3;").ok, false);
    });

    it("refuses a deleted target", () => {
        const current = ORIGINAL.replace("function area(w, h) {\n    return w * h;\n}\n", "");
        assert.equal(rebaseEdit(ORIGINAL, current, TARGET, REPLACEMENT).ok, false);
    });

    it("maps onto the right copy when the target's text appears twice", () => {
        const original = "function f() {}\nfunction f() {}\n";
        const second = {start: 16, end: 31};
        const result = ok(rebaseEdit(original, "// x\n" + original, second, "function g() {}"));
        assert.equal(result.text, "// x\nfunction f() {}\nfunction g() {}\n");
    });

    it("inserts into an empty range (an addition at the end of a file)", () => {
        const original = "test(\"a\", () => {});\n";
        const result = ok(rebaseEdit(original, "import x from \"x\";\n" + original, {start: original.length, end: original.length}, "test(\"b\", () => {});\n"));
        assert.equal(result.text, "import x from \"x\";\ntest(\"a\", () => {});\ntest(\"b\", () => {});\n");
    });

    it("handles a file without a final newline and CRLF files", () => {
        const original = "a\r\nfunction f() {\r\n}\r\nb";
        const target = {start: 3, end: original.indexOf("}") + 1};
        const result = ok(rebaseEdit(original, original.replace("b", "bb"), target, "function g() {\r\n}"));
        assert.equal(result.text, "a\r\nfunction g() {\r\n}\r\nbb");
    });

    it("re-bases on a 5,000-line file with edits far away", () => {
        const original = lines(5000);
        const start = original.indexOf("line 2500\n"), end = start + "line 2500".length;
        const current = original.replace("line 10\n", "line 10 changed\nline 10b\n").replace("line 4990\n", "");
        const result = ok(rebaseEdit(original, current, {start, end}, "LINE 2500"));
        assert.equal(result.text, current.replace("line 2500\n", "LINE 2500\n"));
    });

    it("refuses a range outside the original", () => {
        assert.equal(rebaseEdit("abc", "abc", {start: 2, end: 9}, "x").ok, false);
    });
});

describe("diffLines", () => {
    it("finds every changed hunk, in order", () => {
        const a = ["a", "b", "c", "d", "e", "f"];
        const b = ["a", "B", "c", "d", "x", "e", "f"];
        assert.deepEqual(diffLines(a, b), [{aStart: 1, aEnd: 2, bStart: 1, bEnd: 2}, {aStart: 4, aEnd: 4, bStart: 4, bEnd: 5}]);
    });

    it("reports nothing for equal texts and gives up past its edit bound", () => {
        assert.deepEqual(diffLines(["a"], ["a"]), []);
        assert.equal(diffLines(["a", "b", "c"], ["x", "y", "z"], 2), undefined);
    });

    it("agrees with a reconstruction on random edits", () => {
        let seed = 7;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        for (let round = 0; round < 200; round++) {
            const a = Array.from({length: Math.floor(random() * 20)}, () => String.fromCharCode(97 + Math.floor(random() * 4)));
            const b = a.flatMap((line) => random() < 0.2 ? [] : random() < 0.2 ? [line, "n"] : random() < 0.1 ? ["m"] : [line]);
            const hunks = diffLines(a, b)!;
            // Applying the hunks to a gives b.
            const rebuilt: string[] = [];
            let i = 0;
            for (const h of hunks) { rebuilt.push(...a.slice(i, h.aStart), ...b.slice(h.bStart, h.bEnd)); i = h.aEnd; }
            rebuilt.push(...a.slice(i));
            assert.deepEqual(rebuilt, b, `round ${round}: ${JSON.stringify({a, b, hunks})}`);
        }
    });
});

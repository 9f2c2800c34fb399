// Add Documentation's check on real grammars: comments and docstrings may change, code may not.
import assert from "node:assert/strict";
import {GrammarSet} from "../../../src/context/parser";
import type {ParsedLanguage} from "../../../src/context/languages";
import {codeChangeOutsideComments} from "../../../src/refactor/codeUnchanged";

describe("code unchanged outside comments", () => {
    let grammars: GrammarSet;
    before(async () => { grammars = await GrammarSet.create(); });
    const check = async (language: ParsedLanguage, before: string, after: string) => {
        const grammar = await grammars.load(language);
        return codeChangeOutsideComments(before, after, language, (text) => GrammarSet.parse(grammar, text));
    };

    it("accepts added TSDoc, reflowed whitespace and changed comments", async () => {
        assert.equal(await check("typescript", "// old\nfunction area(w: number, h: number) {\n    return w * h;\n}",
            "/**\n * The area.\n * @param w width\n */\nfunction area(w: number,\n              h: number) {\n    return w * h; // product\n}"), undefined);
    });

    it("refuses a changed operator, a renamed parameter, removed or added code", async () => {
        assert.match((await check("typescript", "function f(a) { return a + 1; }", "/** f */\nfunction f(a) { return a - 1; }"))!, /`-` where the code had `\+`/);
        assert.ok(await check("typescript", "function f(a) { return a; }", "/** f */ function f(b) { return b; }"));
        assert.ok(await check("typescript", "function f() { g(); h(); }", "/** f */ function f() { g(); }"));
        assert.ok(await check("typescript", "function f() { g(); }", "/** f */ function f() { g(); h(); }"));
    });

    it("accepts Python docstrings, refuses a string literal changed in code", async () => {
        assert.equal(await check("python", "def mean(xs):\n    return sum(xs) / len(xs)", "def mean(xs):\n    \"\"\"The mean.\n\n    Args:\n        xs: values.\n    \"\"\"\n    return sum(xs) / len(xs)"), undefined);
        assert.ok(await check("python", "def f():\n    return \"a\"", "def f():\n    \"\"\"Doc.\"\"\"\n    return \"b\""));
    });

    it("accepts Rust ///, Go // and Java /** */ comments", async () => {
        assert.equal(await check("rust", "fn f() -> i32 { 1 }", "/// One.\nfn f() -> i32 { 1 }"), undefined);
        assert.equal(await check("go", "func F() int { return 1 }", "// F returns one.\nfunc F() int { return 1 }"), undefined);
        assert.equal(await check("java", "int f() { return 1; }", "/** One. @return 1 */\nint f() { return 1; }"), undefined);
        assert.equal(await check("csharp", "int F() { return 1; }", "/// <summary>One.</summary>\nint F() { return 1; }"), undefined);
    });

    it("works without a grammar on the usual comment forms", () => {
        assert.equal(codeChangeOutsideComments("val x = 1", "/** doc */\n// more\nval x = 1", undefined, undefined), undefined);
        assert.ok(codeChangeOutsideComments("val x = 1", "val x = 2", undefined, undefined));
    });
});

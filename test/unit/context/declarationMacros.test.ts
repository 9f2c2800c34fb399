// C and C++ headers whose API declarations carry export and deprecation macros (as ggml.h and llama.h do): the
// parser reads them blanked, and every declaration is found at its own lines, typed in or parsed whole.
import assert from "node:assert/strict";
import {before, describe, it} from "mocha";
import {analyze} from "../../../src/context/analyzeFile";
import {blankDeclarationMacros} from "../../../src/context/declarationMacros";
import {LiveTrees, textEdit} from "../../../src/context/liveTrees";
import {GrammarSet} from "../../../src/context/parser";

const header = `#pragma once
#define MYLIB_API __attribute__((visibility("default")))
#ifdef __cplusplus
extern "C" {
#endif
    MYLIB_API struct mylib_tensor * mylib_add(
            struct mylib_context * ctx,
            struct mylib_tensor  * a);

    MYLIB_API int64_t mylib_nelements(const struct mylib_tensor * tensor); // elements
    MYLIB_DEPRECATED(MYLIB_API struct mylib_tensor * mylib_add1(
            struct mylib_context * ctx,
            struct mylib_tensor  * a),
        "use mylib_add instead");
    MYLIB_DEPRECATED(
    MYLIB_BACKEND_API double mylib_sizef(int type), // a comment, (with a paren
    "use mylib_size() instead");
    MYLIB_API size_t mylib_row_size(int type, int64_t ne);
    MYLIB_API DEPRECATED(size_t mylib_old_size(
            struct mylib_context * ctx),
        "use mylib_row_size instead");
    MYLIB_API void mylib_free(struct mylib_context * ctx);
#ifdef __cplusplus
}
#endif
`;

describe("context: export and deprecation macros in C and C++ headers", function () {
    this.timeout(60000);
    let grammars: GrammarSet;
    before(async () => { grammars = await GrammarSet.create(); });

    it("blanks the macros only, keeping every position and line break", () => {
        const blanked = blankDeclarationMacros("cpp", header);
        assert.equal(blanked.length, header.length);
        assert.deepEqual([...blanked.matchAll(/\n/g)].map((m) => m.index), [...header.matchAll(/\n/g)].map((m) => m.index));
        assert.ok(!/MYLIB_API|MYLIB_BACKEND_API|DEPRECATED|use mylib/.test(blanked.replace(/#define MYLIB_API.*/, "")), blanked);
        assert.match(blanked, /#define MYLIB_API __attribute__/, "a definition of the macro stays");
        assert.match(blanked, /struct mylib_tensor {2}\* a\) \n {32};/, "the message and closing parenthesis are blanked, the semicolon stays");
        // Not a declaration's macro: a call, a constant, a message-less macro, other languages.
        for (const text of ["    MYLIB_API(x);\n", "int MYLIB_API = 3;\n", "    MYLIB_DEPRECATED(void f(int x));\n"]) assert.equal(blankDeclarationMacros("c", text), text);
        assert.equal(blankDeclarationMacros("python", "    MYLIB_API int f(void);\n"), "    MYLIB_API int f(void);\n");
    });

    for (const language of ["c", "cpp"] as const) {
        it(`${language}: every declaration is found at its lines, with its signature from the real text`, async () => {
            const {symbols} = await analyze(grammars, language, header, "/w/mylib.h");
            const functions = symbols.definitions.filter((d) => d.kind === "function" && d.name.startsWith("mylib_"));
            assert.deepEqual(functions.map((d) => [d.name, d.startLine]), [
                ["mylib_add", 5], ["mylib_nelements", 9], ["mylib_add1", 10], ["mylib_sizef", 15], ["mylib_row_size", 17],
                ["mylib_old_size", 18], ["mylib_free", 21]
            ]);
            assert.equal(functions.find((d) => d.name === "mylib_row_size")!.signature, "size_t mylib_row_size(int type, int64_t ne);");
        });
    }

    it("typing a macro in, key by key, parses as a whole parse of the same text does", async () => {
        const grammar = await grammars.load("cpp");
        const fresh = (text: string) => { const t = GrammarSet.parse(grammar, text); const s = t.rootNode.toString(); t.delete(); return s; };
        const trees = new LiveTrees(2);
        const at = header.indexOf("    MYLIB_API size_t mylib_row_size");
        const without = header.slice(0, at) + "    size_t mylib_row_size" + header.slice(at + "    MYLIB_API size_t mylib_row_size".length);
        let text = without;
        trees.current("/w/mylib.h", grammar, text);
        // "MYLIB_API " typed in front of the declaration; then the deprecation message's closing parenthesis removed.
        for (let i = 1; i <= "MYLIB_API ".length; i++) {
            const next = without.slice(0, at + 4) + "MYLIB_API ".slice(0, i) + without.slice(at + 4);
            assert.equal(trees.current("/w/mylib.h", grammar, next, {from: text, edit: textEdit(text, next)}).rootNode.toString(), fresh(next), `after ${i} keys`);
            text = next;
        }
        assert.equal(text, header);
        const cut = header.replace(`"use mylib_add instead");`, `"use mylib_add instead";`);
        assert.equal(trees.current("/w/mylib.h", grammar, cut, {from: text, edit: textEdit(text, cut)}).rootNode.toString(), fresh(cut));
    });
});

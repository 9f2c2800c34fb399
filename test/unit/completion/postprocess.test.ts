import assert from "node:assert/strict";
import {postprocess, steps} from "../../../src/completion/postprocess/index";
import type {CursorContext} from "../../../src/completion/postprocess/context";
import {goldenCases, type GoldenCase} from "./goldenCases";

function contextOf(c: GoldenCase): CursorContext {
    const at = c.doc.indexOf("█");
    assert.ok(at >= 0, `${c.name}: the document marks no cursor`);
    return {languageId: c.languageId, prefix: c.doc.slice(0, at), suffix: c.doc.slice(at + 1), multiline: c.multiline, indentUnit: c.indentUnit ?? "    "};
}

describe("completion post-processing (golden)", () => {
    for (const [stepName, cases] of Object.entries(goldenCases)) {
        describe(stepName, () => {
            const step = steps.find((s) => s.name === stepName);
            if (stepName !== "pipeline") it("is a step of the pipeline", () => assert.ok(step, `no step named ${stepName}`));
            for (const c of cases) {
                it(c.name, () => {
                    const ctx = contextOf(c);
                    const actual = step ? step.apply(c.input, ctx) : (postprocess(c.input, ctx) ?? "");
                    assert.equal(actual, c.expected);
                });
            }
        });
    }

    it("has at least 60 golden cases across TypeScript, Python, Go and Rust", () => {
        const all = Object.values(goldenCases).flat();
        assert.ok(all.length >= 60, `${all.length} cases`);
        for (const language of ["typescript", "python", "go", "rust"]) assert.ok(all.filter((c) => c.languageId === language).length >= 10, language);
    });

    it("returns undefined for nothing worth showing, and normalises CRLF", () => {
        const ctx: CursorContext = {languageId: "typescript", prefix: "", suffix: "", multiline: true, indentUnit: "  "};
        assert.equal(postprocess("   \r\n  ", ctx), undefined);
        assert.equal(postprocess("a;\r\nb;", ctx), "a;\nb;");
    });
});

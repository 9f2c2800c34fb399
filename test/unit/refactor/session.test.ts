// One refactor run without the editor: the request it makes of the runtime (prompt, budget, prompt lookup) and
// what it makes of an answer. The generator here returns a given answer; the real runtime's answers go through
// the same code in the e2e suite (test/e2e/suite/refactor.test.ts) and the benchmark.
import assert from "node:assert/strict";
import type {ChatParams, GenerationResult} from "../../../src/runtime/protocol";
import {GrammarSet} from "../../../src/context/parser";
import {answerBudget, runRefactor, type RefactorRun} from "../../../src/refactor/session";
import {LiveTrees} from "../../../src/context/liveTrees";
import {RefactorSyntax} from "../../../src/refactor/syntax";

const TEXT = "class Shape {\n    area(w, h) {\n        return w * h;\n    }\n}\n";

function answering(text: string, stopReason: GenerationResult["stopReason"] = "eos") {
    const requests: ChatParams[] = [];
    const generate = async (params: ChatParams): Promise<GenerationResult> => {
        requests.push(params);
        return {text, stopReason, stats: {promptTokens: 1, reusedPromptTokens: 0, generatedTokens: 1, timeToFirstTokenMs: 1, totalMs: 2, tokensPerSecond: 1, drafter: "promptLookup", draftedTokens: 0, acceptedTokens: 0}};
    };
    return {generate, requests};
}

describe("refactor session", () => {
    let run: RefactorRun;
    let grammars: GrammarSet;
    before(async () => {
        grammars = await GrammarSet.create();
        // The module the index worker answers the refactors' syntax questions with.
        const syntax = new RefactorSyntax(grammars, new LiveTrees());
        const target = (await syntax.target({path: "/w/a.ts", text: TEXT, start: TEXT.indexOf("return"), end: TEXT.indexOf("return")}))!;
        run = {
            kind: "rewrite", text: TEXT, target, context: "", instruction: "add types", maxTokens: 300,
            prompt: {path: "a.ts", language: "typescript", languageId: "typescript", code: TEXT.slice(target.start, target.end), name: "area", startLine: 2, endLine: 4},
            codeChange: (before, after) => syntax.codeChange({language: "typescript", before, after})
        };
    });

    it("asks with prompt lookup and the budget, and re-indents a column-0 answer to the method's place", async () => {
        const {generate, requests} = answering("```ts\narea(w: number, h: number): number {\n    return w * h;\n}\n```");
        const result = await runRefactor(run, generate);
        assert.equal(requests[0].promptLookup, true);
        assert.equal(requests[0].maxTokens, 300);
        assert.ok(result.ok);
        assert.equal(result.newText, "    area(w: number, h: number): number {\n        return w * h;\n    }");
        assert.equal(TEXT.slice(result.start, result.end), "    area(w, h) {\n        return w * h;\n    }");
    });

    it("refuses documentation that changed code, accepts one that only added comments", async () => {
        const changed = await runRefactor({...run, kind: "document"}, answering("```ts\n/** Area. */\narea(w, h) {\n    return w + h;\n}\n```").generate);
        assert.ok(!changed.ok && /also changed the code, not only comments/.test(changed.message), JSON.stringify(changed));
        const documented = await runRefactor({...run, kind: "document"}, answering("```ts\n/**\n * The area.\n * @param w width\n */\narea(w, h) {\n    return w * h;\n}\n```").generate);
        assert.ok(documented.ok);
        assert.equal(documented.newText, "    /**\n     * The area.\n     * @param w width\n     */\n    area(w, h) {\n        return w * h;\n    }");
    });

    it("refuses an answer that is the code as it is", async () => {
        const same = await runRefactor(run, answering("```ts\narea(w, h) {\n    return w * h;\n}\n```").generate);
        assert.ok(!same.ok && /already is/.test(same.message));
    });

    it("refuses an answer cut off by the token budget before the target's end", async () => {
        const cut = await runRefactor(run, answering("```ts\narea(w: number, h: number) {\n    return", "maxTokens").generate);
        assert.ok(!cut.ok && /cut off/.test(cut.message));
    });

    it("Generate Tests: a new file, or an addition at the end of the existing one; no prompt lookup", async () => {
        const layout = {framework: "mocha", testPath: "test/a.test.ts", importHint: "x", basis: "convention" as const};
        const {generate, requests} = answering("```ts\n    it(\"works\", () => {});\n```");
        const fresh = await runRefactor({...run, kind: "tests", tests: {layout}}, generate);
        assert.equal(requests[0].promptLookup, undefined);
        assert.ok(fresh.ok && fresh.file === "tests" && fresh.start === 0 && fresh.newText === "it(\"works\", () => {});\n");
        const existing = "describe(\"a\", () => {});\n";
        const added = await runRefactor({...run, kind: "tests", tests: {layout, existing}}, generate);
        assert.ok(added.ok && added.start === existing.length && added.end === existing.length);
        assert.equal(added.newText, "\nit(\"works\", () => {});\n");
    });

    it("sizes the answer budget from the target, within half the model's context", () => {
        assert.equal(answerBudget(100, 0, "rewrite"), 456);
        assert.equal(answerBudget(100, 0, "document"), 556);
        assert.equal(answerBudget(100_000, 8192, "rewrite"), 4096);
    });
});

// Packing ranked snippets under a token budget: order, overlap, labels, truncation, and the token counters.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {describe, it} from "mocha";
import {contextBudget} from "../../../src/context/budget";
import {pack, packWithTokenizer, renderSnippet} from "../../../src/context/pack";
import {estimateTokens, modelTokenCounter, type TokenCounter} from "../../../src/context/tokenCount";
import type {Snippet} from "../../../src/context/types";
import {fixtureRoot} from "./fixture";

const geometry = `${fixtureRoot}/ts/src/geometry.ts`;
const lines = fs.readFileSync(geometry, "utf8").split("\n");
const snippet = (startLine: number, endLine: number, score: number, source: Snippet["source"] = "definition"): Snippet =>
    ({path: geometry, startLine, endLine, text: lines.slice(startLine, endLine + 1).join("\n"), score, source});
/** One token per character: makes budgets exact in these tests. */
const charCounter: TokenCounter = {count: (t) => t.length, exact: true};
const display = (p: string): string => path.posix.relative(fixtureRoot, p);

describe("context: packing", () => {
    it("keeps the highest-scored snippets first and labels each with its path and one-based lines", () => {
        const result = pack([snippet(14, 21, 10), snippet(9, 12, 50), snippet(1, 4, 30)], {budgetTokens: 10000, displayPath: display});
        assert.deepEqual(result.snippets.map((s) => s.label), ["ts/src/geometry.ts:10-13", "ts/src/geometry.ts:2-5", "ts/src/geometry.ts:15-22"]);
        assert.ok(renderSnippet(result.snippets[0]).startsWith("// ts/src/geometry.ts:10-13\nexport function area"));
        assert.equal(result.usedTokens, result.snippets.reduce((n, s) => n + s.tokens, 0));
    });

    it("drops duplicates and lines already packed; a partly covered snippet keeps its uncovered lines", () => {
        const result = pack([snippet(9, 12, 50), snippet(9, 12, 40), snippet(10, 11, 35), snippet(6, 13, 30)], {budgetTokens: 10000, displayPath: display});
        assert.deepEqual(result.snippets.map((s) => [s.startLine, s.endLine]), [[9, 12], [6, 8]]);
        assert.equal(result.dropped, 2);
        assert.equal(result.snippets[1].text, lines.slice(6, 9).join("\n"));
        for (let i = 0; i < result.snippets.length; i++) {
            for (let j = i + 1; j < result.snippets.length; j++) {
                const [a, b] = [result.snippets[i], result.snippets[j]];
                assert.ok(a.endLine < b.startLine || b.endLine < a.startLine, "no overlapping ranges");
            }
        }
    });

    it("never exceeds the budget; a long snippet is cut to its first lines, a small one still fits after", () => {
        const big = snippet(0, 25, 90);
        const small = {...snippet(0, 0, 10), path: `${fixtureRoot}/other.ts`, text: "x"};
        const budget = 200;
        const result = pack([big, small], {budgetTokens: budget, counter: charCounter, displayPath: display});
        assert.ok(result.usedTokens <= budget);
        const cut = result.snippets[0];
        assert.equal(cut.startLine, 0);
        assert.ok(cut.endLine < 25 && cut.endLine > 0, `cut to lines 0-${cut.endLine}`);
        assert.equal(cut.text, lines.slice(0, cut.endLine + 1).join("\n"));
        assert.equal(result.snippets[1].path, small.path);
        assert.deepEqual(pack([big], {budgetTokens: 20, counter: charCounter}).snippets, [], "too small to be worth cutting");
    });

    it("outlines are never cut or trimmed, only kept whole or dropped", () => {
        const outline: Snippet = {...snippet(1, 21, 5, "related"), text: "interface Shape\nfunction area(shape: Shape): number", outline: true};
        const result = pack([snippet(9, 12, 50), outline], {budgetTokens: 10000});
        assert.equal(result.snippets.length, 1, "the outline overlaps a packed definition");
        const alone = pack([outline], {budgetTokens: 10000});
        assert.equal(alone.snippets[0].text, outline.text);
    });

    it("packs with the model's tokenizer when it answers in time, else with the estimate", async () => {
        const slowExact: TokenCounter = {count: (t) => t.length, countMany: (texts) => new Promise((r) => setTimeout(() => r(texts.map((t) => t.length)), 200)), exact: true};
        const fastExact: TokenCounter = {count: (t) => t.length, countMany: async (texts) => texts.map((t) => t.length), exact: true};
        const candidates = [snippet(9, 12, 50)];
        const exact = await packWithTokenizer(candidates, {budgetTokens: 10000, counter: fastExact, timeMs: 100});
        assert.equal(exact.snippets[0].tokens, `// ${exact.snippets[0].label}\n${exact.snippets[0].text}\n`.length);
        const fallback = await packWithTokenizer(candidates, {budgetTokens: 10000, counter: slowExact, timeMs: 20});
        assert.equal(fallback.snippets[0].tokens, estimateTokens(`// ${fallback.snippets[0].label}\n${fallback.snippets[0].text}\n`));
    });

    it("budgets: the setting, capped by the model's context minus the answer and the rest of the prompt", () => {
        assert.equal(contextBudget({settingTokens: 32768, modelContextTokens: 0, answerTokens: 4096, promptTokens: 500}), 32768);
        assert.equal(contextBudget({settingTokens: 32768, modelContextTokens: 131072, answerTokens: 4096, promptTokens: 500}), 32768);
        assert.equal(contextBudget({settingTokens: 200000, modelContextTokens: 262144, answerTokens: 8192, promptTokens: 1000}), 200000);
        assert.equal(contextBudget({settingTokens: 200000, modelContextTokens: 131072, answerTokens: 8192, promptTokens: 1000}), 121880);
        assert.equal(contextBudget({settingTokens: 4096, modelContextTokens: 2048, answerTokens: 4096, promptTokens: 0}), 0);
    });

    it("the token estimate follows code size and content", () => {
        const code = fs.readFileSync(geometry, "utf8");
        const estimate = estimateTokens(code);
        // Gemma 4 tokenizes this file (578 characters) into 168 tokens; the estimate is calibrated within 15%.
        assert.ok(Math.abs(estimate - 168) / 168 < 0.15, `estimate ${estimate}`);
        assert.ok(estimateTokens(code + code) >= 2 * estimate - 2);
        assert.equal(estimateTokens(""), 0);
    });
});

describe("context: the model's token counter remembers counts", () => {
    it("sends only text it has not counted, keeps the answers in order, and forgets the least recently used first", async () => {
        const sent: string[][] = [];
        // Stands in for the runtime's tokenizer: one token per character, so every answer is checkable.
        const counter = modelTokenCounter(async (texts) => { sent.push([...texts]); return texts.map((t) => t.length); }, 10);
        assert.deepEqual(await counter.countMany!(["aaaa", "bb", "aaaa"]), [4, 2, 4]);
        assert.deepEqual(sent, [["aaaa", "bb"]], "each text once");
        assert.deepEqual(await counter.countMany!(["bb", "ccc", "aaaa"]), [2, 3, 4]);
        assert.deepEqual(sent[1], ["ccc"], "only the new text crosses");
        // Used last in the order bb, aaaa, ccc (9 characters); 5 more push out the least recently used: bb, then aaaa.
        await counter.countMany!(["ddddd"]);
        assert.deepEqual(await counter.countMany!(["aaaa", "bb", "ccc"]), [4, 2, 3]);
        assert.deepEqual(sent.at(-1), ["aaaa", "bb"], "ccc is still known");
    });
});

// Packing counted with the loaded model's own tokenizer, through the real runtime process.
import assert from "node:assert/strict";
import path from "node:path";
import {RuntimeClient} from "../../src/runtime/client";
import {packWithTokenizer, renderSnippet} from "../../src/context/pack";
import {estimateTokens, modelTokenCounter} from "../../src/context/tokenCount";
import type {Snippet} from "../../src/context/types";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

describe("context packing with the model's tokenizer", function () {
    let client: RuntimeClient;
    before(async () => {
        ensureTestModels();
        client = new RuntimeClient({hostPath: path.resolve("dist/runtime-host.mjs"), log: silentLogger});
        await client.load({engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 4, contextSize: 2048, gpu: "off", threads: 1});
    });
    after(async () => client.dispose());

    const snippet = (i: number, lines: number): Snippet => ({
        path: `/repo/src/file${i}.ts`, startLine: 0, endLine: lines - 1, score: 100 - i, source: "definition",
        text: Array.from({length: lines}, (_, l) => `export function helper${i}_${l}(value: number): number { return value * ${l}; }`).join("\n")
    });

    it("counts each snippet as the model tokenizes it and stays within the budget", async () => {
        const candidates = [snippet(1, 3), snippet(2, 40), snippet(3, 2), snippet(4, 5)];
        const counter = modelTokenCounter((texts) => client.tokenCount([...texts]));
        const budget = 400;
        const packed = await packWithTokenizer(candidates, {budgetTokens: budget, counter, timeMs: 5000});
        assert.ok(packed.snippets.length >= 2, "the small, high-value snippets fit");
        const trimmed = packed.snippets.filter((s) => s.endLine < candidates.find((c) => c.path === s.path)!.endLine);
        assert.ok(trimmed.length > 0, "a snippet was trimmed to fit, so its new text had to be counted again");
        const rendered = packed.snippets.map(renderSnippet);
        const exact = await client.tokenCount(rendered);
        packed.snippets.forEach((s, i) => assert.equal(s.tokens, exact[i], `snippet ${s.label} counted by the model`));
        assert.ok(exact.reduce((a, b) => a + b, 0) <= budget);
        // The tokenizer is not the estimator: at least one count differs from the estimate.
        assert.ok(rendered.some((text, i) => estimateTokens(text) !== exact[i]));
    });
});

// Inline completion through the real runtime process on the generated gemma4 model, in both prompt styles, and
// the whole Completer path (context engine over a fixture workspace, tree-sitter shapes, post-processing).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {Completer, type CompletionDocument} from "../../src/completion/completer";
import {buildInstructPrompt} from "../../src/completion/prompt/instruct";
import {runtimeBackend} from "../../src/completion/runtimeBackend";
import {TreeShapes} from "../../src/completion/treeShape";
import {ContextEngine} from "../../src/context/engine";
import {RuntimeClient} from "../../src/runtime/client";
import type {GenerationResult} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");

describe("inline completion on the runtime", function () {
    let client: RuntimeClient;
    before(async () => {
        ensureTestModels();
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.load({engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "promptLookup", maxDraftTokens: 8, contextSize: 4096, gpu: "off", threads: 1});
    });
    after(async () => { await client?.dispose(); });

    it("completes with the instruct prompt through the chat template, and one more keystroke reuses the cache", async () => {
        const base = {languageId: "typescript", path: "src/sum.ts", context: "// src/math.ts:1-3\nexport function add(a: number, b: number) {\n    return a + b;\n}", suffix: "\n}\n"};
        const first = buildInstructPrompt({...base, prefix: "export function total(xs: number[]) {\n    return xs.reduce("});
        const one = await client.complete({context: "", prefix: "", suffix: "", maxTokens: 12, stop: ["\n```"], instruct: first});
        assert.ok(one.stats.promptTokens > 40, `the chat turn was rendered: ${one.stats.promptTokens} tokens`);
        assert.equal(one.stats.generatedTokens > 0, true);
        const second = buildInstructPrompt({...base, prefix: "export function total(xs: number[]) {\n    return xs.reduce(a"});
        const two = await client.complete({context: "", prefix: "", suffix: "", maxTokens: 12, stop: ["\n```"], instruct: second});
        const evaluated = two.stats.promptTokens - two.stats.reusedPromptTokens;
        assert.ok(evaluated <= 4, `one keystroke evaluated ${evaluated} new prompt tokens of ${two.stats.promptTokens}`);
        // Greedy decoding: the same prompt, the same text.
        const again = await client.complete({context: "", prefix: "", suffix: "", maxTokens: 12, stop: ["\n```"], instruct: first});
        assert.equal(again.text, one.text);
    });

    it("completes with the model's FIM tokens, and reuses the cache across a keystroke", async () => {
        const one = await client.complete({context: "", prefix: "function add(a, b) {\n    return ", suffix: "\n}\n", maxTokens: 12, stop: ["\n"]});
        const two = await client.complete({context: "", prefix: "function add(a, b) {\n    return a", suffix: "\n}\n", maxTokens: 12, stop: ["\n"]});
        assert.ok(!one.text.includes("\n") && !two.text.includes("\n"), "single line: stopped at the newline");
        assert.ok(two.stats.reusedPromptTokens > 0);
    });

    it("stops a single line at the first newline after text, in the runtime, with its stats", async () => {
        // The llama test model writes on and on, line after line: the gemma4 one ends its turn first.
        const lines = new RuntimeClient({hostPath, log: silentLogger});
        try {
            await lines.load({engine: "embedded", modelPath: testModelPath("llama-target"), drafterMode: "off", maxDraftTokens: 8, contextSize: 2048, gpu: "off", threads: 1});
            const params = {context: "", prefix: "export function total(xs: number[]) {\n    return ", suffix: "", maxTokens: 160, stop: []};
            const plain = await lines.complete(params);
            const lineEnd = /\S[^\n]*\n/.exec(plain.text);
            assert.ok(lineEnd, `the model writes a line break after text within 160 tokens: ${JSON.stringify(plain.text)}`);
            const chunks: string[] = [];
            const single = await lines.complete({...params, stopAtLineEnd: true}, {onText: (t) => chunks.push(t)});
            assert.equal(single.text, plain.text.slice(0, lineEnd.index + lineEnd[0].length - 1), "greedy: the same text, up to that newline");
            assert.equal(single.stopReason, "stopString");
            assert.equal(chunks.join(""), single.text, "the newline is never streamed");
            assert.ok(single.stats.generatedTokens < plain.stats.generatedTokens && single.stats.reusedPromptTokens > 0, JSON.stringify(single.stats));
        } finally {
            await lines.dispose();
        }
    });

    for (const style of ["instruct", "fim"] as const) {
        it(`gives ghost text through the Completer (${style}), from the cache when typing into it, and cancels a superseded request`, async () => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-complete-"));
            fs.writeFileSync(path.join(root, "math.ts"), "export function add(a: number, b: number): number {\n    return a + b;\n}\n");
            const file = path.join(root, "main.ts");
            const text = "import {add} from \"./math\";\n\nexport function twice(x: number): number {\n    return add(x, x);\n}\n\nconst value = ";
            fs.writeFileSync(file, text + "\n");
            const engine = await ContextEngine.create({maxFileSizeKb: 512, exclude: []});
            await engine.indexFolders([root]);
            const shapes = await TreeShapes.create();
            const model = (await client.status()).model!;
            const results: GenerationResult[] = [];
            const completer = new Completer(runtimeBackend({
                model: () => model, promptStyle: () => style,
                complete: (params, options) => client.complete(params, options),
                context: async (doc) => (await engine.contextForCursor({path: doc.path, text: doc.text, line: 6, column: 14, budgetTokens: 512})).snippets.map((s) => `// ${s.label}\n${s.text}`).join("\n"),
                shape: (doc) => shapes.shapeAt(doc.path, doc.languageId, doc.text, doc.offset),
                multiline: () => true,
                onResult: (result) => results.push(result)
            }), {debounce: {minMs: 0, maxMs: 0}, maxTokens: 16, softDeadlineMs: 30_000, hardDeadlineMs: 60_000});
            const doc = (typed: string): CompletionDocument => ({path: file, displayPath: "main.ts", languageId: "typescript", text: text + typed + "\n", offset: text.length + typed.length, indentUnit: "    "});
            const live = () => new AbortController().signal;
            try {
                const shown = await completer.provide(doc(""), {at: 1, explicit: true}, live());
                assert.equal(completer.counters.requests, 1);
                if (shown !== undefined && shown.length > 1) {
                    // Typing the suggestion's first character shows its rest with no new request.
                    const rest = await completer.provide(doc(shown[0]), {at: 2000, explicit: false, typed: shown[0]}, live());
                    assert.equal(rest, shown.slice(1));
                    assert.equal(completer.counters.requests, 1);
                }
                // A keystroke that does not fit supersedes the request in flight, through to the runtime.
                const slow = completer.provide(doc("zz"), {at: 4000, explicit: true}, live());
                await new Promise((r) => setTimeout(r, 5));
                const fresh = completer.provide(doc("qq"), {at: 4001, explicit: true}, live());
                assert.equal(await slow, undefined);
                await fresh;
                assert.ok(completer.counters.cancelled >= 1, JSON.stringify(completer.counters));
                assert.ok(results.every((r) => r.stats.promptTokens > 0));
            } finally {
                completer.dispose();
                fs.rmSync(root, {recursive: true, force: true});
            }
        });
    }
});

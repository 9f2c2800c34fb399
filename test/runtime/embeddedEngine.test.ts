// The embedded engine on the generated models, with real llama.cpp inference: model facts from the GGUF, FIM
// and Gemma 4 chat prompts, KV prefix reuse, stop tokens and strings, cancellation, the two sequences, errors.
// What supersedes what is the host scheduler's: test/unit/runtime/scheduler.test.ts, test/runtime/scheduling.test.ts.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {LlamaModel, Token} from "node-llama-cpp";
import {RuntimeError, type GenerationResult, type LoadParams} from "../../src/runtime/protocol";
import {createEmbeddedEngine} from "../../src/runtime/host/engines/embedded";
import type {Engine, GenerationControl} from "../../src/runtime/host/engines/types";
import {buildCompletionPrompt} from "../../src/runtime/host/engines/fimPrompt";
import {ChatFormatter} from "../../src/runtime/host/engines/chatPrompt";
import {loadNodeLlamaCpp} from "../../src/runtime/host/engines/nodeLlamaCpp";
import {sharedLlama} from "../../src/runtime/host/engines/llamaInstance";
import {generate} from "../../src/runtime/host/generate";
import {ensureTestModels, expectedGreedy, testModelEntry, testModelPath} from "../support/testModels";

const logs: {level: string, message: string}[] = [];
const log = (level: "info" | "warn" | "error", message: string) => { logs.push({level, message}); };

function params(overrides: Partial<LoadParams> = {}): LoadParams {
    return {
        engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8,
        contextSize: 0, gpu: "off", threads: 0, ...overrides
    };
}

function control(onText: (text: string) => void = () => {}, signal = new AbortController().signal): GenerationControl {
    return {signal, onText};
}

describe("embedded engine", function () {
    let engine: Engine;
    let model: LlamaModel;

    before(async function () {
        ensureTestModels();
        engine = await createEmbeddedEngine(params(), log);
        const llama = await sharedLlama("off");
        model = await llama.loadModel({modelPath: testModelPath("gemma4-target"), gpuLayers: 0});
    });

    after(async function () {
        await engine?.dispose();
        await model?.dispose();
    });

    it("takes the model facts from the GGUF", function () {
        const entry = testModelEntry("gemma4-target");
        assert.equal(engine.info.engine, "embedded");
        assert.equal(engine.info.architecture, "gemma4");
        assert.equal(engine.info.vocabSize, entry.vocabSize);
        assert.equal(engine.info.trainContextSize, entry.contextLength);
        assert.ok(engine.info.contextSize >= 2048 && engine.info.contextSize <= entry.contextLength);
        assert.equal(engine.info.hasFim, false, "real Gemma 4 has no FIM tokens");
        assert.equal(engine.info.chatWrapper, "Gemma 4");
        assert.equal(engine.info.drafter, "none");
    });

    it("wraps completions in the model's own FIM tokens, prefix-suffix-middle (llama-target: Gemma 4 has none)", async function () {
        const fim = ensureTestModels().vocabs.llama.specialTokens.fim!;
        const llamaModel = await (await sharedLlama("off")).loadModel({modelPath: testModelPath("llama-target"), gpuLayers: 0});
        const fimEngine = await createEmbeddedEngine(params({modelPath: testModelPath("llama-target")}), log);
        try {
            assert.equal(fimEngine.info.hasFim, true);
            const tokens = buildCompletionPrompt(llamaModel, {context: "// a.ts\n", prefix: "const x = ", suffix: ";\n"}, 4096);
            const prefixAt = tokens.indexOf(fim.prefix as Token), suffixAt = tokens.indexOf(fim.suffix as Token);
            assert.ok(prefixAt >= 0 && prefixAt <= 1, "FIM prefix token first (after BOS)");
            assert.ok(suffixAt > prefixAt);
            assert.equal(tokens.at(-1), fim.middle);
            assert.equal(llamaModel.detokenize(tokens.slice(prefixAt + 1, suffixAt)), "// a.ts\nconst x = ");
            assert.equal(llamaModel.detokenize(tokens.slice(suffixAt + 1, -1)), ";\n");
            // The engine's real prompt ends in the FIM middle token: its first token is that token's successor.
            const result = await fimEngine.complete({context: "// a.ts\n", prefix: "const x = ", suffix: ";\n", maxTokens: 8, stop: []}, control());
            assert.deepEqual(llamaModel.tokenize(result.text, false).slice(0, 3), expectedGreedy(testModelEntry("llama-target"), fim.middle, 3));
        } finally {
            await fimEngine.dispose();
            await llamaModel.dispose();
        }
        // Without FIM tokens the prompt is the text before the cursor, continued as plain text.
        const plain = buildCompletionPrompt(model, {context: "// a.ts\n", prefix: "const x = ", suffix: ";\n"}, 4096);
        assert.equal(model.detokenize(plain), "// a.ts\nconst x = ");
    });

    it("reuses the KV cache for the shared prefix: one more keystroke evaluates only the new tokens", async function () {
        const base = {context: fs.readFileSync(path.resolve("src/runtime/protocol.ts"), "utf8").slice(0, 3000), suffix: "", maxTokens: 8, stop: []};
        const first = await engine.complete({...base, prefix: "export const a = "}, control());
        const second = await engine.complete({...base, prefix: "export const a = 1"}, control());
        assert.ok(first.stats.promptTokens > 500, `prompt of ${first.stats.promptTokens} tokens`);
        assert.ok(second.stats.reusedPromptTokens >= first.stats.promptTokens - 3,
            `reused ${second.stats.reusedPromptTokens} of the previous ${first.stats.promptTokens} prompt tokens`);
        assert.ok(second.stats.promptTokens - second.stats.reusedPromptTokens <= 4,
            `evaluated ${second.stats.promptTokens - second.stats.reusedPromptTokens} new tokens`);
        const same = await engine.complete({...base, prefix: "export const a = 1"}, control());
        assert.equal(same.stats.reusedPromptTokens, same.stats.promptTokens - 1);
        assert.equal(same.text, second.text);
        // With a suffix (PSM order) the prefix before the edit is still reused.
        const withSuffix = await engine.complete({...base, prefix: "export const a = 12", suffix: "\nexport const b = 2;\n"}, control());
        assert.ok(withSuffix.stats.reusedPromptTokens >= first.stats.promptTokens - 4);
    });

    it("renders chat in Gemma 4's format, reasoning off unless asked, with end-of-turn as a stop token", async function () {
        const lib = await loadNodeLlamaCpp();
        const formatter = new ChatFormatter(lib, model);
        const messages = [{role: "system" as const, content: "Be brief."}, {role: "user" as const, content: "hi"}];
        const off = formatter.render(messages, false);
        assert.equal(model.detokenize(off.tokens, true), "<bos><|turn>system\nBe brief.<turn|>\n<|turn>user\nhi<turn|>\n<|turn>model\n");
        const on = formatter.render(messages, true);
        assert.ok(model.detokenize(on.tokens, true).includes("<|think|>"));
        const special = ensureTestModels().vocabs.gemma4.specialTokens;
        assert.ok(off.stopTokens.has(special.turnEnd as Token), "end of turn stops generation");
        assert.ok(off.stopTokens.has(special.eos as Token), "EOS stops generation");
        const result = await engine.chat({messages, maxTokens: 12, reasoning: false}, control());
        assert.deepEqual(model.tokenize(result.text, false).slice(0, 4), expectedGreedy(testModelEntry("gemma4-target"), off.tokens.at(-1)!, 4));
    });

    it("ends before a stop token and never emits it", async function () {
        // A token of the greedy chain (before its own end-of-turn) plays the stop token's part.
        const context = await model.createContext({contextSize: 2048, threads: 1});
        try {
            const prompt = model.tokenize("export function createTokenizer(model) {", false);
            const chain = expectedGreedy(testModelEntry("gemma4-target"), prompt.at(-1)!, 8) as Token[];
            const stop = chain[5];
            const expectedLength = chain.indexOf(stop);
            let streamed = "";
            const result = await generate({sequence: context.getSequence(), promptTokens: prompt, maxTokens: 50, stopTokens: new Set([stop]),
                signal: new AbortController().signal, onText: (text) => { streamed += text; }});
            assert.equal(result.stopReason, "eos");
            assert.deepEqual(result.tokens, chain.slice(0, expectedLength));
            assert.equal(streamed, result.text);
            assert.equal(result.text, model.detokenize(chain.slice(0, expectedLength)));
        } finally {
            await context.dispose();
        }
    });

    it("ends before a stop string, never streaming any part of it", async function () {
        const prefix = "export function createTokenizer(model) {";
        const whole = await engine.complete({context: "", prefix, suffix: "", maxTokens: 24, stop: []}, control());
        // A stop string whose first occurrence is past the start of the answer.
        let at = 4;
        while (at < whole.text.length - 4 && whole.text.indexOf(whole.text.slice(at, at + 4)) !== at) at++;
        const stop = whole.text.slice(at, at + 4);
        assert.ok(stop.length === 4 && whole.text.indexOf(stop) === at, `no usable stop string in ${JSON.stringify(whole.text)}`);
        let streamed = "";
        const cut = await engine.complete({context: "", prefix, suffix: "", maxTokens: 24, stop: [stop]}, control((text) => { streamed += text; }));
        assert.equal(cut.stopReason, "stopString");
        assert.equal(cut.text, whole.text.slice(0, at));
        assert.equal(streamed, cut.text);
    });

    it("stops within one decode step of a cancel and leaves the sequence usable", async function () {
        const messages = [{role: "user" as const, content: "Write a long answer."}];
        const reference = await engine.chat({messages, maxTokens: 40, reasoning: false}, control());
        const abort = new AbortController();
        const cancelled = await engine.chat({messages, maxTokens: 4000, reasoning: false}, control(() => abort.abort(), abort.signal));
        assert.equal(cancelled.stopReason, "cancelled");
        assert.ok(cancelled.stats.generatedTokens <= 2, `generated ${cancelled.stats.generatedTokens} tokens after the cancel`);
        const again = await engine.chat({messages, maxTokens: 40, reasoning: false}, control());
        assert.equal(again.text, reference.text);
        assert.equal(again.stats.reusedPromptTokens, again.stats.promptTokens - 1);
    });

    it("stops a speculative generation within one verify step of a cancel", async function () {
        const speculative = await createEmbeddedEngine(params({drafterMode: "promptLookup"}), log);
        try {
            const abort = new AbortController();
            let seen = 0;
            const result = await speculative.chat({messages: [{role: "user", content: "hi"}], maxTokens: 4000, reasoning: false},
                control(() => { if (++seen === 20) abort.abort(); }, abort.signal));
            assert.equal(result.stopReason, "cancelled");
            const tokensAtCancel = model.tokenize(result.text, false).length;
            assert.ok(result.stats.generatedTokens <= tokensAtCancel + 8 + 2, `${result.stats.generatedTokens} tokens, ${tokensAtCancel} streamed`);
        } finally {
            await speculative.dispose();
        }
    });

    it("finishes a completion while a long chat answer is being generated on the other sequence", async function () {
        const abort = new AbortController();
        let chatChunks = 0;
        let chatDone = false;
        let firstChunk!: () => void;
        const started = new Promise<void>((resolve) => { firstChunk = resolve; });
        const chat = engine.chat({messages: [{role: "user", content: "Explain everything."}], maxTokens: 6000, reasoning: false},
            control(() => { if (++chatChunks === 1) firstChunk(); }, abort.signal)).finally(() => { chatDone = true; });
        await started;
        const completion = await engine.complete({context: "", prefix: "const tokens = model.", suffix: "", maxTokens: 16, stop: []}, control());
        assert.equal(completion.stats.generatedTokens, 16);
        assert.equal(chatDone, false, "the chat answer ended before the completion: the test proves nothing");
        abort.abort();
        const chatResult: GenerationResult = await chat;
        assert.equal(chatResult.stopReason, "cancelled");
        assert.ok(chatResult.stats.generatedTokens > 16);
    });

    it("counts tokens with the model's own tokenizer", async function () {
        const seed = ensureTestModels().seed;
        const [count, empty] = await engine.tokenCount([seed.prompt, ""]);
        assert.equal(count, seed.byVocab.gemma4.promptTokens.length);
        assert.equal(empty, 0);
    });

    it("keeps totals for the status", function () {
        const status = engine.status();
        assert.equal(status.model, engine.info);
        assert.ok(status.totals.requests >= 8);
        assert.ok(status.totals.generatedTokens > 0 && status.totals.decodeMs > 0);
    });

    it("refuses a prompt that cannot fit in the context", async function () {
        const huge = "word ".repeat(engine.info.contextSize * 2);
        await assert.rejects(engine.chat({messages: [{role: "user", content: huge}], maxTokens: 16, reasoning: false}, control()),
            (error: unknown) => error instanceof RuntimeError && error.code === "invalidRequest");
    });
});

describe("embedded engine loading", function () {
    before(function () { ensureTestModels(); });

    it("drafts with a same-vocabulary draft model and reports it", async function () {
        const engine = await createEmbeddedEngine(params({drafterMode: "auto", drafterPath: testModelPath("gemma4-draft")}), log);
        try {
            assert.equal(engine.info.drafter, "draftModel");
            assert.equal(engine.info.drafterPath, testModelPath("gemma4-draft"));
            const result = await engine.complete({context: "", prefix: "export function createTokenizer(model) {", suffix: "", maxTokens: 64, stop: []}, control());
            assert.equal(result.stats.drafter, "draftModel");
            assert.ok(result.stats.draftedTokens > 0);
        } finally {
            await engine.dispose();
        }
    });

    it("never loads a draft model of another vocabulary: validate.ts's verdict refuses it first", async function () {
        const mismatched = params({modelPath: testModelPath("llama-target"), drafterMode: "auto", drafterPath: testModelPath("gemma4-draft")});
        await assert.rejects(createEmbeddedEngine(mismatched, log), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && error.path === testModelPath("gemma4-draft") && /vocabulary does not match/.test(error.message));
    });

    it("stops the requests in flight when disposed", async function () {
        const engine = await createEmbeddedEngine(params(), log);
        let firstChunk!: () => void;
        const started = new Promise<void>((resolve) => { firstChunk = resolve; });
        const chat = engine.chat({messages: [{role: "user", content: "Explain everything."}], maxTokens: 6000, reasoning: false}, control(() => firstChunk()));
        await started;
        await engine.dispose();
        const result = await chat;
        assert.equal(result.stopReason, "cancelled");
        assert.ok(result.stats.generatedTokens < 6000);
    });

    it("stops a load when its signal aborts, answering cancelled rather than a bad model", async function () {
        await sharedLlama("off");
        for (const afterMs of [0, 10, 50]) {
            const abort = new AbortController();
            const loading = createEmbeddedEngine(params({drafterMode: "draftModel", drafterPath: testModelPath("gemma4-draft")}), log, abort.signal);
            setTimeout(() => abort.abort(new RuntimeError("cancelled", "superseded")), afterMs);
            const outcome = await loading.then(async (engine) => { await engine.dispose(); return "loaded"; },
                (error: unknown) => error instanceof RuntimeError ? error.code : String(error));
            assert.equal(outcome, "cancelled", `aborted after ${afterMs} ms`);
        }
        // What the cancelled loads had started is gone: the next load works as ever.
        const engine = await createEmbeddedEngine(params(), log, new AbortController().signal);
        try {
            assert.equal((await engine.complete({context: "", prefix: "const a = ", suffix: "", maxTokens: 4, stop: []}, control())).stats.generatedTokens, 4);
        } finally {
            await engine.dispose();
        }
    });

    it("reports a missing or broken model file as badModel, naming the file", async function () {
        const missing = path.join(os.tmpdir(), "hearth-no-such-model.gguf");
        await assert.rejects(createEmbeddedEngine(params({modelPath: missing}), log),
            (error: unknown) => error instanceof RuntimeError && error.code === "badModel" && error.path === missing);
        const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-")), "broken.gguf");
        fs.writeFileSync(broken, "not a gguf file at all");
        await assert.rejects(createEmbeddedEngine(params({modelPath: broken}), log),
            (error: unknown) => error instanceof RuntimeError && error.code === "badModel" && error.path === broken);
    });
});

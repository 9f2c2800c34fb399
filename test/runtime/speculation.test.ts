// Speculative decoding on real llama.cpp inference: every drafter's output equals plain greedy decoding token
// for token, acceptance is counted, and the draft length adapts to what it sees.
import assert from "node:assert/strict";
import type {LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {generate, type GenerationOutput} from "../../src/runtime/host/generate";
import {DraftLengthController, type Drafter} from "../../src/runtime/host/speculation";
import {PromptLookupDrafter} from "../../src/runtime/host/drafters/promptLookup";
import {DraftModelDrafter} from "../../src/runtime/host/drafters/draftModel";
import {TextStream} from "../../src/runtime/host/textStream";
import {ReasoningSplitter} from "../../src/runtime/reasoning";
import {sharedLlama} from "../../src/runtime/host/engines/llamaInstance";
import {ensureTestModels, expectedGreedy, testModelEntry, testModelPath} from "../support/testModels";

/** Wraps a drafter and keeps every proposal with the history it was made for. */
class RecordingDrafter implements Drafter {
    readonly proposals: {history: Token[], draft: Token[]}[] = [];
    constructor(private readonly inner: Drafter) {}
    get kind() { return this.inner.kind; }
    async propose(history: readonly Token[], max: number): Promise<Token[]> {
        const draft = await this.inner.propose(history, max);
        if (draft.length > 0) this.proposals.push({history: history.slice(), draft});
        return draft;
    }
}

/** Always proposes a token the target never picks next, so every draft is rejected at its first position. */
class WrongDrafter implements Drafter {
    readonly kind = "promptLookup" as const;
    constructor(private readonly vocabSize: number) {}
    async propose(history: readonly Token[], max: number): Promise<Token[]> {
        // The target's next token is unknown here; a fixed odd id far from the text is wrong almost always,
        // and whenever it happens to be right the output must still be identical.
        const wrong = ((history.at(-1)! * 7919 + 13) % (this.vocabSize - 10)) + 10;
        return Array.from({length: max}, () => wrong as Token);
    }
}

describe("speculative decoding", function () {
    let target: LlamaModel, draft: LlamaModel;
    let targetContext: LlamaContext, draftContext: LlamaContext;
    let sequence: LlamaContextSequence, draftSequence: LlamaContextSequence;

    before(async function () {
        ensureTestModels();
        const llama = await sharedLlama("off");
        target = await llama.loadModel({modelPath: testModelPath("llama-target"), gpuLayers: 0});
        draft = await llama.loadModel({modelPath: testModelPath("llama-draft"), gpuLayers: 0});
        targetContext = await target.createContext({sequences: 1, contextSize: 4096, threads: 1});
        draftContext = await draft.createContext({sequences: 1, contextSize: 4096, threads: 1});
        sequence = targetContext.getSequence();
        draftSequence = draftContext.getSequence();
    });

    after(async function () {
        await draftContext?.dispose();
        await targetContext?.dispose();
        await draft?.dispose();
        await target?.dispose();
    });

    const prompts = [
        "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n\ndef mul(a, b):\n",
        "The quick brown fox jumps over the lazy dog. The quick brown",
        "import fs from \"node:fs\";\nconst text = fs.readFileSync(",
        "x"
    ];

    async function run(prompt: string, speculation?: {drafter: Drafter, controller: DraftLengthController}, maxTokens = 96): Promise<GenerationOutput> {
        await sequence.clearHistory();
        const promptTokens = target.tokenize(prompt, false);
        return generate({sequence, promptTokens, maxTokens, signal: new AbortController().signal, onText: () => {}, ...(speculation ? {speculation} : {})});
    }

    it("prompt lookup gives the plain greedy tokens, and counts what it drafted and what was accepted", async function () {
        let drafted = 0, accepted = 0;
        for (const prompt of prompts) {
            const plain = await run(prompt);
            const speculative = await run(prompt, {drafter: new PromptLookupDrafter(), controller: new DraftLengthController(8)});
            assert.deepEqual(speculative.tokens, plain.tokens, `prompt ${JSON.stringify(prompt)}`);
            assert.equal(speculative.text, plain.text);
            assert.equal(speculative.stats.drafter, "promptLookup");
            assert.ok(speculative.stats.acceptedTokens <= speculative.stats.draftedTokens);
            drafted += speculative.stats.draftedTokens;
            accepted += speculative.stats.acceptedTokens;
        }
        assert.ok(drafted > 0, "prompt lookup never drafted");
        assert.ok(accepted > 0, "prompt lookup never had a draft accepted");
    });

    it("a draft model gives the plain greedy tokens, and rolls its own KV cache back on rejection", async function () {
        for (const prompt of prompts) {
            const plain = await run(prompt);
            const speculative = await run(prompt, {drafter: new DraftModelDrafter(draftSequence, 5), controller: new DraftLengthController(6)});
            assert.deepEqual(speculative.tokens, plain.tokens, `prompt ${JSON.stringify(prompt)}`);
            assert.equal(speculative.stats.drafter, "draftModel");
            assert.ok(speculative.stats.draftedTokens > 0);
            // The draft sequence holds the target's history plus at most its last (partly rejected) draft.
            const history = target.tokenize(prompt, false).concat(speculative.tokens);
            const held = draftSequence.contextTokens;
            const shared = held.findIndex((token, i) => token !== history[i]);
            assert.ok(shared === -1 || shared >= history.length - 7 - speculative.tokens.length, "draft KV diverged from the history");
        }
    });

    it("plain decoding is the target's greedy chain from its successor table", async function () {
        const entry = testModelEntry("llama-target");
        for (const prompt of prompts) {
            const plain = await run(prompt);
            const last = target.tokenize(prompt, false).at(-1)!;
            // The chain ends early only at an end-of-generation token.
            assert.deepEqual(plain.tokens, expectedGreedy(entry, last, plain.tokens.length), `prompt ${JSON.stringify(prompt)}`);
        }
    });

    it("the draft model drafts its own greedy chain, and accepted counts match the successor tables exactly", async function () {
        const targetEntry = testModelEntry("llama-target");
        const draftEntry = testModelEntry("llama-draft");
        assert.equal(draftEntry.draftFor, "llama-target");
        let drafted = 0, accepted = 0, expectedAccepted = 0;
        for (const prompt of [...prompts, "export function createTokenizer(model) {\n    const tokens = model.tokenize("]) {
            const drafter = new RecordingDrafter(new DraftModelDrafter(draftSequence, 5));
            const result = await run(prompt, {drafter, controller: new DraftLengthController(6)});
            drafted += result.stats.draftedTokens;
            accepted += result.stats.acceptedTokens;
            for (const {history, draft: proposal} of drafter.proposals) {
                const last = history.at(-1)!;
                assert.deepEqual(proposal, expectedGreedy(draftEntry, last, proposal.length).slice(0, proposal.length));
                const truth = expectedGreedy(targetEntry, last, proposal.length);
                let agree = 0;
                while (agree < proposal.length && proposal[agree] === truth[agree]) agree++;
                expectedAccepted += agree;
            }
            assert.equal(result.stats.draftedTokens, drafter.proposals.reduce((n, p) => n + p.draft.length, 0));
        }
        // Stop conditions can end a request inside an accepted run; counted acceptance is then the same anyway,
        // since acceptance is counted at verification.
        assert.equal(accepted, expectedAccepted);
        const share = testModelEntry("llama-draft").expectedAgreement!.designShare;
        console.log(`      draft model: ${accepted}/${drafted} drafted tokens accepted (${(100 * accepted / drafted).toFixed(0)}%); designed per-position agreement ${(100 * share).toFixed(0)}%`);
        assert.ok(accepted > 0 && accepted < drafted);
    });

    it("a drafter that is always wrong changes nothing in the output, and speculation backs off", async function () {
        const vocabSize = target.fileInfo.metadata.tokenizer.ggml.tokens.length;
        for (const prompt of prompts) {
            const plain = await run(prompt, undefined, 128);
            const controller = new DraftLengthController(8);
            const speculative = await run(prompt, {drafter: new WrongDrafter(vocabSize), controller}, 128);
            assert.deepEqual(speculative.tokens, plain.tokens, `prompt ${JSON.stringify(prompt)}`);
            // Drafting every step at full length would draft ~8 tokens per generated token.
            assert.ok(speculative.stats.draftedTokens < speculative.stats.generatedTokens,
                `drafted ${speculative.stats.draftedTokens} tokens for ${speculative.stats.generatedTokens} generated`);
            assert.ok(controller.acceptance < 0.5);
        }
    });

    it("a request leaves the KV cache holding its prompt and output, ready for reuse", async function () {
        const prompt = prompts[0];
        const first = await run(prompt, {drafter: new PromptLookupDrafter(), controller: new DraftLengthController(8)});
        const promptTokens = target.tokenize(prompt, false);
        const expected = promptTokens.concat(first.tokens.slice(0, -1));
        assert.deepEqual(sequence.contextTokens.slice(0, expected.length), expected);
        assert.ok(sequence.contextTokens.length <= expected.length + 1);
    });
});

describe("draft length controller", function () {
    it("drafts long when drafts are accepted and verifying is cheap", function () {
        const controller = new DraftLengthController(8);
        controller.recordPlain(10);
        for (let i = 0; i < 20; i++) {
            const k = controller.next(100);
            if (k === 0) controller.recordPlain(10);
            else controller.recordSpeculative(k, k, 10 + k * 1);
        }
        assert.equal(controller.next(100), 8);
        assert.ok(controller.acceptance > 0.9);
    });

    it("falls back to plain decoding when drafts are rejected, and probes again later", function () {
        const controller = new DraftLengthController(8);
        controller.recordPlain(10);
        const lengths: number[] = [];
        for (let i = 0; i < 200; i++) {
            const k = controller.next(100);
            lengths.push(k);
            if (k === 0) controller.recordPlain(10);
            else controller.recordSpeculative(k, 0, 10 + k * 5);
        }
        const speculative = lengths.filter((k) => k > 0).length;
        assert.ok(speculative > 0 && speculative < 20, `speculated in ${speculative} of 200 steps`);
        const firstPlainRun = lengths.findIndex((k, i) => i > 0 && k === 0 && lengths[i - 1] > 0);
        assert.ok(lengths.slice(firstPlainRun + 8).some((k) => k > 0), "never probed again after backing off");
    });

    it("never drafts past the tokens left", function () {
        const controller = new DraftLengthController(8);
        controller.recordPlain(10);
        assert.ok(controller.next(3) <= 3);
        assert.equal(controller.next(0), 0);
    });
});

describe("prompt lookup drafter", function () {
    it("proposes what followed the latest occurrence of the longest matching n-gram", async function () {
        const drafter = new PromptLookupDrafter(3, 1);
        const history = [1, 2, 3, 4, 5, 9, 2, 3, 7, 8, 1, 2, 3] as Token[];
        // "1 2 3" last occurred at 0..2, followed by 4 5 9; the 2-gram "2 3" occurred later (at 6..7) but is shorter.
        assert.deepEqual(await drafter.propose(history, 3), [4, 5, 9]);
        assert.deepEqual(await drafter.propose([...history, 4, 5, 9] as Token[], 2), [2, 3]);
        assert.deepEqual(await drafter.propose([5, 6] as Token[], 4), []);
    });
});

describe("text stream", function () {
    const pieces = new Map<number, string>([[1, "he"], [2, "llo"], [3, " wor"], [4, "ld"], [5, "\n\n"], [6, "END"]]);
    const detokenize = ((tokens: readonly Token[]) => tokens.map((t) => pieces.get(t) ?? "").join("")) as never;

    it("holds back text that may start a stop string and never emits the stop string", function () {
        const chunks: string[] = [];
        const stream = new TextStream(detokenize, ["\n\nEND"], (text) => chunks.push(text));
        for (const token of [1, 2, 3, 4, 5]) assert.equal(stream.push([token as Token]), false);
        assert.equal(chunks.join(""), "hello world");
        assert.equal(stream.push([6 as Token]), true);
        assert.equal(chunks.join(""), "hello world");
        assert.equal(stream.text, "hello world");
    });

    it("never splits a UTF-8 character across chunks", function () {
        const bytes = Buffer.from("é", "utf8");
        const byteDetokenize = ((tokens: readonly Token[]) => Buffer.from(tokens.map((t) => t === 100 ? bytes[0] : t === 101 ? bytes[1] : 0x61)).toString("utf8")) as never;
        const chunks: string[] = [];
        const stream = new TextStream(byteDetokenize, [], (text) => chunks.push(text));
        stream.push([97 as Token]);
        stream.push([100 as Token]);
        stream.push([101 as Token]);
        stream.flush();
        assert.deepEqual(chunks, ["a", "é"]);
    });
});

describe("text stream on the real Gemma 4 vocabulary", function () {
    this.timeout(120_000);
    let model: LlamaModel;
    before(async function () {
        ensureTestModels();
        model = await (await sharedLlama("off")).loadModel({modelPath: testModelPath("gemma4-draft"), gpuLayers: 0, vocabOnly: true});
    });
    after(async () => { await model?.dispose(); });

    it("streams the thought channel's tokens as their text, so the client can split the reasoning off", function () {
        const text = "<|channel>thought\nCheck the loop.<channel|>Use a map.";
        const tokens = model.tokenize(text, true);
        assert.deepEqual(["<|channel>", "<channel|>"].map((marker) => model.tokenize(marker, true).length), [1, 1], "the markers are tokens of Gemma 4's own");
        const rendered = (special: boolean) => {
            const chunks: string[] = [];
            const stream = new TextStream(model.detokenize.bind(model), [], (t) => chunks.push(t), [], special);
            for (const token of tokens) stream.push([token]);
            stream.flush();
            return chunks.join("");
        };
        assert.equal(rendered(true), text);
        const splitter = new ReasoningSplitter();
        const first = splitter.push(rendered(true));
        const rest = splitter.flush();
        assert.deepEqual({answer: first.answer + rest.answer, reasoning: first.reasoning + rest.reasoning}, {answer: "Use a map.", reasoning: "Check the loop."});
    });
});

// The generated test models under real llama.cpp (node-llama-cpp, CPU): they load, decode greedily exactly as
// the corpus bigram statistics predict, carry single-token FIM and chat-turn specials, resolve the Gemma 4 chat
// wrapper, and their drafters agree with their targets on the share models.json states.
import assert from "node:assert/strict";
// node-llama-cpp is ESM with top-level await: imported dynamically, since mocha loads this file as CommonJS.
import type {Llama, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {countBigrams, targetTable} from "../../scripts/testModels/bigrams";
import {loadCorpus} from "../../scripts/testModels/corpus";
import {REPO_ROOT} from "../../scripts/testModels/generate";
import {BpeEncoder} from "../../scripts/testModels/tokenizer";
import {bannedTokens, buildFamilyVocab, FAMILY_TOKENS, VOCAB_SIZE} from "../../scripts/testModels/vocabularies";
import fs from "node:fs";
import {fromHalf} from "../../scripts/testModels/tensorData";
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import {readModelFacts} from "../../src/runtime/models/gguf/modelFacts";
import {readGgufHeaderFromFile} from "../../src/runtime/models/gguf/reader";
import {ensureTestModels, expectedGreedy, MODEL_NAMES, testModelPath, type ModelName, type TestModelsManifest} from "../support/testModels";

const RUNNABLE: ModelName[] = ["llama-target", "llama-draft", "gemma4-target", "gemma4-draft"];
const PAIRS: [draft: ModelName, target: ModelName][] = [["llama-draft", "llama-target"], ["gemma4-draft", "gemma4-target"]];

describe("generated test models", function () {
    let manifest: TestModelsManifest;
    let llama: Llama;
    let nlc: typeof import("node-llama-cpp");
    const models = new Map<ModelName, LlamaModel>();

    async function model(name: ModelName): Promise<LlamaModel> {
        let loaded = models.get(name);
        if (loaded === undefined) models.set(name, loaded = await llama.loadModel({modelPath: testModelPath(name)}));
        return loaded;
    }

    async function withSequence<T>(name: ModelName, use: (sequence: LlamaContextSequence, m: LlamaModel) => Promise<T>): Promise<T> {
        const m = await model(name);
        const context = await m.createContext({contextSize: 512, threads: 1});
        try {
            return await use(context.getSequence(), m);
        } finally {
            await context.dispose();
        }
    }

    /** Teacher-forced: the model's greedy next token after each prefix of `tokens` (BOS first). */
    async function nextTokens(name: ModelName, tokens: readonly Token[]): Promise<number[]> {
        return withSequence(name, async (sequence, m) => {
            const input = [m.tokens.bos!, ...tokens].map((token, i) => (i === 0 ? token : [token, {generateNext: {token: true, options: {temperature: 0}}}] as const));
            const results = await sequence.controlledEvaluate(input as Parameters<LlamaContextSequence["controlledEvaluate"]>[0]);
            return tokens.map((_, i) => {
                const next = results[i + 1]?.next.token;
                assert.ok(typeof next === "number", `${name}: no next token at position ${i + 1}`);
                return next;
            });
        });
    }

    before(async function () {
        manifest = ensureTestModels();
        nlc = await import("node-llama-cpp");
        llama = await nlc.getLlama({gpu: false, logLevel: nlc.LlamaLogLevel.error});
    });

    after(async () => {
        for (const m of models.values()) await m.dispose();
        await llama?.dispose();
    });

    it("states successor tables that the corpus bigram statistics reproduce", () => {
        const corpus = loadCorpus(REPO_ROOT);
        assert.equal(corpus.sha256, manifest.corpus.sha256);
        const text = corpus.documents.map((d) => d.text).join("\n");
        for (const [family, target] of [["llama", "llama-target"], ["gemma4", "gemma4-target"]] as const) {
            const vocab = buildFamilyVocab(family, text);
            const encoder = new BpeEncoder(vocab);
            const stats = countBigrams(corpus.documents.map((d) => encoder.encode(d.text)), VOCAB_SIZE);
            const table = targetTable(stats, {margin: 0.75, banned: bannedTokens(vocab), floor: -30});
            assert.deepEqual([...table.successor], manifest.models[target].successor, `${target} successors`);
            // The most frequent follower of each frequent token is what the model must say next.
            const frequent = [...stats.rowTotals.keys()].filter((t) => stats.rowTotals[t] >= 50);
            assert.ok(frequent.length > 50);
            for (const t of frequent) {
                const row = stats.counts.subarray(t * VOCAB_SIZE, (t + 1) * VOCAB_SIZE);
                assert.equal(row[table.successor[t]], Math.max(...row), `token ${t}`);
            }
        }
    });

    it("have headers our GGUF reader understands, matching models.json", () => {
        for (const name of MODEL_NAMES) {
            const entry = manifest.models[name];
            const facts = readModelFacts(testModelPath(name));
            const vocab = manifest.vocabs[entry.vocab];
            assert.equal(facts.architecture, entry.architecture, name);
            assert.equal(facts.vocabSize, entry.vocabSize, name);
            assert.equal(facts.vocabFingerprint, vocab.fingerprint, name);
            assert.equal(facts.parameterCount, entry.parameters, name);
            assert.equal(facts.fileSize, entry.bytes, name);
            assert.equal(facts.truncated, false, name);
            assert.equal(facts.isMtpDrafter, name === "gemma4-assistant", name);
            assert.equal(facts.hasChatTemplate, true, name);
            assert.deepEqual(facts.fimTokens, vocab.specialTokens.fim, name);
        }
        assert.notEqual(manifest.vocabs.llama.fingerprint, manifest.vocabs.gemma4.fingerprint);
        assert.equal(readModelFacts(testModelPath("gemma4-assistant")).mtpTargetEmbeddingLength, manifest.models["gemma4-target"].embeddingLength);
    });

    for (const name of RUNNABLE) {
        it(`${name}: tokenizes the seed prompt as predicted and decodes greedily along the bigram successors`, async () => {
            const entry = manifest.models[name];
            const seed = manifest.seed.byVocab[entry.vocab];
            const m = await model(name);
            assert.deepEqual(m.tokenize(manifest.seed.prompt), seed.promptTokens, "prompt tokens");
            assert.equal(m.detokenize(seed.promptTokens as Token[]), manifest.seed.prompt, "prompt round trip");
            const generated = await withSequence(name, async (sequence) => {
                const out: number[] = [];
                for await (const token of sequence.evaluate([m.tokens.bos!, ...seed.promptTokens as Token[]], {temperature: 0})) {
                    out.push(token);
                    if (out.length === manifest.seed.greedySteps) break;
                }
                return out;
            });
            assert.deepEqual(generated, expectedGreedy(entry, seed.promptTokens.at(-1)!, manifest.seed.greedySteps));
            if (entry.role === "target") assert.equal(m.detokenize(generated as Token[]), seed.greedyText);
        });
    }

    it("tokenize FIM and chat-turn markers as single control tokens, and expose them as infill tokens", async () => {
        for (const name of ["llama-target", "gemma4-target"] as const) {
            const family = manifest.models[name].vocab;
            const ids = manifest.vocabs[family].specialTokens;
            const texts = FAMILY_TOKENS[family];
            const m = await model(name);
            const single = (text: string) => m.tokenize(text, true);
            for (const [role, text] of Object.entries(texts.fim)) assert.deepEqual(single(text), [ids.fim[role as keyof typeof ids.fim]], `${name} ${text}`);
            assert.deepEqual(single(texts.turnStart), [ids.turnStart]);
            assert.deepEqual(single(texts.turnEnd), [ids.turnEnd]);
            assert.notDeepEqual(m.tokenize(texts.turnStart, false), [ids.turnStart], "as plain text it is not the special token");
            assert.equal(m.tokens.infill.prefix, ids.fim.prefix);
            assert.equal(m.tokens.infill.suffix, ids.fim.suffix);
            assert.equal(m.tokens.infill.middle, ids.fim.middle);
            assert.equal(m.tokens.bos, ids.bos);
            assert.equal(m.tokens.eos, ids.eos);
            const turn = m.tokenize(`${texts.turnStart}user\nfunction f() {}${texts.turnEnd}`, true);
            assert.equal(turn[0], ids.turnStart);
            assert.equal(turn.at(-1), ids.turnEnd);
        }
    });

    it("resolve node-llama-cpp's Gemma 4 chat wrapper for gemma4-target", async () => {
        const wrapper = nlc.resolveChatWrapper(await model("gemma4-target"));
        assert.ok(wrapper instanceof nlc.Gemma4ChatWrapper, `resolved ${wrapper.constructor.name}`);
    });

    for (const [draft, target] of PAIRS) {
        it(`${draft} agrees with ${target} on the share models.json states`, async () => {
            const expected = manifest.models[draft].expectedAgreement!;
            const family = manifest.models[target].vocab;
            const evaluation = manifest.evaluation.byVocab[family] as Token[];
            const targetNext = await nextTokens(target, evaluation);
            const draftNext = await nextTokens(draft, evaluation);
            assert.deepEqual(targetNext, evaluation.map((t) => manifest.models[target].successor[t]), "target follows its table");
            assert.deepEqual(draftNext, evaluation.map((t) => manifest.models[draft].successor[t]), "draft follows its table");
            const measured = targetNext.filter((t, i) => t === draftNext[i]).length / evaluation.length;
            assert.ok(Math.abs(measured - expected.evaluationShare) < 0.01, `measured ${measured}, stated ${expected.evaluationShare}`);
            assert.ok(Math.abs(measured - expected.designShare) < 0.1, `measured ${measured}, designed ${expected.designShare}`);

            // Along the target's own greedy path (N steps), as a speculative decoder would see it.
            const seed = manifest.seed.byVocab[family];
            const path = [seed.promptTokens.at(-1)!, ...seed.greedyTokens.slice(0, -1)] as Token[];
            const draftOnPath = await nextTokens(draft, [...seed.promptTokens.slice(0, -1), ...path] as Token[]);
            const onPath = draftOnPath.slice(seed.promptTokens.length - 1);
            const greedyShare = onPath.filter((t, i) => t === seed.greedyTokens[i]).length / seed.greedyTokens.length;
            assert.ok(Math.abs(greedyShare - expected.seedGreedyShare) < 1e-9, `greedy path: measured ${greedyShare}, stated ${expected.seedGreedyShare}`);
        });
    }

    // (Creating a context for it alone fails in llama.cpp, "requires ctx_other"; node-llama-cpp then keeps a context
    // attempt alive that blocks the model's dispose, so that refusal is left to the runtime's own GGUF check.)
    it("gemma4-assistant loads in llama.cpp with the target's vocabulary", async () => {
        const assistant = await model("gemma4-assistant");
        const target = await model("gemma4-target");
        assert.equal(assistant.fileInfo.metadata.general.architecture, "gemma4-assistant");
        assert.equal(assistant.tokens.bos, target.tokens.bos);
        assert.deepEqual(assistant.tokenize(manifest.seed.prompt), target.tokenize(manifest.seed.prompt));
    });

    it("gemma4-assistant's weights compute its successor table on llama.cpp's MTP path (reference pass over its tensors)", () => {
        // llama.cpp's gemma4-assistant graph: x = target.token_embd[t]·sqrt(n_tgt); cur = pre_proj·[x; h]; blocks add
        // post-normed attention/FFN outputs (zero here); logits = token_embd·RMSNorm(cur). node-llama-cpp cannot run
        // it (it needs the target's context), so this checks, from the file, that each step of that path holds.
        const target = tensorReader("gemma4-target");
        const assistant = tensorReader("gemma4-assistant");
        const V = manifest.models["gemma4-target"].vocabSize;
        const nTarget = manifest.models["gemma4-target"].embeddingLength;
        const nDraft = manifest.models["gemma4-assistant"].embeddingLength;
        const embd = target.f16("token_embd.weight", [nTarget, V]);
        for (let t = 0; t < V; t++) for (let i = 0; i < nTarget; i++) assert.equal(embd(i, t), i === t ? 1 : 0);
        const pre = assistant.f16("nextn.pre_projection.weight", [2 * nTarget, nDraft]);
        for (let j = 0; j < nDraft; j++) for (let i = 0; i < 2 * nTarget; i++) assert.equal(pre(i, j), i === j && j < V ? 1 : 0, `pre_projection[${j}][${i}]`);
        for (let il = 0; il < manifest.models["gemma4-assistant"].blockCount; il++) {
            for (const name of ["attn_output", "ffn_down"]) assert.ok(assistant.allZero(`blk.${il}.${name}.weight`), `blk.${il}.${name} is zero`);
        }
        // cur = sqrt(n_tgt)·e_t, so RMSNorm(cur) is a positive multiple of e_t and logit_v ∝ token_embd[v][t].
        const table = assistant.f16("token_embd.weight", [nDraft, V]);
        const successor = manifest.models["gemma4-assistant"].successor;
        for (let t = 0; t < V; t++) {
            let best = 0;
            for (let v = 1; v < V; v++) if (table(t, v) > table(t, best)) best = v;
            assert.equal(best, successor[t], `drafter's choice after token ${t}`);
        }
    });
});

/** Reads tensors of a generated model straight from its file, through our GGUF header reader. */
function tensorReader(name: ModelName) {
    const file = testModelPath(name);
    const header = readGgufHeaderFromFile(file);
    const bytes = fs.readFileSync(file);
    const info = (tensor: string) => {
        const found = header.tensors.find((t) => t.name === tensor);
        assert.ok(found, `${name} has ${tensor}`);
        return found;
    };
    return {
        /** Element (i, j) of an f16 matrix stored as ggml dims [n0, n1]: row j, column i. */
        f16(tensor: string, dims: [number, number]): (i: number, j: number) => number {
            const t = info(tensor);
            assert.deepEqual(t.dims, dims, tensor);
            assert.equal(t.type, GgmlType.F16);
            const start = header.dataOffset + Number(t.offset);
            const halves = new Uint16Array(Uint8Array.from(bytes.subarray(start, start + Number(t.byteSize))).buffer);
            return (i, j) => fromHalf(halves[j * dims[0] + i]);
        },
        allZero(tensor: string): boolean {
            const t = info(tensor);
            const start = header.dataOffset + Number(t.offset);
            return bytes.subarray(start, start + Number(t.byteSize)).every((b) => b === 0);
        }
    };
}

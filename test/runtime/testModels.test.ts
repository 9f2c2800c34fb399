// The generated test models under real llama.cpp (node-llama-cpp, CPU): they load, decode greedily exactly as
// models.json predicts, and their drafters agree with their targets on the share it states. The llama models carry
// single-token FIM and ChatML markers; the gemma4 models carry real Gemma 4's vocabulary (262,144 tokens, no FIM
// tokens) and chat template, resolve node-llama-cpp's Gemma 4 chat wrapper, and end their answers with <turn|>.
import assert from "node:assert/strict";
import fs from "node:fs";
// node-llama-cpp is ESM with top-level await: imported dynamically, since mocha loads this file as CommonJS.
import type {Llama, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {countBigrams, targetTable} from "../../scripts/testModels/bigrams";
import {loadCorpus} from "../../scripts/testModels/corpus";
import {chooseAlphabet, toSlots} from "../../scripts/testModels/gemma4Alphabet";
import {loadGemma4Vocab} from "../../scripts/testModels/gemma4RealVocab";
import {REPO_ROOT} from "../../scripts/testModels/generate";
import {dequantizeQ4_0, dequantizeQ8_0} from "../../scripts/testModels/quantize";
import {fromHalf} from "../../scripts/testModels/tensorData";
import {BpeEncoder} from "../../scripts/testModels/tokenizer";
import {bannedTokens, buildLlamaVocab, FAMILY_TOKENS, GEMMA4_MARKERS, VOCAB_SIZE} from "../../scripts/testModels/vocabularies";
import {GgmlType, GGML_TYPE_LAYOUT} from "../../src/runtime/models/gguf/constants";
import {readModelFacts} from "../../src/runtime/models/gguf/modelFacts";
import {readGgufHeaderFromFile} from "../../src/runtime/models/gguf/reader";
import {ensureTestModels, expectedGreedy, findGemma4VocabFile, MODEL_NAMES, testModelPath, type ModelName, type TestModelsManifest} from "../support/testModels";

const RUNNABLE: ModelName[] = ["llama-target", "llama-draft", "gemma4-target", "gemma4-draft"];
const PAIRS: [draft: ModelName, target: ModelName][] = [["llama-draft", "llama-target"], ["gemma4-draft", "gemma4-target"]];
/** Real Gemma 4's ids for its markers (llama.cpp's models/ggml-vocab-gemma-4.gguf). */
const GEMMA4_IDS = {bos: 2, eos: 1, turnStart: 105, turnEnd: 106, channelStart: 100, channelEnd: 101, think: 98, toolCallStart: 48, toolCallEnd: 49};

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
        const vocab = buildLlamaVocab(text);
        const encoder = new BpeEncoder(vocab);
        const stats = countBigrams(corpus.documents.map((d) => encoder.encode(d.text)), VOCAB_SIZE);
        const table = targetTable(stats, {margin: 0.75, banned: bannedTokens(vocab), floor: -30});
        assert.deepEqual([...table.successor], manifest.models["llama-target"].successor, "llama-target successors");
        // The most frequent follower of each frequent token is what the model must say next.
        const frequent = [...stats.rowTotals.keys()].filter((t) => stats.rowTotals[t] >= 50);
        assert.ok(frequent.length > 50);
        for (const t of frequent) {
            const row = stats.counts.subarray(t * VOCAB_SIZE, (t + 1) * VOCAB_SIZE);
            assert.equal(row[table.successor[t]], Math.max(...row), `token ${t}`);
        }

        // gemma4: over real Gemma 4 tokens, the same holds for every alphabet token whose row was not rewritten to end answers.
        const real = loadGemma4Vocab();
        const gemmaEncoder = new BpeEncoder(real);
        const ids = corpus.documents.map((d) => gemmaEncoder.encode(d.text));
        const alphabet = chooseAlphabet(real.tokens.length, real.special, ids, 256, gemmaEncoder.encode("\n")[0]);
        assert.deepEqual(alphabet.tokens, manifest.gemma4.alphabet);
        const S = alphabet.size;
        const slotStats = countBigrams(ids.map((seq) => toSlots(alphabet, seq)), S);
        const successor = manifest.models["gemma4-target"].successor;
        const overridden = new Set(manifest.gemma4.overriddenRows);
        let checked = 0;
        for (const t of alphabet.tokens) {
            const slot = alphabet.slotOf[t];
            if (overridden.has(t) || slotStats.rowTotals[slot] < 50) continue;
            const row = slotStats.counts.subarray(slot * S, (slot + 1) * S);
            const best = Math.max(...row.filter((_, u) => u !== alphabet.fallback && real.types[alphabet.tokens[u]] === 1));
            assert.equal(row[alphabet.slotOf[successor[t]]], best, `gemma4 token ${t} (${JSON.stringify(real.tokens[t])})`);
            checked++;
        }
        assert.ok(checked > 30, `${checked} rows checked`);
        assert.ok(overridden.size < alphabet.tokens.length / 3, `${overridden.size} rows rewritten`);
    });

    it("gemma4: every greedy continuation ends with <turn|>, and a chat answer after a known number of tokens", () => {
        const entry = manifest.models["gemma4-target"];
        const end = manifest.vocabs.gemma4.specialTokens.turnEnd;
        const outside = entry.successor[262143];
        for (const start of [...manifest.gemma4.alphabet, 262143]) {
            const chain = expectedGreedy(entry, start, manifest.gemma4.alphabet.length + 2);
            assert.ok(chain.includes(end), `the chain after token ${start} ends`);
        }
        const answer = manifest.gemma4.chatAnswer;
        assert.equal(answer.afterToken, GEMMA4_IDS.channelEnd);
        assert.deepEqual(expectedGreedy(entry, answer.afterToken, answer.tokens.length), answer.tokens);
        assert.equal(answer.tokens.at(-1), end);
        assert.equal(answer.tokens.indexOf(end), answer.tokens.length - 1);
        assert.ok(answer.tokens.length >= 40, `${answer.tokens.length} tokens`);
        assert.ok(manifest.gemma4.alphabet.includes(outside) || outside === end);
    });

    it("have headers our GGUF reader understands, matching models.json", () => {
        const realFacts = readModelFacts(findGemma4VocabFile());
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
            if (entry.vocab === "llama") {
                assert.deepEqual(facts.fimTokens, vocab.specialTokens.fim, name);
            } else {
                // Real Gemma 4: its vocabulary, and no FIM tokens.
                assert.equal(facts.vocabSize, 262144, name);
                assert.equal(facts.vocabFingerprint, realFacts.vocabFingerprint, name);
                assert.deepEqual(facts.fimTokens, {}, name);
                assert.equal(vocab.specialTokens.fim, undefined);
                assert.ok(entry.bytes < 260e6, `${name}: ${entry.bytes} bytes`);
            }
        }
        assert.notEqual(manifest.vocabs.llama.fingerprint, manifest.vocabs.gemma4.fingerprint);
        assert.equal(readModelFacts(testModelPath("gemma4-assistant")).mtpTargetEmbeddingLength, manifest.models["gemma4-target"].embeddingLength);
    });

    for (const name of RUNNABLE) {
        it(`${name}: tokenizes the seed prompt as predicted and decodes greedily along its successors`, async () => {
            const entry = manifest.models[name];
            const seed = manifest.seed.byVocab[entry.vocab];
            const m = await model(name);
            assert.deepEqual(m.tokenize(manifest.seed.prompt), seed.promptTokens, "prompt tokens");
            assert.equal(m.detokenize(seed.promptTokens as Token[]), manifest.seed.prompt, "prompt round trip");
            const generated = await withSequence(name, async (sequence) => {
                const out: number[] = [];
                // evaluate() ends at an end-of-generation token (gemma4: <turn|>) without yielding it.
                for await (const token of sequence.evaluate([m.tokens.bos!, ...seed.promptTokens as Token[]], {temperature: 0})) {
                    out.push(token);
                    if (out.length === manifest.seed.greedySteps) break;
                }
                return out;
            });
            const expected = expectedGreedy(entry, seed.promptTokens.at(-1)!, manifest.seed.greedySteps);
            const end = expected.indexOf(manifest.vocabs[entry.vocab].specialTokens.turnEnd);
            assert.deepEqual(generated, end < 0 ? expected : expected.slice(0, end));
            if (entry.role === "target") {
                assert.equal(m.detokenize(generated as Token[]), seed.greedyText);
                if (entry.vocab === "gemma4") assert.deepEqual(seed.greedyTokens, expected.slice(0, end + 1), "the seed's continuation ends with <turn|>");
            }
        });
    }

    it("llama-target: tokenizes FIM and ChatML markers as single control tokens, and exposes them as infill tokens", async () => {
        const ids = manifest.vocabs.llama.specialTokens;
        const texts = FAMILY_TOKENS.llama;
        const m = await model("llama-target");
        const single = (text: string) => m.tokenize(text, true);
        for (const [role, text] of Object.entries(texts.fim!)) assert.deepEqual(single(text), [ids.fim![role as keyof typeof ids.fim]], text);
        assert.deepEqual(single(texts.turnStart), [ids.turnStart]);
        assert.deepEqual(single(texts.turnEnd), [ids.turnEnd]);
        assert.notDeepEqual(m.tokenize(texts.turnStart, false), [ids.turnStart], "as plain text it is not the special token");
        assert.equal(m.tokens.infill.prefix, ids.fim!.prefix);
        assert.equal(m.tokens.infill.suffix, ids.fim!.suffix);
        assert.equal(m.tokens.infill.middle, ids.fim!.middle);
        assert.equal(m.tokens.bos, ids.bos);
        assert.equal(m.tokens.eos, ids.eos);
    });

    it("gemma4-target: tokenizes like real Gemma 4 — its marker ids, no infill tokens, the corpus as llama.cpp's own vocabulary does", async () => {
        const ids = manifest.vocabs.gemma4.specialTokens;
        const m = await model("gemma4-target");
        const single = (text: string) => m.tokenize(text, true);
        assert.deepEqual({bos: ids.bos, eos: ids.eos, turnStart: ids.turnStart, turnEnd: ids.turnEnd, ...ids.markers},
            GEMMA4_IDS);
        for (const [key, text] of Object.entries({turnStart: "<|turn>", turnEnd: "<turn|>", ...GEMMA4_MARKERS})) {
            assert.deepEqual(single(text), [GEMMA4_IDS[key as keyof typeof GEMMA4_IDS]], text);
        }
        assert.notDeepEqual(m.tokenize("<|turn>", false), [GEMMA4_IDS.turnStart], "as plain text it is not the special token");
        assert.equal(m.tokens.bos, GEMMA4_IDS.bos);
        assert.equal(m.tokens.eos, GEMMA4_IDS.eos);
        assert.equal(m.tokens.infill.prefix ?? undefined, undefined);
        assert.equal(m.tokens.infill.suffix ?? undefined, undefined);
        assert.equal(m.tokens.infill.middle ?? undefined, undefined);
        assert.ok(m.tokenize("<|fim_prefix|>", true).length > 1, "no FIM token: <|fim_prefix|> is plain text");
        const turn = single("<|turn>user\nfunction f() {}<turn|>");
        assert.equal(turn[0], GEMMA4_IDS.turnStart);
        assert.equal(turn.at(-1), GEMMA4_IDS.turnEnd);
        // The generator's statistics are over the ids llama.cpp sees: our encoder and llama.cpp's agree on the corpus.
        const real = await llama.loadModel({modelPath: findGemma4VocabFile(), vocabOnly: true});
        try {
            const encoder = new BpeEncoder(loadGemma4Vocab());
            for (const document of loadCorpus(REPO_ROOT).documents) {
                const expected = encoder.encode(document.text);
                assert.deepEqual(m.tokenize(document.text), expected, document.name);
                assert.deepEqual(real.tokenize(document.text), expected, `${document.name} (real vocabulary)`);
            }
        } finally {
            await real.dispose();
        }
    });

    it("gemma4-target: resolves node-llama-cpp's Gemma 4 chat wrapper and answers a chat with the stated tokens, then <turn|>", async () => {
        const m = await model("gemma4-target");
        const wrapper = nlc.resolveChatWrapper(m);
        assert.ok(wrapper instanceof nlc.Gemma4ChatWrapper, `resolved ${wrapper.constructor.name}`);
        assert.ok(nlc.resolveChatWrapper(m, {type: "jinjaTemplate"}) !== undefined);
        const context = await m.createContext({contextSize: 1024, threads: 1});
        try {
            const session = new nlc.LlamaChatSession({contextSequence: context.getSequence(), chatWrapper: new nlc.Gemma4ChatWrapper({reasoning: false})});
            const {responseText, stopReason} = await session.promptWithMeta("Explain everything.", {maxTokens: 500});
            assert.equal(stopReason, "eogToken");
            assert.equal(responseText, manifest.gemma4.chatAnswer.text);
        } finally {
            await context.dispose();
        }
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
        // it (it needs the target's context), so this checks, from the file, that each step of that path holds
        // for every alphabet token and a sample of the others.
        const target = tensorReader("gemma4-target");
        const assistant = tensorReader("gemma4-assistant");
        const V = manifest.models["gemma4-target"].vocabSize;
        const nTarget = manifest.models["gemma4-target"].embeddingLength;
        const nDraft = manifest.models["gemma4-assistant"].embeddingLength;
        const alphabet = manifest.gemma4.alphabet;
        const fallback = alphabet.length, bias = fallback + 1;
        const sample = [...alphabet, ...Array.from({length: 64}, (_, i) => (i * 4099 + 7) % V).filter((t) => !alphabet.includes(t))];
        for (const t of sample) {
            const row = target.row("token_embd.weight", [nTarget, V], t);
            const slot = alphabet.indexOf(t) >= 0 ? alphabet.indexOf(t) : fallback;
            row.forEach((value, i) => assert.ok(value === (i === slot || i === bias ? 1 : 0), `target token_embd[${t}][${i}] = ${value}`));
        }
        for (let j = 0; j < nDraft; j++) {
            const row = assistant.row("nextn.pre_projection.weight", [2 * nTarget, nDraft], j);
            row.forEach((value, i) => assert.ok(value === (i === j && j <= bias ? 1 : 0), `pre_projection[${j}][${i}] = ${value}`));
        }
        for (let il = 0; il < manifest.models["gemma4-assistant"].blockCount; il++) {
            for (const name of ["attn_output", "ffn_down"]) assert.ok(assistant.allZero(`blk.${il}.${name}.weight`), `blk.${il}.${name} is zero`);
        }
        // cur = sqrt(n_tgt)·(e_slot + e_bias), so RMSNorm(cur) is a positive multiple of it: logit_v ∝ table[v][slot] + table[v][bias].
        const successor = manifest.models["gemma4-assistant"].successor;
        const logitRows = new Map<number, Float32Array>();
        for (const v of sample) logitRows.set(v, assistant.row("token_embd.weight", [nDraft, V], v));
        // Every token outside the alphabet has the same head row: only its bias column set, to a low logit.
        const outsideRows = sample.filter((v) => !alphabet.includes(v)).map((v) => logitRows.get(v)!);
        for (const row of outsideRows) row.forEach((value, i) => assert.ok(i === bias ? value < 0 : value === 0, `outside head row [${i}] = ${value}`));
        for (const t of sample) {
            const slot = alphabet.indexOf(t) >= 0 ? alphabet.indexOf(t) : fallback;
            let best = 0, bestLogit = -Infinity;
            for (const [v, row] of logitRows) {
                const logit = row[slot] + row[bias];
                if (logit > bestLogit) { best = v; bestLogit = logit; }
            }
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
        /** Row j of a matrix stored as ggml dims [n0, n1] (F16, Q8_0 or Q4_0), as floats. */
        row(tensor: string, dims: [number, number], j: number): Float32Array {
            const t = info(tensor);
            assert.deepEqual(t.dims, dims, tensor);
            const layout = GGML_TYPE_LAYOUT[t.type as GgmlType];
            const rowBytes = (dims[0] / layout.blockSize) * layout.blockBytes;
            const start = header.dataOffset + Number(t.offset) + j * rowBytes;
            const slice = Uint8Array.from(bytes.subarray(start, start + rowBytes));
            if (t.type === GgmlType.Q8_0) return dequantizeQ8_0(slice);
            if (t.type === GgmlType.Q4_0) return dequantizeQ4_0(slice);
            assert.equal(t.type, GgmlType.F16, tensor);
            return Float32Array.from(new Uint16Array(slice.buffer), fromHalf);
        },
        allZero(tensor: string): boolean {
            const t = info(tensor);
            const start = header.dataOffset + Number(t.offset);
            return bytes.subarray(start, start + Number(t.byteSize)).every((b) => b === 0);
        }
    };
}

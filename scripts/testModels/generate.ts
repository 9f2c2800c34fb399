// Builds every test model from the corpus and writes them with models.json, unless they are already up to date.
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import {vocabFingerprint} from "../../src/runtime/models/gguf/modelFacts";
import {agreementShare, choosePerturbedRows, countBigrams, draftTable, targetTable, type LogitTable} from "./bigrams";
import {loadCorpus, CORPUS_FILES, CORPUS_PACKAGE, CORPUS_PACKAGE_VERSION} from "./corpus";
import {buildGemma4AssistantModel} from "./gemma4AssistantModel";
import {buildGemma4Model} from "./gemma4Model";
import type {GgufWriter} from "./gguf";
import {buildLlamaModel} from "./llamaModel";
import {CHAT_START, chooseAlphabet, designEndings, expandSuccessor, toSlots, tokenSuccessor, TURN_END} from "./gemma4Alphabet";
import {loadGemma4Vocab} from "./gemma4RealVocab";
import {findGemma4VocabFile} from "./gemma4VocabFile";
import {MODEL_NAMES, parseManifest, serializeManifest, type ExpectedAgreement, type ModelEntry, type ModelName, type TestModelsManifest} from "./manifest";
import {BpeEncoder} from "./tokenizer";
import {validateModel} from "./validate";
import {bannedTokens, buildLlamaVocab, specialTokenIds, VOCAB_SIZE, type VocabFamily} from "./vocabularies";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
export const MODELS_DIR = path.join(REPO_ROOT, "test", "fixtures", "models");
export const MANIFEST_PATH = path.join(MODELS_DIR, "models.json");

export const SEED_PROMPT = "export function createTokenizer(model) {\n    const tokens = model.tokenize(";
export const GREEDY_STEPS = 32;
/** Tokens of the gemma4 target's chat answer before its `<turn|>` (gemma4Alphabet.ts). */
export const CHAT_ANSWER_TOKENS = 48;
/** One-hot width of the gemma4 models' alphabet (slots + bias); the draft and assistant are this wide. */
const GEMMA4_SLOTS = 256;
const EVALUATION_DOCUMENT = "dist/utils/LlamaText.js";
const EVALUATION_TOKENS = 256;

const TARGET_MARGIN = 0.75;
const LOGIT_FLOOR = -30;
const DRAFT = {sharpness: 3, margin: 6, floor: -60};
/**
 * Type of the targets' attention/FFN/per-layer matrices. Speculation pays when a batch of k tokens costs little more
 * than one, as on a real quantized model on a CPU, where one token's cost is streaming the weights from memory.
 * These targets are small, so their weights must be wide for one token's cost to be memory time: measured on one
 * thread (bench/batchCost.ts), cost(9 tokens)/cost(1) is 3.6–3.9 with F32, 4.0–4.6 with BF16, 4.8–6.5 with F16,
 * 5.1–5.5 with Q8_0 and 5.1–5.8 with Q4_0 (ggml's integer kernels are fast, so quantized weights shrink the
 * memory time more than the per-token compute). Drafts stay F16: their cost next to the target's is what it is.
 */
const TARGET_WEIGHTS = GgmlType.F32;

export interface GenerateOptions {
    force?: boolean;
    /** Where to write the models and models.json (default MODELS_DIR); `npm run models -- --dir PATH`. */
    dir?: string;
    log?: (line: string) => void;
}

export interface GenerateResult {
    manifest: TestModelsManifest;
    regenerated: boolean;
}

/** Sources whose content decides the models: any change regenerates them. */
function generatorHash(corpusSha: string, vocabFile: string): string {
    const hash = createHash("sha256").update(corpusSha).update(fs.readFileSync(vocabFile));
    const dir = import.meta.dirname;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
    for (const file of ["constants.ts", "modelFacts.ts"]) hash.update(fs.readFileSync(path.join(REPO_ROOT, "src", "runtime", "models", "gguf", file)));
    return hash.digest("hex");
}

export function readManifest(dir = MODELS_DIR): TestModelsManifest | undefined {
    try {
        return parseManifest(fs.readFileSync(path.join(dir, "models.json"), "utf8"));
    } catch {
        return undefined;
    }
}

/** The greedy continuation, up to `count` tokens or through `stop` (an end-of-generation token). */
function greedyUntil(successor: readonly number[], last: number, count: number, stop: number | undefined): number[] {
    const out: number[] = [];
    while (out.length < count && last !== stop) out.push(last = successor[last]);
    return out;
}

function upToDate(manifest: TestModelsManifest | undefined, hash: string, dir: string): manifest is TestModelsManifest {
    if (manifest?.formatVersion !== 2 || manifest.generatorHash !== hash) return false;
    return MODEL_NAMES.map((name) => manifest.models[name]).every((entry) => {
        try {
            return entry !== undefined && fs.statSync(path.join(dir, entry.file)).size === entry.bytes;
        } catch {
            return false;
        }
    });
}

export function generateTestModels(options: GenerateOptions = {}): GenerateResult {
    const log = options.log ?? (() => {});
    const dir = options.dir ?? MODELS_DIR;
    const manifestPath = path.join(dir, "models.json");
    const started = performance.now();
    const corpus = loadCorpus(REPO_ROOT);
    const vocabFile = findGemma4VocabFile();
    const hash = generatorHash(corpus.sha256, vocabFile);
    const existing = readManifest(dir);
    if (!options.force && upToDate(existing, hash, dir)) {
        log(`test models are up to date (${dir})`);
        return {manifest: existing, regenerated: false};
    }
    fs.mkdirSync(dir, {recursive: true});
    const corpusText = corpus.documents.map((d) => d.text).join("\n");

    // The llama models: a 1,024-token vocabulary learned from the corpus, with FIM tokens (the FIM path's model).
    const vocab = buildLlamaVocab(corpusText);
    const encoder = new BpeEncoder(vocab);
    const sequences = corpus.documents.map((d) => encoder.encode(d.text));
    const stats = countBigrams(sequences, VOCAB_SIZE);
    const target = targetTable(stats, {margin: TARGET_MARGIN, banned: bannedTokens(vocab), floor: LOGIT_FLOOR});
    const llama = {vocab, encoder, sequences, tokenSequences: sequences, stats, target, successor: [...target.successor]};
    log(`llama vocabulary: ${vocab.tokens.length} tokens, ${vocab.merges.length} merges, corpus = ${stats.tokenCount} tokens`);

    // The gemma4 models: real Gemma 4's vocabulary; their tables are over an alphabet of slots (gemma4Alphabet.ts).
    const real = loadGemma4Vocab(vocabFile);
    const gemmaEncoder = new BpeEncoder(real);
    const gemmaTokens = corpus.documents.map((d) => gemmaEncoder.encode(d.text));
    const newline = gemmaEncoder.encode("\n")[0];
    const alphabet = chooseAlphabet(real.tokens.length, real.special, gemmaTokens, GEMMA4_SLOTS, newline);
    const slotSequences = gemmaTokens.map((ids) => toSlots(alphabet, ids));
    const gemmaStats = countBigrams(slotSequences, alphabet.size);
    const bannedSlots = new Set<number>([alphabet.fallback]);
    alphabet.tokens.forEach((id, slot) => { if (bannedTokens(real).has(id)) bannedSlots.add(slot); });
    const gemmaTarget = targetTable(gemmaStats, {margin: TARGET_MARGIN, banned: bannedSlots, floor: LOGIT_FLOOR});
    const endings = designEndings(gemmaTarget, gemmaStats, alphabet, real.special, newline, CHAT_ANSWER_TOKENS, TARGET_MARGIN, bannedSlots);
    const gemma = {
        vocab: real, encoder: gemmaEncoder, sequences: slotSequences, tokenSequences: gemmaTokens, stats: gemmaStats, target: gemmaTarget,
        successor: expandSuccessor(tokenSuccessor(alphabet, gemmaTarget.successor), real.tokens.length)
    };
    const covered = gemmaTokens.flat().filter((id) => alphabet.slotOf[id] !== alphabet.fallback).length / gemmaStats.tokenCount;
    log(`gemma4 vocabulary: ${real.tokens.length} tokens from ${real.file}; alphabet of ${alphabet.tokens.length} tokens covers ${(covered * 100).toFixed(1)}% of the corpus (${gemmaStats.tokenCount} tokens)`);
    const families = {llama, gemma4: gemma};
    const tokenSuccessorOf = (family: VocabFamily, table: LogitTable) =>
        family === "llama" ? [...table.successor] : expandSuccessor(tokenSuccessor(alphabet, table.successor), real.tokens.length);
    const turnEnd = real.special[TURN_END];

    const seedByVocab = {} as TestModelsManifest["seed"]["byVocab"];
    const evaluation = {} as Record<VocabFamily, number[]>;
    const evaluationIndex = CORPUS_FILES.indexOf(EVALUATION_DOCUMENT);
    for (const family of ["llama", "gemma4"] as const) {
        const {encoder, successor, tokenSequences} = families[family];
        const promptTokens = encoder.encode(SEED_PROMPT);
        const greedyTokens = greedyUntil(successor, promptTokens[promptTokens.length - 1], GREEDY_STEPS, family === "gemma4" ? turnEnd : undefined);
        seedByVocab[family] = {promptTokens, greedyTokens, greedyText: encoder.decode(greedyTokens.filter((t) => t !== turnEnd || family === "llama"))};
        evaluation[family] = tokenSequences[evaluationIndex].slice(0, EVALUATION_TOKENS);
    }

    const drafterTable = (family: VocabFamily, designShare: number, seed: number): {table: LogitTable, successor: number[], agreement: ExpectedAgreement} => {
        const {stats, target, tokenSequences, successor} = families[family];
        const perturbed = choosePerturbedRows(stats, 1 - designShare, seed, () => true);
        const table = draftTable(target, {perturbedRows: perturbed, ...DRAFT});
        const drafted = tokenSuccessorOf(family, table);
        // Every corpus position but each document's last has a next token; agreement counts those positions.
        const corpusContexts = tokenSequences.flatMap((ids) => ids.slice(0, -1));
        const seedRun = seedByVocab[family];
        const seedContexts = [seedRun.promptTokens[seedRun.promptTokens.length - 1], ...seedRun.greedyTokens.slice(0, -1)];
        return {
            table, successor: drafted,
            agreement: {
                designShare,
                perturbedRowCount: perturbed.size,
                corpusShare: agreementShare(successor, drafted, corpusContexts),
                evaluationShare: agreementShare(successor, drafted, evaluation[family]),
                seedGreedyShare: agreementShare(successor, drafted, seedContexts)
            }
        };
    };

    const llamaDraft = drafterTable("llama", 0.75, 11);
    const gemmaDraft = drafterTable("gemma4", 0.7, 23);
    const assistant = drafterTable("gemma4", 0.8, 37);

    const builds: {name: ModelName, role: ModelEntry["role"], vocab: VocabFamily, draftFor?: ModelName, successor: number[], agreement?: ExpectedAgreement, build: () => GgufWriter}[] = [
        {name: "llama-target", role: "target", vocab: "llama", successor: llama.successor,
            build: () => buildLlamaModel("Hearth test llama target", llama.vocab, llama.target, {nEmbd: 1024, nLayer: 4, nHead: 8, nHeadKv: 4, nFf: 2048, contextLength: 8192, weightType: TARGET_WEIGHTS}, 1)},
        {name: "llama-draft", role: "draft", vocab: "llama", draftFor: "llama-target", successor: llamaDraft.successor, agreement: llamaDraft.agreement,
            build: () => buildLlamaModel("Hearth test llama draft", llama.vocab, llamaDraft.table, {nEmbd: 1024, nLayer: 1, nHead: 8, nHeadKv: 2, nFf: 512, contextLength: 8192, weightType: GgmlType.F16}, 2)},
        {name: "gemma4-target", role: "target", vocab: "gemma4", successor: gemma.successor,
            build: () => buildGemma4Model("Hearth test Gemma 4 target", real, alphabet, gemma.target, {
                nEmbd: 384, swaPattern: [true, true, true, false], nHead: 8, nHeadKv: 2, headDimFull: 256, headDimSwa: 128,
                nFf: 1536, nEmbdPerLayer: 8, slidingWindow: 512, contextLength: 8192, weightType: TARGET_WEIGHTS
            }, 3)},
        {name: "gemma4-draft", role: "draft", vocab: "gemma4", draftFor: "gemma4-target", successor: gemmaDraft.successor, agreement: gemmaDraft.agreement,
            build: () => buildGemma4Model("Hearth test Gemma 4 draft", real, alphabet, gemmaDraft.table, {
                nEmbd: 256, swaPattern: [true, false], nHead: 4, nHeadKv: 1, headDimFull: 256, headDimSwa: 128,
                nFf: 512, nEmbdPerLayer: 8, slidingWindow: 512, contextLength: 8192, weightType: GgmlType.F16
            }, 4)},
        {name: "gemma4-assistant", role: "mtp-drafter", vocab: "gemma4", draftFor: "gemma4-target", successor: assistant.successor, agreement: assistant.agreement,
            build: () => buildGemma4AssistantModel("Hearth test Gemma 4 assistant", real, alphabet, assistant.table, {
                nEmbd: 256, nEmbdTarget: 384, swaPattern: [true, false], nHead: 4, nHeadKv: 2, headDimFull: 256, headDimSwa: 128,
                nFf: 512, slidingWindow: 512, contextLength: 8192
            }, 5)}
    ];

    const models = {} as Record<ModelName, ModelEntry>;
    for (const spec of builds) {
        const t0 = performance.now();
        const writer = spec.build();
        validateModel(writer);
        const file = `${spec.name}.gguf`;
        const bytes = writer.write(path.join(dir, file));
        const arch = (writer.get("general.architecture") as {value: ModelEntry["architecture"]}).value;
        const u32 = (key: string) => (writer.get(`${arch}.${key}`) as {value: number}).value;
        models[spec.name] = {
            file, architecture: arch, role: spec.role, vocab: spec.vocab, draftFor: spec.draftFor,
            parameters: writer.parameterCount(), bytes, vocabSize: families[spec.vocab].vocab.tokens.length,
            embeddingLength: u32("embedding_length"), blockCount: u32("block_count"), contextLength: u32("context_length"),
            successor: spec.successor, expectedAgreement: spec.agreement
        };
        log(`${file}: ${(writer.parameterCount() / 1e6).toFixed(1)}M parameters, ${(bytes / 1e6).toFixed(1)} MB, ${Math.round(performance.now() - t0)} ms`);
    }

    const vocabs = {} as TestModelsManifest["vocabs"];
    for (const family of ["llama", "gemma4"] as const) {
        const {vocab, stats} = families[family];
        vocabs[family] = {size: vocab.tokens.length, fingerprint: vocabFingerprint(vocab.tokens), specialTokens: specialTokenIds(family, vocab), corpusTokenCount: stats.tokenCount};
    }
    const chatTokens = endings.chatAnswer.map((slot) => alphabet.tokens[slot]);
    const gemma4Facts: TestModelsManifest["gemma4"] = {
        vocabFile: path.basename(real.file),
        alphabet: alphabet.tokens,
        chatAnswer: {afterToken: real.special[CHAT_START], tokens: chatTokens, text: gemmaEncoder.decode(chatTokens.slice(0, -1))},
        endRows: alphabet.tokens.filter((id) => gemma.successor[id] === turnEnd),
        overriddenRows: endings.overridden.map((slot) => slot === alphabet.fallback ? -1 : alphabet.tokens[slot])
    };
    const manifest: TestModelsManifest = {
        formatVersion: 2,
        generatorHash: hash,
        generationMs: Math.round(performance.now() - started),
        corpus: {package: CORPUS_PACKAGE, version: CORPUS_PACKAGE_VERSION, files: [...CORPUS_FILES], sha256: corpus.sha256, bytes: corpus.bytes},
        vocabs,
        seed: {prompt: SEED_PROMPT, greedySteps: GREEDY_STEPS, byVocab: seedByVocab},
        evaluation: {document: EVALUATION_DOCUMENT, byVocab: evaluation},
        gemma4: gemma4Facts,
        models
    };
    const temporary = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, serializeManifest(manifest));
    fs.renameSync(temporary, manifestPath);
    log(`wrote ${dir} in ${manifest.generationMs} ms`);
    return {manifest, regenerated: true};
}

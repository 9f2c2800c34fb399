// Models for measuring speculation at a realistic acceptance (bench/realisticSpeculation.ts).
//
// Why not the generated test models themselves: their targets are bigram tables, so greedy output follows one short
// path (each ending in <turn|> after at most a few dozen tokens), the same for every prompt that ends alike. A drafter that is a function of the current token then either
// never errs on that loop (acceptance 1.0, what the runtime benchmark saw) or errs at a fixed phase of it, which
// caps llama-server's fixed 8-token drafts at 3/8 and lets an adaptive draft length lock onto the period: numbers
// about loops, not about a drafter that is right 70% of the time.
//
// So these models "recite": the target's greedy chain is one cycle through RECITAL_LENGTH distinct tokens (the
// gemma4 alphabet's ordinary tokens in order of first appearance in the corpus, scripts/testModels/gemma4Alphabet.ts),
// so output never repeats within a request and never ends. Each drafter
// proposes the target's runner-up on a seeded pseudo-random subset of the cycle's rows, so its errors fall at
// irregular places along the output, as a real drafter's do. The three files have exactly the tensor shapes and
// types of gemma4-target, gemma4-draft and gemma4-assistant (read from their headers, checked after writing), so a
// step of each costs what it costs on those: only the tables differ.
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {GgmlType, GgufTokenType} from "../src/runtime/models/gguf/constants";
import {chooseAlphabet, expandSuccessor, toSlots, tokenSuccessor, type Alphabet} from "../scripts/testModels/gemma4Alphabet";
import {loadGemma4Vocab, type RealVocab} from "../scripts/testModels/gemma4RealVocab";
import {readGgufHeaderFromFile, type GgufHeader} from "../src/runtime/models/gguf/reader";
import {countBigrams, draftTable, targetTable, type LogitTable} from "../scripts/testModels/bigrams";
import {loadCorpus} from "../scripts/testModels/corpus";
import {buildGemma4AssistantModel, type Gemma4AssistantDims} from "../scripts/testModels/gemma4AssistantModel";
import {buildGemma4Model, type Gemma4Dims} from "../scripts/testModels/gemma4Model";
import {REPO_ROOT} from "../scripts/testModels/generate";
import {BpeEncoder} from "../scripts/testModels/tokenizer";
import {validateModel} from "../scripts/testModels/validate";
import {bannedTokens} from "../scripts/testModels/vocabularies";
import {ensureTestModels, testModelPath} from "../test/support/testModels";

/** Tokens in the recited cycle: every request of up to this many tokens sees each designed disagreement once. */
export const RECITAL_LENGTH = 240;
/**
 * Share of the cycle's rows on which each drafter proposes the target's own token. Chosen from what the tables give,
 * not from timings, so that accepted/drafted lands near 0.7 under each engine's draft-length policy: llama-server
 * drafts a fixed 8 tokens for MTP, which over this cycle gives 0.77 at 0.94 per position (seed 45; 0.81 with others); our
 * adaptive controller mostly drafts 1–4 tokens, which at 0.85 gives 0.83–0.67, and simulated with step costs affine
 * in the draft length (with and without random slow steps) 0.67–0.72.
 */
export const POSITION_AGREEMENT = {draft: 0.85, assistant: 0.94} as const;
const SEEDS = {draft: 41, assistant: 45} as const;
// The test models' table parameters (scripts/testModels/generate.ts): logit gap of the target's choice, drafters'
// sharpening. They set values, not costs.
const TARGET_MARGIN = 0.75;
const LOGIT_FLOOR = -30;
const DRAFT = {sharpness: 3, margin: 6, floor: -60};
/** The test models' one-hot width (scripts/testModels/generate.ts): alphabet slots + bias. */
const GEMMA4_SLOTS = 256;

export const REALISTIC_MODELS_DIR = path.join(REPO_ROOT, ".cache", "bench", "realistic-models");
const NAMES = {target: "gemma4-recital-target", draft: "gemma4-recital-draft", assistant: "gemma4-recital-assistant"} as const;
type Role = keyof typeof NAMES;

export interface RealisticModels {
    paths: Record<Role, string>;
    /** The target's greedy output after any token off the cycle (token ids): the cycle's tokens. */
    recital: number[];
    recitalText: string;
    /** Text of each recited token (ordinary tokens decode alone): the first n joined are the first n tokens' text. */
    recitalPieces: string[];
    /** Greedy next token after each token, per model. */
    successor: Record<Role, number[]>;
    /** Exact share of the cycle's positions where each drafter proposes the target's token. */
    positionAgreement: {draft: number, assistant: number};
}

interface StoredManifest extends RealisticModels {
    hash: string;
    bytes: Record<Role, number>;
}

/** Builds the three models into .cache/bench/realistic-models unless they are up to date (a few seconds). */
export function ensureRealisticModels(log: (line: string) => void = () => {}): RealisticModels {
    const testManifest = ensureTestModels();
    const hash = createHash("sha256").update(fs.readFileSync(path.join(import.meta.dirname, "realisticModels.ts"))).update(testManifest.generatorHash).digest("hex");
    const manifestPath = path.join(REALISTIC_MODELS_DIR, "realistic.json");
    const existing = readStored(manifestPath);
    if (existing?.hash === hash && (Object.keys(NAMES) as Role[]).every((role) => sizeOf(existing.paths[role]) === existing.bytes[role])) return existing;

    const started = performance.now();
    const {vocab, alphabet, encoder, bigram, recital: recitalSlots, tables} = buildRealisticTables();
    const overridden = new Set(testManifest.gemma4.overriddenRows);
    if (alphabet.tokens.some((id, slot) => !overridden.has(id) && alphabet.tokens[bigram.successor[slot]] !== testManifest.models["gemma4-target"].successor[id]))
        throw new Error("the bigram table rebuilt here differs from gemma4-target's: scripts/testModels changed how tables are made");
    const successorOf = (table: LogitTable) => expandSuccessor(tokenSuccessor(alphabet, table.successor), vocab.tokens.length);
    const target = successorOf(tables.target);
    const recital = recitalSlots.map((slot) => alphabet.tokens[slot]);

    const originals = {target: readGgufHeaderFromFile(testModelPath("gemma4-target")), draft: readGgufHeaderFromFile(testModelPath("gemma4-draft")),
        assistant: readGgufHeaderFromFile(testModelPath("gemma4-assistant"))};
    const writers = {
        target: buildGemma4Model("Hearth recital target", vocab, alphabet, tables.target, gemma4Dims(originals.target), 3),
        draft: buildGemma4Model("Hearth recital draft", vocab, alphabet, tables.draft, gemma4Dims(originals.draft), 4),
        assistant: buildGemma4AssistantModel("Hearth recital assistant", vocab, alphabet, tables.assistant, assistantDims(originals.assistant), 5)
    };
    fs.mkdirSync(REALISTIC_MODELS_DIR, {recursive: true});
    const paths = {} as Record<Role, string>, bytes = {} as Record<Role, number>;
    for (const role of Object.keys(NAMES) as Role[]) {
        validateModel(writers[role]);
        paths[role] = path.join(REALISTIC_MODELS_DIR, `${NAMES[role]}.gguf`);
        // Written aside and renamed: a benchmark loading the previous file never sees a half-written one.
        const temporary = `${paths[role]}.${process.pid}.tmp`;
        bytes[role] = writers[role].write(temporary);
        assertSameTensors(readGgufHeaderFromFile(temporary), originals[role], NAMES[role]);
        fs.renameSync(temporary, paths[role]);
    }
    const agreement = (role: "draft" | "assistant") => recitalSlots.filter((t) => tables[role].successor[t] === tables.target.successor[t]).length / recitalSlots.length;
    const manifest: StoredManifest = {
        hash, bytes, paths, recital, recitalText: encoder.decode(recital), recitalPieces: recital.map((t) => encoder.decode([t])),
        successor: {target, draft: successorOf(tables.draft), assistant: successorOf(tables.assistant)},
        positionAgreement: {draft: agreement("draft"), assistant: agreement("assistant")}
    };
    if (manifest.recitalPieces.join("") !== manifest.recitalText) throw new Error("recited tokens do not decode one by one");
    fs.writeFileSync(`${manifestPath}.${process.pid}.tmp`, JSON.stringify(manifest) + "\n");
    fs.renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
    log(`  realistic models written to ${REALISTIC_MODELS_DIR} in ${Math.round(performance.now() - started)} ms`);
    return manifest;
}

/** Tables over the gemma4 alphabet's slots (gemma4Alphabet.ts), as the test models' are. */
export interface RealisticTables {
    vocab: RealVocab;
    alphabet: Alphabet;
    encoder: BpeEncoder;
    /** The test targets' bigram table (before their answers were made to end), which the recital rows start from. */
    bigram: LogitTable;
    /** The cycle's slots, in the order the target recites them after any slot off the cycle. */
    recital: number[];
    /** `<channel|>`'s slot, where a chat prompt ends (off the cycle, like every special token). */
    start: number;
    tables: Record<Role, LogitTable>;
}

/** The three models' logit tables, from the corpus (a few seconds): what the models will compute. */
export function buildRealisticTables(): RealisticTables {
    const corpus = loadCorpus(REPO_ROOT);
    const vocab = loadGemma4Vocab();
    const encoder = new BpeEncoder(vocab);
    const ids = corpus.documents.map((d) => encoder.encode(d.text));
    const alphabet = chooseAlphabet(vocab.tokens.length, vocab.special, ids, GEMMA4_SLOTS, encoder.encode("\n")[0]);
    const sequences = ids.map((seq) => toSlots(alphabet, seq));
    const banned = new Set<number>([alphabet.fallback]);
    const bannedIds = bannedTokens(vocab);
    alphabet.tokens.forEach((id, slot) => { if (bannedIds.has(id)) banned.add(slot); });
    const bigram = targetTable(countBigrams(sequences, alphabet.size), {margin: TARGET_MARGIN, banned, floor: LOGIT_FLOOR});
    // Newline runs stay off the cycle: a completion prompt cut at a line end ends in one, so the recital starts at its start.
    const ordinary = (slot: number) => slot !== alphabet.fallback && vocab.types[alphabet.tokens[slot]] === GgufTokenType.Normal && !/^\n+$/.test(vocab.tokens[alphabet.tokens[slot]]);
    const recital = firstAppearances(sequences, ordinary).slice(0, RECITAL_LENGTH);
    if (recital.length < RECITAL_LENGTH) throw new Error(`the alphabet has only ${recital.length} distinct ordinary tokens`);
    const start = alphabet.slotOf[vocab.special["<channel|>"]];
    const target = recitalTable(bigram, recital);
    return {
        vocab, alphabet, encoder, bigram, recital, start,
        tables: {
            target,
            draft: draftTable(target, {perturbedRows: seededSubset(recital, 1 - POSITION_AGREEMENT.draft, SEEDS.draft), ...DRAFT}),
            assistant: draftTable(target, {perturbedRows: seededSubset(recital, 1 - POSITION_AGREEMENT.assistant, SEEDS.assistant), ...DRAFT})
        }
    };
}

/**
 * accepted/drafted that drafts of a fixed length k give when `drafter` drafts for `target` over `tokens` tokens whose
 * first (from the prompt's evaluation) is `first`: llama-server's MTP loop, its last draft cut to the tokens left.
 */
export function fixedDraftAcceptance(target: ArrayLike<number>, drafter: ArrayLike<number>, first: number, tokens: number, k: number): number {
    let generated = 1, drafted = 0, accepted = 0, last = first;
    while (generated < tokens) {
        const n = Math.min(k, tokens - generated - 1);
        if (n <= 0) { last = target[last]; generated++; continue; }
        let proposal = last, agreed = 0, truth = last;
        for (let i = 0; i < n; i++) {
            proposal = drafter[proposal];
            if (proposal !== target[truth]) break;
            truth = proposal;
            agreed++;
        }
        drafted += n;
        accepted += agreed;
        generated += agreed + 1;
        last = target[truth];
    }
    return accepted / Math.max(1, drafted);
}

/** The target's table with each row's argmax moved to the next token of the cycle (off-cycle rows: its start). */
function recitalTable(bigram: LogitTable, cycle: readonly number[]): LogitTable {
    const V = bigram.vocabSize;
    const logits = Float32Array.from(bigram.logits);
    const successor = new Int32Array(V).fill(cycle[0]);
    cycle.forEach((t, i) => { successor[t] = cycle[(i + 1) % cycle.length]; });
    for (let t = 0; t < V; t++) {
        let others = -Infinity;
        for (let v = 0; v < V; v++) if (v !== successor[t]) others = Math.max(others, logits[t * V + v]);
        logits[t * V + successor[t]] = others + TARGET_MARGIN;
    }
    return {vocabSize: V, logits, successor};
}

function firstAppearances(sequences: readonly number[][], keep: (t: number) => boolean): number[] {
    const seen = new Set<number>();
    for (const ids of sequences) for (const t of ids) if (keep(t)) seen.add(t);
    return [...seen];
}

/** round(share · n) of `rows`, picked in a seeded pseudo-random order: errors at irregular places along the cycle. */
function seededSubset(rows: readonly number[], share: number, seed: number): Set<number> {
    const order = [...rows].sort((a, b) => mix(a, seed) - mix(b, seed));
    return new Set(order.slice(0, Math.round(share * rows.length)));
}

function mix(n: number, seed: number): number {
    let h = Math.imul(n ^ seed, 0x9e3779b1) >>> 0;
    h ^= h >>> 15; h = Math.imul(h, 0x85ebca77) >>> 0; h ^= h >>> 13;
    return h >>> 0;
}

function meta(header: GgufHeader, key: string): unknown {
    const entry = header.metadata.get(key);
    if (entry === undefined) throw new Error(`a generated test model lacks ${key}`);
    const value = entry.value;
    return typeof value === "object" && value !== null && "items" in value ? value.items : value;
}

function u32(header: GgufHeader, key: string): number {
    return Number(meta(header, key));
}

function gemma4Dims(header: GgufHeader): Gemma4Dims {
    const a = "gemma4";
    const weightType = header.tensors.find((t) => t.name === "blk.0.attn_q.weight")?.type;
    if (weightType !== GgmlType.F32 && weightType !== GgmlType.F16) throw new Error(`unexpected weight type ${weightType} in a gemma4 test model`);
    return {
        nEmbd: u32(header, `${a}.embedding_length`), swaPattern: meta(header, `${a}.attention.sliding_window_pattern`) as boolean[],
        nHead: u32(header, `${a}.attention.head_count`), nHeadKv: u32(header, `${a}.attention.head_count_kv`),
        headDimFull: u32(header, `${a}.attention.key_length`), headDimSwa: u32(header, `${a}.attention.key_length_swa`),
        nFf: u32(header, `${a}.feed_forward_length`), nEmbdPerLayer: u32(header, `${a}.embedding_length_per_layer_input`),
        slidingWindow: u32(header, `${a}.attention.sliding_window`), contextLength: u32(header, `${a}.context_length`), weightType
    };
}

function assistantDims(header: GgufHeader): Gemma4AssistantDims {
    const a = "gemma4-assistant";
    return {
        nEmbd: u32(header, `${a}.embedding_length`), nEmbdTarget: u32(header, `${a}.embedding_length_out`),
        swaPattern: meta(header, `${a}.attention.sliding_window_pattern`) as boolean[],
        nHead: u32(header, `${a}.attention.head_count`), nHeadKv: u32(header, `${a}.attention.head_count_kv`),
        headDimFull: u32(header, `${a}.attention.key_length`), headDimSwa: u32(header, `${a}.attention.key_length_swa`),
        nFf: u32(header, `${a}.feed_forward_length`), slidingWindow: u32(header, `${a}.attention.sliding_window`),
        contextLength: u32(header, `${a}.context_length`)
    };
}

/** Same tensors, shapes and types as the test model it stands in for: then a step costs the same. */
function assertSameTensors(written: GgufHeader, original: GgufHeader, name: string): void {
    const describe = (h: GgufHeader) => h.tensors.map((t) => `${t.name}:${t.dims.join("x")}:${t.type}`).join(",");
    if (describe(written) !== describe(original)) throw new Error(`${name} does not have the tensors of the test model it stands in for`);
}

function readStored(file: string): StoredManifest | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as StoredManifest;
    } catch {
        return undefined;
    }
}

function sizeOf(file: string): number | undefined {
    try {
        return fs.statSync(file).size;
    } catch {
        return undefined;
    }
}

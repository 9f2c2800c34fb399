// The Gemma 4 family as Hearth offers it for download: sizes, quantisations, where each file lives on
// Hugging Face, and which drafter speeds each model up. No vscode, no I/O: plain data plus lookups.
//
// Sources (looked up November 2026; nothing here could be fetched from the hub itself, which is offline here):
// - The family and context windows: Google's Gemma 4 docs (small models E2B/E4B: 128K; larger: 256K).
// - Confirmed repo, file name and byte size (the Hugging Face tree API, as recorded in public model registries):
//   bartowski Q4_K_M of E2B/E4B/26B A4B/31B; Google's QAT Q4_0 of the same four; unsloth's MTP drafters
//   `mtp-gemma-4-*-it.gguf` of E2B/E4B/26B A4B/31B.
// - Confirmed repo and file name, size approximate (marked sizeApproximate): Gemma 4 12B Q4_K_M from ggml-org
//   (bartowski publishes no 12B), unsloth's 12B QAT UD-Q4_K_XL, and unsloth's 12B MTP drafter.
// - Inferred from each publisher's naming, size estimated from BF16 at 8.5 bits per weight: every Q8_0 file.
// - MTP drafters (architecture gemma4-assistant) are trained against the QAT targets; they also draft for the
//   other quantisations of the same size, with somewhat lower acceptance.

export type GemmaSize = "e2b" | "e4b" | "12b" | "26b-a4b" | "31b";

/** One downloadable GGUF. `uri` is node-llama-cpp's `hf:owner/repo/path` form, resolved against the hub. */
export interface CatalogFile {
    uri: string;
    fileName: string;
    sizeBytes: number;
    /** True when sizeBytes is an estimate rather than the published size. */
    sizeApproximate: boolean;
}

/** A gemma4-assistant MTP drafter: drafts several tokens from the main model's hidden state (llama-server). */
export interface CatalogDrafter {
    id: string;
    size: GemmaSize;
    displayName: string;
    file: CatalogFile;
}

export interface CatalogModel {
    /** Stable id used in `hearth.model.id`, e.g. `gemma-4-e4b-q4_k_m`. */
    id: string;
    size: GemmaSize;
    displayName: string;
    quantization: string;
    file: CatalogFile;
    /** Approximate memory to run it at RAM_ESTIMATE_CONTEXT_TOKENS: weights, KV cache and compute buffers. */
    ramBytes: number;
    /** Training context window in tokens. */
    contextLength: number;
    /** Mixture of experts: 26B A4B activates about 4B parameters per token. */
    moe: boolean;
    /** Parameters active per token, in billions (speed scales with these). */
    activeParamsB: number;
    vocabSize: number;
    /** Catalog id of the matching MTP drafter, when one exists. */
    mtpDrafterId?: string;
    /** Catalog id of a smaller model with the same vocabulary that can serve as a draft model. */
    draftModelId?: string;
}

/** The context size the ramBytes estimates assume. */
export const RAM_ESTIMATE_CONTEXT_TOKENS = 8192;

/** The quantisation Hearth recommends by default: good quality, widely supported by every backend. */
export const DEFAULT_QUANTIZATION = "Q4_K_M";

const GIB = 1024 ** 3;

interface SizeFacts {
    displayName: string;
    contextLength: number;
    moe: boolean;
    activeParamsB: number;
    /** KV cache plus compute buffers at RAM_ESTIMATE_CONTEXT_TOKENS (approx: sliding-window layers keep it small). */
    runtimeOverheadBytes: number;
    /** Repo-name stem as Google spells it (E2B, 26B-A4B, …). */
    stem: string;
}

const sizes: Record<GemmaSize, SizeFacts> = {
    "e2b": {displayName: "Gemma 4 E2B", contextLength: 131_072, moe: false, activeParamsB: 2, runtimeOverheadBytes: 0.5 * GIB, stem: "E2B"},
    "e4b": {displayName: "Gemma 4 E4B", contextLength: 131_072, moe: false, activeParamsB: 4, runtimeOverheadBytes: 0.7 * GIB, stem: "E4B"},
    "12b": {displayName: "Gemma 4 12B", contextLength: 262_144, moe: false, activeParamsB: 12, runtimeOverheadBytes: 1.2 * GIB, stem: "12B"},
    "26b-a4b": {displayName: "Gemma 4 26B A4B (MoE)", contextLength: 262_144, moe: true, activeParamsB: 4, runtimeOverheadBytes: 1.2 * GIB, stem: "26B-A4B"},
    "31b": {displayName: "Gemma 4 31B", contextLength: 262_144, moe: false, activeParamsB: 31, runtimeOverheadBytes: 2 * GIB, stem: "31B"}
};

/** Every Gemma 4 size shares one tokenizer (262,144 entries), which is what lets one draft for another. */
const GEMMA4_VOCAB_SIZE = 262_144;

function hfFile(repo: string, fileName: string, sizeBytes: number, sizeApproximate = false): CatalogFile {
    return {uri: `hf:${repo}/${fileName}`, fileName, sizeBytes, sizeApproximate};
}

function bartowski(size: GemmaSize, quant: string, sizeBytes: number, approx = false): CatalogFile {
    const stem = sizes[size].stem;
    return hfFile(`bartowski/google_gemma-4-${stem}-it-GGUF`, `google_gemma-4-${stem}-it-${quant}.gguf`, sizeBytes, approx);
}

function googleQat(size: GemmaSize, sizeBytes: number): CatalogFile {
    const stem = sizes[size].stem;
    // Google's QAT repos name the file by the short stem (26B, not 26B-A4B).
    const fileStem = size === "26b-a4b" ? "26B" : stem;
    return hfFile(`google/gemma-4-${stem}-it-qat-q4_0-gguf`, `gemma-4-${fileStem}_q4_0-it.gguf`, sizeBytes);
}

function mtpDrafter(size: GemmaSize, sizeBytes: number, approx = false): CatalogDrafter {
    const stem = sizes[size].stem;
    return {
        id: `gemma-4-${size}-mtp-assistant`,
        size,
        displayName: `${sizes[size].displayName} MTP assistant`,
        file: hfFile(`unsloth/gemma-4-${stem}-it-qat-GGUF`, `mtp-gemma-4-${stem}-it.gguf`, sizeBytes, approx)
    };
}

export const catalogDrafters: readonly CatalogDrafter[] = [
    mtpDrafter("e2b", 59_235_648),
    mtpDrafter("e4b", 59_678_016),
    mtpDrafter("12b", 250_000_000, true),
    mtpDrafter("26b-a4b", 251_939_328),
    mtpDrafter("31b", 279_955_968)
];

function model(size: GemmaSize, idQuant: string, quantization: string, file: CatalogFile, draftModelId?: string): CatalogModel {
    const facts = sizes[size];
    return {
        id: `gemma-4-${size}-${idQuant}`,
        size,
        displayName: facts.displayName,
        quantization,
        file,
        ramBytes: Math.round(file.sizeBytes + facts.runtimeOverheadBytes),
        contextLength: facts.contextLength,
        moe: facts.moe,
        activeParamsB: facts.activeParamsB,
        vocabSize: GEMMA4_VOCAB_SIZE,
        mtpDrafterId: `gemma-4-${size}-mtp-assistant`,
        ...(draftModelId !== undefined ? {draftModelId} : {})
    };
}

// E2B drafts for the dense 12B and 31B. The 26B A4B already runs about 4B parameters per token, so a 2B
// draft model buys little there; E4B is too close in cost to E2B for drafting to pay off.
export const catalogModels: readonly CatalogModel[] = [
    model("e2b", "q4_k_m", "Q4_K_M", bartowski("e2b", "Q4_K_M", 3_711_514_624)),
    model("e2b", "qat-q4_0", "Q4_0 (QAT)", googleQat("e2b", 3_349_516_256)),
    model("e2b", "q8_0", "Q8_0", bartowski("e2b", "Q8_0", 4_950_000_000, true)),

    model("e4b", "q4_k_m", "Q4_K_M", bartowski("e4b", "Q4_K_M", 5_812_137_984)),
    model("e4b", "qat-q4_0", "Q4_0 (QAT)", googleQat("e4b", 5_154_941_280)),
    model("e4b", "q8_0", "Q8_0", bartowski("e4b", "Q8_0", 8_000_000_000, true)),

    model("12b", "q4_k_m", "Q4_K_M", hfFile("ggml-org/gemma-4-12B-it-GGUF", "gemma-4-12B-it-Q4_K_M.gguf", 7_380_000_000, true), "gemma-4-e2b-q4_k_m"),
    model("12b", "qat-q4_k_xl", "UD-Q4_K_XL (QAT)",
        hfFile("unsloth/gemma-4-12B-it-qat-GGUF", "gemma-4-12B-it-qat-UD-Q4_K_XL.gguf", 6_720_000_000, true), "gemma-4-e2b-qat-q4_0"),
    model("12b", "q8_0", "Q8_0", hfFile("ggml-org/gemma-4-12B-it-GGUF", "gemma-4-12B-it-Q8_0.gguf", 12_650_000_000, true), "gemma-4-e2b-q4_k_m"),

    model("26b-a4b", "q4_k_m", "Q4_K_M", bartowski("26b-a4b", "Q4_K_M", 17_035_037_632)),
    model("26b-a4b", "qat-q4_0", "Q4_0 (QAT)", googleQat("26b-a4b", 14_439_363_584)),
    model("26b-a4b", "q8_0", "Q8_0", bartowski("26b-a4b", "Q8_0", 26_800_000_000, true)),

    model("31b", "q4_k_m", "Q4_K_M", bartowski("31b", "Q4_K_M", 19_598_487_712), "gemma-4-e2b-q4_k_m"),
    model("31b", "qat-q4_0", "Q4_0 (QAT)", googleQat("31b", 17_651_001_568), "gemma-4-e2b-qat-q4_0"),
    model("31b", "q8_0", "Q8_0", bartowski("31b", "Q8_0", 32_600_000_000, true), "gemma-4-e2b-q4_k_m")
];

/** Sizes from smallest to largest, the order in which the default choice climbs. */
export const gemmaSizesAscending: readonly GemmaSize[] = ["e2b", "e4b", "12b", "26b-a4b", "31b"];

export function findCatalogModel(id: string): CatalogModel | undefined {
    const wanted = id.trim().toLowerCase();
    return catalogModels.find((entry) => entry.id === wanted);
}

export function findCatalogDrafter(id: string): CatalogDrafter | undefined {
    return catalogDrafters.find((entry) => entry.id === id);
}

export function mtpDrafterFor(entry: CatalogModel): CatalogDrafter | undefined {
    return entry.mtpDrafterId !== undefined ? findCatalogDrafter(entry.mtpDrafterId) : undefined;
}

export function draftModelFor(entry: CatalogModel): CatalogModel | undefined {
    return entry.draftModelId !== undefined ? findCatalogModel(entry.draftModelId) : undefined;
}

/** The recommended quantisation of one size. */
export function defaultEntryForSize(size: GemmaSize): CatalogModel {
    const entry = catalogModels.find((candidate) => candidate.size === size && candidate.quantization === DEFAULT_QUANTIZATION);
    if (entry === undefined) throw new Error(`The model catalog has no ${DEFAULT_QUANTIZATION} entry for Gemma 4 ${size}.`);
    return entry;
}

/** Catalog models and drafters whose file name is `fileName` (how a file found on disk is recognised). */
export function catalogEntryForFileName(fileName: string): CatalogModel | CatalogDrafter | undefined {
    const wanted = fileName.toLowerCase();
    return catalogModels.find((entry) => entry.file.fileName.toLowerCase() === wanted)
        ?? catalogDrafters.find((entry) => entry.file.fileName.toLowerCase() === wanted);
}

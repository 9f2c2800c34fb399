// The facts the runtime needs about a model file, read from its GGUF header alone (no tensor data, no llama.cpp).
import {createHash} from "node:crypto";
import fs from "node:fs";
import {FIM_TOKEN_KEYS, MTP_DRAFTER_ARCHITECTURES, type FimRole} from "./constants";
import {controlCharacterProblem} from "./controlCharacters";
import {nativeAbortReason} from "./nativeAborts";
import {GgufFormatError} from "./errors";
import {getInteger, getString, getStringArray, requireString} from "./metadata";
import {readGgufHeaderFromFile, type GgufHeader} from "./reader";

/** Attention keys that fix the layout of the KV cache (after `<architecture>.attention.`). */
export const KV_CACHE_KEYS = ["head_count_kv", "key_length", "value_length", "key_length_swa", "value_length_swa"] as const;
export type KvCacheKey = typeof KV_CACHE_KEYS[number];

export interface GgufModelFacts {
    readonly architecture: string;
    readonly name: string | undefined;
    readonly contextLength: number | undefined;
    readonly embeddingLength: number | undefined;
    readonly blockCount: number | undefined;
    readonly tokenizerModel: string | undefined;
    readonly vocabSize: number;
    /** sha256 (hex) of the token texts in id order: equal fingerprints mean interchangeable token ids. */
    readonly vocabFingerprint: string;
    /** A Gemma 4 MTP drafter (`gemma4-assistant`): usable only as a drafter beside a gemma4 target. */
    readonly isMtpDrafter: boolean;
    /** For an MTP drafter: the hidden size of the target it was trained for (`embedding_length_out`). */
    readonly mtpTargetEmbeddingLength: number | undefined;
    /** The shape of the attention's KV cache, which an MTP drafter reads from its target's (scalar keys only). */
    readonly kvCache: Readonly<Record<KvCacheKey, number | undefined>>;
    readonly fimTokens: Readonly<Partial<Record<FimRole, number>>>;
    readonly bosTokenId: number | undefined;
    readonly eosTokenId: number | undefined;
    readonly eotTokenId: number | undefined;
    readonly hasChatTemplate: boolean;
    readonly tensorCount: number;
    readonly parameterCount: number;
    /** Size the file must have to hold all tensor data; undefined when a tensor type is unknown to the reader. */
    readonly expectedFileSize: number | undefined;
    readonly fileSize: number;
    readonly truncated: boolean;
    /** Where a key, tensor name or value holds a control character llama.cpp would log raw (validate.ts refuses the file). */
    readonly controlCharacters: string | undefined;
    /** Why llama.cpp would abort the process loading this file (validate.ts refuses it); undefined when nothing shows. */
    readonly nativeAbort: string | undefined;
}

/**
 * Facts of the last few files read, by file identity. Loading a model reads its header twice (the runtime's
 * checks, then the engine) and a Gemma-sized vocabulary takes a few hundred milliseconds to read: one read
 * serves both while the file is unchanged.
 */
const recent = new Map<string, {size: number, mtimeMs: number, facts: GgufModelFacts}>();
const RECENT_FILES = 8;

export function readModelFacts(path: string): GgufModelFacts {
    const stat = statOrUndefined(path);
    const known = recent.get(path);
    if (stat !== undefined && known !== undefined && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.facts;
    const header = readGgufHeaderFromFile(path);
    let facts: GgufModelFacts;
    try {
        facts = modelFactsFromHeader(header);
    } catch (error) {
        if (error instanceof GgufFormatError && error.path === undefined) {
            throw new GgufFormatError(error.code, error.message, error.offset, path);
        }
        throw error;
    }
    if (stat !== undefined) {
        recent.delete(path);
        recent.set(path, {size: stat.size, mtimeMs: stat.mtimeMs, facts});
        if (recent.size > RECENT_FILES) recent.delete(recent.keys().next().value!);
    }
    return facts;
}

/** Missing or unreadable files are left to the reader, which reports them in its own terms. */
function statOrUndefined(path: string): fs.Stats | undefined {
    try {
        return fs.statSync(path);
    } catch {
        return undefined;
    }
}

export function modelFactsFromHeader(header: GgufHeader): GgufModelFacts {
    const architecture = requireString(header, "general.architecture");
    const tokens = getStringArray(header, "tokenizer.ggml.tokens");
    if (tokens === undefined || tokens.length === 0) {
        throw new GgufFormatError("missing-key", `model has no vocabulary ("tokenizer.ggml.tokens" is missing or empty)`);
    }
    const archKey = (suffix: string) => getInteger(header, `${architecture}.${suffix}`);
    const fimTokens: Partial<Record<FimRole, number>> = {};
    for (const [role, key] of Object.entries(FIM_TOKEN_KEYS) as [FimRole, string][]) {
        const id = getInteger(header, key);
        if (id !== undefined && id >= 0 && id < tokens.length) fimTokens[role] = id;
    }
    const template = getString(header, "tokenizer.chat_template");
    const expected = header.expectedFileSize;
    return {
        architecture,
        name: getString(header, "general.name"),
        contextLength: archKey("context_length"),
        embeddingLength: archKey("embedding_length"),
        blockCount: archKey("block_count"),
        tokenizerModel: getString(header, "tokenizer.ggml.model"),
        vocabSize: tokens.length,
        vocabFingerprint: vocabFingerprint(tokens),
        isMtpDrafter: MTP_DRAFTER_ARCHITECTURES.includes(architecture),
        mtpTargetEmbeddingLength: MTP_DRAFTER_ARCHITECTURES.includes(architecture) ? archKey("embedding_length_out") : undefined,
        fimTokens,
        kvCache: Object.fromEntries(KV_CACHE_KEYS.map((key) => [key, integerOrUndefined(header, `${architecture}.attention.${key}`)])) as Record<KvCacheKey, number | undefined>,
        bosTokenId: getInteger(header, "tokenizer.ggml.bos_token_id"),
        eosTokenId: getInteger(header, "tokenizer.ggml.eos_token_id"),
        eotTokenId: getInteger(header, "tokenizer.ggml.eot_token_id"),
        hasChatTemplate: template !== undefined && template.trim() !== "",
        tensorCount: header.tensors.length,
        parameterCount: header.tensors.reduce((sum, tensor) => sum + Number(tensor.elementCount), 0),
        expectedFileSize: expected,
        fileSize: header.fileSize,
        truncated: expected !== undefined && header.fileSize < expected,
        controlCharacters: controlCharacterProblem(header),
        nativeAbort: nativeAbortReason(header, architecture)
    };
}

/** Per-layer arrays are not a single shape: left out, as an absent key is. */
function integerOrUndefined(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    return entry === undefined || typeof entry.value === "object" ? undefined : getInteger(header, key);
}

export function vocabFingerprint(tokens: readonly string[]): string {
    const hash = createHash("sha256");
    for (const token of tokens) {
        hash.update(token, "utf8");
        hash.update("\0");
    }
    return hash.digest("hex");
}

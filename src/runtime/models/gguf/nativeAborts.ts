// Header contents on which llama.cpp aborts the whole process (a failed GGML_ASSERT) instead of reporting an
// error it could recover from. validate.ts refuses such files, so a hostile or broken file costs the user a
// message, not the runtime. The rules mirror llama.cpp's own asserts (src/llama-model.cpp load_hparams,
// llama-vocab.cpp, llama-model-loader.cpp create_tensor) in the release node-llama-cpp ships; each was found
// by feeding it mutated headers (test/runtime/ggufFuzz.test.ts), which keeps them honest after an upgrade.
import {GgmlType, GgufValueType} from "./constants";
import type {GgufArray, GgufHeader} from "./reader";

/** llama-hparams.h */
const LLAMA_MAX_LAYERS = 512;
const LLAMA_MAX_EXPERTS = 1024;
/** llama-model.cpp LLAMA_ROPE_SCALING_TYPES */
const ROPE_SCALING_TYPES: ReadonlySet<string> = new Set(["none", "linear", "yarn", "longrope"]);
/**
 * Architectures whose every layer has attention and a feed-forward block, so a per-layer count of zero gives a
 * tensor of width zero. (Hybrid and pruned architectures, such as jamba or deci, legitimately have such layers.)
 */
const EVERY_LAYER_DENSE: ReadonlySet<string> = new Set(["llama", "gemma4"]);
/** Architectures without attention heads (llm_arch_is_recurrent): their head counts may be zero. */
const RECURRENT: ReadonlySet<string> = new Set(["mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"]);

const INTEGER_TYPES: ReadonlySet<GgufValueType> = new Set([
    GgufValueType.Uint8, GgufValueType.Int8, GgufValueType.Uint16, GgufValueType.Int16, GgufValueType.Uint32,
    GgufValueType.Int32, GgufValueType.Uint64, GgufValueType.Int64
]);

/** Tensor types no model computes with: ggml has no kernel that multiplies a float by them. */
const NON_WEIGHT_TYPES: ReadonlySet<number> = new Set([GgmlType.I8, GgmlType.I16, GgmlType.I32, GgmlType.I64, GgmlType.F64]);

/** Why llama.cpp would abort while loading this file, or undefined when the header shows no such reason. */
export function nativeAbortReason(header: GgufHeader, architecture: string): string | undefined {
    return vocabularyAbort(header) ?? hyperparameterAbort(header, architecture) ?? tensorAbort(header);
}

/**
 * ggml aborts on the first decode (llama-server's warm-up, the embedded engine's first completion) when a weight
 * has a type its kernels lack: an integer type anywhere, or anything but F32 in a vector or a norm, which
 * llama.cpp's converter always writes as F32 ("most of the codebase that takes in 1D tensors or norms only
 * handles F32 tensors", conversion/base.py).
 */
function tensorAbort(header: GgufHeader): string | undefined {
    for (const tensor of header.tensors) {
        const type = GgmlType[tensor.type] ?? String(tensor.type);
        if (NON_WEIGHT_TYPES.has(tensor.type)) return `tensor "${tensor.name}" has type ${type}, which no weight can have`;
        let dims = tensor.dims.length;
        while (dims > 1 && tensor.dims[dims - 1] === 1) dims--;
        if ((dims <= 1 || tensor.name.endsWith("_norm.weight")) && tensor.type !== GgmlType.F32) {
            return `tensor "${tensor.name}" is a ${dims <= 1 ? "vector" : "norm"} of type ${type}; llama.cpp computes with those only in F32`;
        }
    }
    return undefined;
}

/**
 * llama-vocab.cpp asserts every token text is unique, as it reads them: as C strings (up to a NUL byte), an
 * empty one renamed "[EMPTY_<id>]".
 */
function vocabularyAbort(header: GgufHeader): string | undefined {
    const entry = header.metadata.get("tokenizer.ggml.tokens");
    if (entry?.type !== GgufValueType.Array) return undefined;
    const tokens = (entry.value as GgufArray).items;
    const seen = new Map<string, number>();
    for (let id = 0; id < tokens.length; id++) {
        const raw = typeof tokens[id] === "string" ? tokens[id] as string : "";
        const nul = raw.indexOf("\0");
        const asRead = nul >= 0 ? raw.slice(0, nul) : raw;
        const text = asRead !== "" ? asRead : `[EMPTY_${id}]`;
        const first = seen.get(text);
        if (first !== undefined) return `its vocabulary holds the token ${JSON.stringify(text).slice(0, 60)} twice (ids ${first} and ${id})`;
        seen.set(text, id);
    }
    return undefined;
}

function hyperparameterAbort(header: GgufHeader, architecture: string): string | undefined {
    const integer = (suffix: string) => integerValue(header, `${architecture}.${suffix}`);
    const key = (suffix: string) => `${architecture}.${suffix}`;

    const layers = integer("block_count");
    if (layers !== undefined && (layers < 1 || layers > LLAMA_MAX_LAYERS)) {
        return `"${key("block_count")}" is ${layers}; llama.cpp needs 1 to ${LLAMA_MAX_LAYERS} layers`;
    }
    const nextn = integer("nextn_predict_layers");
    if (nextn !== undefined && layers !== undefined && nextn > layers) return `"${key("nextn_predict_layers")}" (${nextn}) exceeds the ${layers} layers`;

    const experts = integer("expert_count") ?? 0;
    const used = maxOfIntegers(header, key("expert_used_count")) ?? 0;
    const groups = integer("expert_group_count") ?? 0;
    const groupsUsed = integer("expert_group_used_count") ?? 0;
    if (experts > LLAMA_MAX_EXPERTS) return `"${key("expert_count")}" is ${experts}, more than llama.cpp's ${LLAMA_MAX_EXPERTS}`;
    if (used > experts) return `it routes to ${used} experts of ${experts}`;
    if (experts > 0) {
        if (used === 0) return `it has ${experts} experts but routes to none`;
        if (groups >= experts) return `it has ${groups} expert groups for ${experts} experts`;
        if (groups > 1 && (experts % groups !== 0 || groupsUsed === 0 || groupsUsed >= groups)) {
            return `its ${experts} experts in ${groups} groups (${groupsUsed} used) do not divide as llama.cpp requires`;
        }
    } else if (groups !== 0) {
        return `it has expert groups but no experts`;
    }

    const scaling = header.metadata.get(key("rope.scaling.type"));
    if (scaling?.type === GgufValueType.String && !ROPE_SCALING_TYPES.has(scaling.value as string)) {
        return `its RoPE scaling type ${JSON.stringify(scaling.value)} is none llama.cpp knows`;
    }

    // Tensor shapes come from these: a zero dimension trips create_tensor's assert before any shape check.
    const embedding = integer("embedding_length");
    if (embedding !== undefined && embedding < 1) return `"${key("embedding_length")}" is ${embedding}`;
    if (!RECURRENT.has(architecture)) {
        const heads = integer("attention.head_count");
        if (heads !== undefined && heads < 1) return `"${key("attention.head_count")}" is ${heads}: every layer's attention would have no heads`;
        const kvHeads = integer("attention.head_count_kv");
        if (kvHeads !== undefined && kvHeads < 1) return `"${key("attention.head_count_kv")}" is ${kvHeads}`;
        // A head is key_length wide, or embedding / heads when that is absent; rope_freqs takes half of it, and
        // RoPE rotates at most all of it.
        const derived = heads !== undefined && embedding !== undefined ? Math.floor(embedding / heads) : undefined;
        for (const [length, rope, fallback] of [
            ["attention.key_length", "rope.dimension_count", derived],
            ["attention.value_length", undefined, derived],
            ["attention.key_length_swa", "rope.dimension_count_swa", integer("attention.key_length") ?? derived],
            ["attention.value_length_swa", undefined, integer("attention.value_length") ?? derived]
        ] as const) {
            const explicit = integer(length);
            const size = explicit ?? fallback;
            if (size !== undefined && size < 2) {
                return explicit !== undefined ? `"${key(length)}" is ${explicit}; llama.cpp needs heads of at least 2`
                    : `"${key("attention.head_count")}" (${heads}) leaves heads of ${size} of "${key("embedding_length")}" (${embedding}); llama.cpp needs at least 2`;
            }
            const rotated = rope !== undefined ? integer(rope) : undefined;
            if (rotated !== undefined && size !== undefined && rotated > size) return `"${key(rope!)}" (${rotated}) exceeds the head size (${size})`;
            // RoPE turns pairs of dimensions; with none to turn, llama.cpp's decode spins without end.
            if (rotated !== undefined && (rotated < 2 || rotated % 2 !== 0)) return `"${key(rope!)}" is ${rotated}; RoPE needs pairs of dimensions`;
        }
    }
    if (EVERY_LAYER_DENSE.has(architecture)) {
        for (const suffix of ["attention.head_count", "attention.head_count_kv", "feed_forward_length"]) {
            const zero = zeroItem(header, key(suffix));
            if (zero !== undefined) return `"${key(suffix)}" is 0 for layer ${zero}`;
        }
    }
    // ggml_norm and ggml_rms_norm assert a non-negative epsilon (NaN is not).
    for (const suffix of ["attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon"]) {
        const entry = header.metadata.get(key(suffix));
        if (entry?.type === GgufValueType.Float32 || entry?.type === GgufValueType.Float64) {
            const epsilon = entry.value as number;
            if (!(epsilon >= 0) || !Number.isFinite(epsilon)) return `"${key(suffix)}" is ${epsilon}; a norm's epsilon is a small positive number`;
        }
    }
    const feedForward = integer("feed_forward_length");
    if (feedForward !== undefined && feedForward < 1 && experts === 0) return `"${key("feed_forward_length")}" is ${feedForward} in a model without experts`;

    // Gemma 4 shares the KV cache of its last layers; llama.cpp asserts at least two layers keep their own.
    if (architecture === "gemma4" && layers !== undefined) {
        const shared = integer("attention.shared_kv_layers") ?? 0;
        if (layers - shared < 2) return `only ${layers - shared} of its ${layers} layers keep their own KV cache ("${key("attention.shared_kv_layers")}" is ${shared}); llama.cpp needs 2`;
    }
    return undefined;
}

/** An integer value, or undefined when absent or of another type (llama.cpp refuses a wrong type cleanly). */
function integerValue(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined || !INTEGER_TYPES.has(entry.type)) return undefined;
    return Number(entry.value as number | bigint);
}

/** The largest of a per-layer array of integers, or the scalar. */
function maxOfIntegers(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined) return undefined;
    if (INTEGER_TYPES.has(entry.type)) return Number(entry.value as number | bigint);
    if (entry.type !== GgufValueType.Array) return undefined;
    const array = entry.value as GgufArray;
    if (!INTEGER_TYPES.has(array.itemType)) return undefined;
    return array.items.reduce<number>((max, item) => Math.max(max, Number(item as number | bigint)), 0);
}

/** The index of the first zero in a per-layer array of integers. */
function zeroItem(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    if (entry?.type !== GgufValueType.Array) return undefined;
    const array = entry.value as GgufArray;
    if (!INTEGER_TYPES.has(array.itemType)) return undefined;
    const index = array.items.findIndex((item) => Number(item as number | bigint) === 0);
    return index >= 0 ? index : undefined;
}

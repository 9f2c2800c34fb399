// Checks a model before it is written: llama.cpp aborts the whole process (not a catchable error) on some missing
// keys, so every key each architecture reads unconditionally, and each geometry rule it asserts, is checked here.
import {GgufValueType} from "../../src/runtime/models/gguf/constants";
import type {GgufWriter, MetadataValue} from "./gguf";

type Kind = "u32" | "f32" | "bool[]" | "string" | "string[]" | "i32[]";

const COMMON_KEYS: [string, Kind][] = [
    ["general.architecture", "string"],
    ["tokenizer.ggml.model", "string"],
    ["tokenizer.ggml.tokens", "string[]"],
    ["tokenizer.ggml.token_type", "i32[]"],
    ["tokenizer.ggml.merges", "string[]"]
];

const ARCH_KEYS: Record<string, [string, Kind][]> = {
    llama: [
        ["context_length", "u32"], ["embedding_length", "u32"], ["block_count", "u32"], ["feed_forward_length", "u32"],
        ["attention.head_count", "u32"], ["attention.layer_norm_rms_epsilon", "f32"]
    ],
    gemma4: [
        ["context_length", "u32"], ["embedding_length", "u32"], ["block_count", "u32"], ["feed_forward_length", "u32"],
        ["attention.head_count", "u32"], ["attention.layer_norm_rms_epsilon", "f32"], ["attention.key_length", "u32"],
        ["attention.value_length", "u32"], ["attention.key_length_swa", "u32"], ["attention.value_length_swa", "u32"],
        ["attention.sliding_window", "u32"], ["attention.sliding_window_pattern", "bool[]"],
        ["embedding_length_per_layer_input", "u32"], ["rope.dimension_count", "u32"], ["rope.dimension_count_swa", "u32"]
    ],
    "gemma4-assistant": [
        ["context_length", "u32"], ["embedding_length", "u32"], ["embedding_length_out", "u32"], ["block_count", "u32"],
        ["nextn_predict_layers", "u32"], ["feed_forward_length", "u32"], ["attention.head_count", "u32"],
        ["attention.head_count_kv", "u32"], ["attention.layer_norm_rms_epsilon", "f32"], ["attention.key_length", "u32"],
        ["attention.value_length", "u32"], ["attention.key_length_swa", "u32"], ["attention.value_length_swa", "u32"],
        ["attention.sliding_window", "u32"], ["attention.sliding_window_pattern", "bool[]"], ["rope.dimension_count", "u32"],
        ["rope.dimension_count_swa", "u32"]
    ]
};

/** Tensors each architecture requires (per-layer names use {i}). */
const ARCH_TENSORS: Record<string, {global: string[], layer: string[]}> = {
    llama: {
        global: ["token_embd.weight", "output_norm.weight"],
        layer: ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"]
    },
    gemma4: {
        global: ["token_embd.weight", "output_norm.weight", "rope_freqs.weight"],
        layer: ["attn_norm", "attn_q", "attn_k", "attn_output", "attn_q_norm", "attn_k_norm", "post_attention_norm", "ffn_norm",
            "ffn_gate", "ffn_up", "ffn_down", "post_ffw_norm"]
    },
    "gemma4-assistant": {
        global: ["token_embd.weight", "output_norm.weight", "nextn.pre_projection.weight", "nextn.post_projection.weight"],
        layer: ["attn_norm", "attn_q", "attn_output", "attn_q_norm", "post_attention_norm", "layer_output_scale", "ffn_norm",
            "ffn_gate", "ffn_up", "ffn_down", "post_ffw_norm"]
    }
};

export class ModelValidationError extends Error {
    override readonly name = "ModelValidationError";
}

export function requiredKeys(arch: string): string[] {
    const keys = ARCH_KEYS[arch];
    if (keys === undefined) throw new ModelValidationError(`no validation rules for architecture "${arch}"`);
    return [...COMMON_KEYS.map(([k]) => k), ...keys.map(([k]) => `${arch}.${k}`)];
}

export function validateModel(w: GgufWriter): void {
    const archValue = w.get("general.architecture");
    if (archValue?.type !== GgufValueType.String) throw new ModelValidationError("general.architecture is missing");
    const arch = archValue.value;
    const fail = (message: string): never => { throw new ModelValidationError(`${arch}: ${message}`); };
    const keys = ARCH_KEYS[arch] ?? fail("no validation rules for this architecture");
    for (const [key, kind] of [...COMMON_KEYS, ...keys.map(([k, kind]) => [`${arch}.${k}`, kind] as [string, Kind])]) {
        const value = w.get(key);
        if (value === undefined) fail(`required key ${key} is missing`);
        if (!hasKind(value!, kind)) fail(`key ${key} should be ${kind}`);
    }
    const u32 = (key: string) => (w.get(`${arch}.${key}`) as {value: number} | undefined)?.value;
    const nLayer = u32("block_count")!;
    const nEmbd = u32("embedding_length")!;
    const nHead = u32("attention.head_count")!;
    const tokens = (w.get("tokenizer.ggml.tokens") as {value: readonly string[]}).value;
    if (nLayer < 1 || nEmbd < 1 || nHead < 1 || u32("feed_forward_length")! < 1) fail("block_count, embedding_length, head_count and feed_forward_length must be positive");
    if ((w.get("tokenizer.ggml.token_type") as {value: readonly number[]}).value.length !== tokens.length) fail("token_type and tokens differ in length");
    for (const key of ["bos", "eos", "unknown", "padding", "fim_pre", "fim_suf", "fim_mid", "fim_pad", "fim_rep", "fim_sep", "eot"]) {
        const id = w.get(`tokenizer.ggml.${key}_token_id`);
        if (id !== undefined && ((id as {value: number}).value < 0 || (id as {value: number}).value >= tokens.length)) fail(`tokenizer.ggml.${key}_token_id is out of the vocabulary`);
    }

    if (arch === "llama" && nEmbd % nHead !== 0) fail(`embedding_length ${nEmbd} is not a multiple of head_count ${nHead}`);
    if (arch === "gemma4" || arch === "gemma4-assistant") {
        const pattern = (w.get(`${arch}.attention.sliding_window_pattern`) as {value: readonly boolean[]}).value;
        if (pattern.length !== nLayer) fail(`sliding_window_pattern has ${pattern.length} entries for ${nLayer} blocks`);
        if (!pattern.some((swa) => swa)) fail("needs at least one sliding-window layer (llama.cpp asserts is_swa_any)");
        if (u32("attention.key_length") !== u32("attention.value_length") || u32("attention.key_length_swa") !== u32("attention.value_length_swa")) {
            fail("key and value head sizes must be equal");
        }
        if (arch === "gemma4" && nLayer < 2) fail("needs at least 2 blocks (llama.cpp asserts this when it sets up KV reuse)");
        if (arch === "gemma4-assistant") {
            if (u32("embedding_length_out") === nEmbd) fail("embedding_length_out must differ from embedding_length");
            if (u32("nextn_predict_layers") !== nLayer) fail("nextn_predict_layers must equal block_count");
        }
    }

    const names = new Set(w.tensorSpecs().map((t) => t.name));
    const rules = ARCH_TENSORS[arch];
    for (const name of rules.global) if (!names.has(name)) fail(`tensor ${name} is missing`);
    for (let i = 0; i < nLayer; i++) for (const part of rules.layer) if (!names.has(`blk.${i}.${part}.weight`)) fail(`tensor blk.${i}.${part}.weight is missing`);
    const embd = w.tensorSpecs().find((t) => t.name === "token_embd.weight")!;
    if (embd.dims[0] !== nEmbd || embd.dims[1] !== tokens.length) fail(`token_embd is [${embd.dims.join(", ")}], expected [${nEmbd}, ${tokens.length}]`);
}

function hasKind(value: MetadataValue, kind: Kind): boolean {
    switch (kind) {
        case "u32": return value.type === GgufValueType.Uint32;
        case "f32": return value.type === GgufValueType.Float32;
        case "string": return value.type === GgufValueType.String;
        case "bool[]": return value.type === GgufValueType.Array && value.itemType === GgufValueType.Bool;
        case "string[]": return value.type === GgufValueType.Array && value.itemType === GgufValueType.String && value.value.length > 0;
        case "i32[]": return value.type === GgufValueType.Array && value.itemType === GgufValueType.Int32;
    }
}

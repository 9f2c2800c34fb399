// GGUF format constants shared by the header reader (runtime) and the test-model writer (scripts/testModels).
// Reference: ggml's docs/gguf.md and ggml/include/ggml.h in the llama.cpp release node-llama-cpp ships.

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
/** Versions this reader understands: 2 and 3 share one layout (64-bit counts), 1 used 32-bit counts. */
export const GGUF_SUPPORTED_VERSIONS: readonly number[] = [2, 3];
export const GGUF_WRITE_VERSION = 3;
/** Tensor data alignment when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

export enum GgufValueType {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12
}

/** Bytes one scalar of a fixed-size value type takes; strings and arrays have no fixed size. */
export const GGUF_SCALAR_SIZE: Readonly<Partial<Record<GgufValueType, number>>> = {
    [GgufValueType.Uint8]: 1,
    [GgufValueType.Int8]: 1,
    [GgufValueType.Uint16]: 2,
    [GgufValueType.Int16]: 2,
    [GgufValueType.Uint32]: 4,
    [GgufValueType.Int32]: 4,
    [GgufValueType.Float32]: 4,
    [GgufValueType.Bool]: 1,
    [GgufValueType.Uint64]: 8,
    [GgufValueType.Int64]: 8,
    [GgufValueType.Float64]: 8
};

export enum GgmlType {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
    NVFP4 = 40,
    Q1_0 = 41,
    Q2_0 = 42
}

/** Elements per block and bytes per block of each tensor type (ggml's type_traits). */
export const GGML_TYPE_LAYOUT: Readonly<Record<number, {blockSize: number, blockBytes: number}>> = {
    [GgmlType.F32]: {blockSize: 1, blockBytes: 4},
    [GgmlType.F16]: {blockSize: 1, blockBytes: 2},
    [GgmlType.Q4_0]: {blockSize: 32, blockBytes: 18},
    [GgmlType.Q4_1]: {blockSize: 32, blockBytes: 20},
    [GgmlType.Q5_0]: {blockSize: 32, blockBytes: 22},
    [GgmlType.Q5_1]: {blockSize: 32, blockBytes: 24},
    [GgmlType.Q8_0]: {blockSize: 32, blockBytes: 34},
    [GgmlType.Q8_1]: {blockSize: 32, blockBytes: 36},
    [GgmlType.Q2_K]: {blockSize: 256, blockBytes: 84},
    [GgmlType.Q3_K]: {blockSize: 256, blockBytes: 110},
    [GgmlType.Q4_K]: {blockSize: 256, blockBytes: 144},
    [GgmlType.Q5_K]: {blockSize: 256, blockBytes: 176},
    [GgmlType.Q6_K]: {blockSize: 256, blockBytes: 210},
    [GgmlType.Q8_K]: {blockSize: 256, blockBytes: 292},
    [GgmlType.IQ2_XXS]: {blockSize: 256, blockBytes: 66},
    [GgmlType.IQ2_XS]: {blockSize: 256, blockBytes: 74},
    [GgmlType.IQ3_XXS]: {blockSize: 256, blockBytes: 98},
    [GgmlType.IQ1_S]: {blockSize: 256, blockBytes: 50},
    [GgmlType.IQ4_NL]: {blockSize: 32, blockBytes: 18},
    [GgmlType.IQ3_S]: {blockSize: 256, blockBytes: 110},
    [GgmlType.IQ2_S]: {blockSize: 256, blockBytes: 82},
    [GgmlType.IQ4_XS]: {blockSize: 256, blockBytes: 136},
    [GgmlType.I8]: {blockSize: 1, blockBytes: 1},
    [GgmlType.I16]: {blockSize: 1, blockBytes: 2},
    [GgmlType.I32]: {blockSize: 1, blockBytes: 4},
    [GgmlType.I64]: {blockSize: 1, blockBytes: 8},
    [GgmlType.F64]: {blockSize: 1, blockBytes: 8},
    [GgmlType.IQ1_M]: {blockSize: 256, blockBytes: 56},
    [GgmlType.BF16]: {blockSize: 1, blockBytes: 2},
    [GgmlType.TQ1_0]: {blockSize: 256, blockBytes: 54},
    [GgmlType.TQ2_0]: {blockSize: 256, blockBytes: 66},
    [GgmlType.MXFP4]: {blockSize: 32, blockBytes: 17},
    [GgmlType.NVFP4]: {blockSize: 64, blockBytes: 36},
    [GgmlType.Q1_0]: {blockSize: 128, blockBytes: 18},
    [GgmlType.Q2_0]: {blockSize: 64, blockBytes: 18}
};

/** llama.cpp's token types (tokenizer.ggml.token_type). */
export enum GgufTokenType {
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6
}

/** Architecture of Gemma 4 MTP drafters: they cannot run alone, only beside a gemma4 target. */
export const MTP_DRAFTER_ARCHITECTURES: readonly string[] = ["gemma4-assistant"];

/** Metadata keys of the FIM special tokens, by role. */
export const FIM_TOKEN_KEYS = {
    prefix: "tokenizer.ggml.fim_pre_token_id",
    suffix: "tokenizer.ggml.fim_suf_token_id",
    middle: "tokenizer.ggml.fim_mid_token_id",
    pad: "tokenizer.ggml.fim_pad_token_id",
    repo: "tokenizer.ggml.fim_rep_token_id",
    fileSeparator: "tokenizer.ggml.fim_sep_token_id"
} as const;
export type FimRole = keyof typeof FIM_TOKEN_KEYS;

/** Byte size of `elementCount` elements of a tensor type, or undefined for a type this table lacks. */
export function ggmlTensorBytes(type: number, elementCount: bigint): bigint | undefined {
    const layout = GGML_TYPE_LAYOUT[type];
    if (layout === undefined) return undefined;
    const blocks = (elementCount + BigInt(layout.blockSize) - 1n) / BigInt(layout.blockSize);
    return blocks * BigInt(layout.blockBytes);
}

export function alignUp(value: bigint, alignment: number): bigint {
    const a = BigInt(alignment);
    return ((value + a - 1n) / a) * a;
}

// Weight types the test models can write their big matrices in: F32, F16, BF16, and ggml's block-quantized Q8_0
// and Q4_0 (layout of ggml/src/ggml-common.h, rounding of ggml-quants.c's reference quantizers):
// Q8_0 = {f16 d; int8 qs[32]}, value = qs[j]·d; Q4_0 = {f16 d; uint8 qs[16]}, element j in the low nibble of
// qs[j], element j+16 in its high nibble, value = (nibble − 8)·d. generate.ts says which the targets use and why.
import {GgmlType, GGML_TYPE_LAYOUT, ggmlTensorBytes} from "../../src/runtime/models/gguf/constants";
import {f32Bytes, fromHalf, randomF16, toHalf, zerosF16} from "./tensorData";

export type QuantizedType = GgmlType.Q8_0 | GgmlType.Q4_0;
export type WeightType = GgmlType.F32 | GgmlType.F16 | GgmlType.BF16 | QuantizedType;

const BLOCK = 32;

function checkBlocks(type: QuantizedType, count: number): number {
    if (count % BLOCK !== 0) throw new Error(`${GgmlType[type]} needs a multiple of ${BLOCK} values, got ${count}`);
    return count / BLOCK;
}

/** Bytes of `count` values of `type`. */
export function tensorBytes(type: GgmlType, count: number): number {
    const bytes = ggmlTensorBytes(type, BigInt(count));
    if (bytes === undefined) throw new Error(`unknown tensor type ${type}`);
    return Number(bytes);
}

export function quantizeQ8_0(values: Float32Array): Uint8Array {
    const blocks = checkBlocks(GgmlType.Q8_0, values.length);
    const out = new Uint8Array(blocks * GGML_TYPE_LAYOUT[GgmlType.Q8_0].blockBytes);
    const view = new DataView(out.buffer);
    for (let b = 0; b < blocks; b++) {
        let amax = 0;
        for (let j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(values[b * BLOCK + j]));
        const d = Math.fround(amax / 127);
        const id = d !== 0 ? Math.fround(1 / d) : 0;
        const at = b * 34;
        view.setUint16(at, toHalf(d), true);
        // C's roundf: halves away from zero.
        for (let j = 0; j < BLOCK; j++) view.setInt8(at + 2 + j, roundAway(Math.fround(values[b * BLOCK + j] * id)));
    }
    return out;
}

export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const blocks = bytes.byteLength / 34;
    const out = new Float32Array(blocks * BLOCK);
    for (let b = 0; b < blocks; b++) {
        const d = fromHalf(view.getUint16(b * 34, true));
        for (let j = 0; j < BLOCK; j++) out[b * BLOCK + j] = view.getInt8(b * 34 + 2 + j) * d;
    }
    return out;
}

export function quantizeQ4_0(values: Float32Array): Uint8Array {
    const blocks = checkBlocks(GgmlType.Q4_0, values.length);
    const out = new Uint8Array(blocks * GGML_TYPE_LAYOUT[GgmlType.Q4_0].blockBytes);
    const view = new DataView(out.buffer);
    for (let b = 0; b < blocks; b++) {
        // The signed value of largest magnitude maps to −8, the one nibble value with no positive twin.
        let amax = 0, max = 0;
        for (let j = 0; j < BLOCK; j++) {
            const v = values[b * BLOCK + j];
            if (amax < Math.abs(v)) { amax = Math.abs(v); max = v; }
        }
        const d = Math.fround(max / -8);
        const id = d !== 0 ? Math.fround(1 / d) : 0;
        const at = b * 18;
        view.setUint16(at, toHalf(d), true);
        const nibble = (v: number) => Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
        for (let j = 0; j < BLOCK / 2; j++) {
            out[at + 2 + j] = nibble(values[b * BLOCK + j]) | (nibble(values[b * BLOCK + BLOCK / 2 + j]) << 4);
        }
    }
    return out;
}

export function dequantizeQ4_0(bytes: Uint8Array): Float32Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const blocks = bytes.byteLength / 18;
    const out = new Float32Array(blocks * BLOCK);
    for (let b = 0; b < blocks; b++) {
        const d = fromHalf(view.getUint16(b * 18, true));
        for (let j = 0; j < BLOCK / 2; j++) {
            const q = bytes[b * 18 + 2 + j];
            out[b * BLOCK + j] = ((q & 0x0f) - 8) * d;
            out[b * BLOCK + BLOCK / 2 + j] = ((q >>> 4) - 8) * d;
        }
    }
    return out;
}

function roundAway(x: number): number {
    return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Deterministic pseudo-random quantized weights with |x| below 2^-4 (like `randomF16`), drawn straight as blocks:
 * every block's scale is fixed and its quants random, so no float quantization is needed for 100M values.
 */
export function randomQuantized(type: QuantizedType, count: number, seed: number): Uint8Array {
    const blocks = checkBlocks(type, count);
    const blockBytes = GGML_TYPE_LAYOUT[type].blockBytes;
    const out = new Uint8Array(blocks * blockBytes);
    const scale = toHalf(type === GgmlType.Q8_0 ? 2 ** -4 / 127 : 2 ** -4 / 8);
    let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
    for (let b = 0; b < blocks; b++) {
        const at = b * blockBytes;
        out[at] = scale & 0xff;
        out[at + 1] = scale >>> 8;
        for (let j = at + 2; j < at + blockBytes; j++) {
            s ^= s << 13; s >>>= 0;
            s ^= s >>> 17;
            s ^= s << 5; s >>>= 0;
            // Q8_0: any int8 but −128 (ggml never writes it); Q4_0: any two nibbles.
            out[j] = type === GgmlType.Q8_0 ? ((s & 0xff) === 0x80 ? 0x81 : s & 0xff) : s & 0xff;
        }
    }
    return out;
}

/** Zeros in any type: all-zero bytes are zero in F16, F32, Q8_0 (d = 0) and Q4_0 (d = 0). */
export function zerosOf(type: GgmlType, count: number): Uint8Array {
    return new Uint8Array(tensorBytes(type, count));
}

/** Fillers for a model's big matrices in `type`: random weights whose values do not matter, and zeros. */
export function matrixFills(type: WeightType): {random: (count: number, seed: number) => Uint8Array, zeros: (count: number) => Uint8Array} {
    if (type === GgmlType.F16) return {random: randomF16, zeros: zerosF16};
    if (type === GgmlType.F32) return {random: randomF32, zeros: (count) => new Uint8Array(count * 4)};
    if (type === GgmlType.BF16) return {random: randomBF16, zeros: (count) => new Uint8Array(count * 2)};
    return {random: (count, seed) => randomQuantized(type, count, seed), zeros: (count) => zerosOf(type, count)};
}

/** `general.file_type` (llama.cpp's LLAMA_FTYPE_MOSTLY_*) of a model whose big matrices are `type`. */
export function fileTypeOf(type: WeightType): number {
    switch (type) {
        case GgmlType.F32: return 0;
        case GgmlType.F16: return 1;
        case GgmlType.BF16: return 32;
        case GgmlType.Q4_0: return 2;
        case GgmlType.Q8_0: return 7;
    }
}

/** `randomF16`'s values widened to float32. */
function randomF32(count: number, seed: number): Uint8Array {
    const halves = new Uint16Array(randomF16(count, seed).buffer);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = fromHalf(halves[i]);
    return f32Bytes(out);
}

/** `randomF16`'s values as bfloat16, their mantissas truncated to bfloat16's 7 bits (any small value will do). */
function randomBF16(count: number, seed: number): Uint8Array {
    const halves = new Uint16Array(randomF16(count, seed).buffer);
    const out = new Uint16Array(count);
    const f = new Float32Array(1), u = new Uint32Array(f.buffer);
    for (let i = 0; i < count; i++) { f[0] = fromHalf(halves[i]); out[i] = u[0] >>> 16; }
    return new Uint8Array(out.buffer);
}

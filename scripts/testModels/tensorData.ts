// Tensor payloads: float32 → float16 conversion, constant and deterministic pseudo-random fills.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half from a float32, rounding to nearest even. */
export function toHalf(value: number): number {
    f32[0] = value;
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
    let e = exponent - 127 + 15;
    if (e >= 0x1f) return sign | 0x7c00;
    if (e <= 0) {
        if (e < -10) return sign;
        mantissa |= 0x800000;
        const shift = 14 - e;
        let half = mantissa >>> shift;
        const rest = mantissa & ((1 << shift) - 1);
        const halfway = 1 << (shift - 1);
        if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
        return sign | half;
    }
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
    return sign | half;
}

/** float16 bits → number (used to report what the file really holds). */
export function fromHalf(bits: number): number {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function f32Bytes(values: Float32Array): Uint8Array {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function f16Bytes(values: Uint16Array): Uint8Array {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function filledF32(count: number, value: number): Uint8Array {
    return f32Bytes(new Float32Array(count).fill(value));
}

export function zerosF16(count: number): Uint8Array {
    return new Uint8Array(count * 2);
}

/**
 * Deterministic small random halves (|x| in [2^-8, 2^-4)), drawn straight as bit patterns: weights whose values
 * do not matter for the output but whose matrix products still cost real time.
 */
export function randomF16(count: number, seed: number): Uint8Array {
    const out = new Uint16Array(count);
    let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
    for (let i = 0; i < count; i++) {
        s ^= s << 13; s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5; s >>>= 0;
        out[i] = (s & 0x8000) | ((7 + ((s >>> 10) & 3)) << 10) | (s & 0x3ff);
    }
    return f16Bytes(out);
}

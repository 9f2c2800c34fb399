// Weight matrices that make a model's output exactly a logit table: token t embeds as the one-hot vector e_t, every
// block's output projection is zero (so the residual stream still holds e_t, scaled, after all the real compute),
// and the output matrix reads the table row back out of the final RMS norm.
import {f16Bytes, toHalf} from "./tensorData";
import type {LogitTable} from "./bigrams";

/** token_embd {n_embd, V}: row t is `value` at column t, zero elsewhere. */
export function oneHotEmbedding(vocabSize: number, nEmbd: number, value = 1): Uint8Array {
    if (nEmbd < vocabSize) throw new Error(`one-hot embedding needs n_embd (${nEmbd}) >= vocab size (${vocabSize})`);
    const out = new Uint16Array(vocabSize * nEmbd);
    const half = toHalf(value);
    for (let t = 0; t < vocabSize; t++) out[t * nEmbd + t] = half;
    return f16Bytes(out);
}

/**
 * The value of component t of RMSNorm(c·e_t) in a space of n_embd dimensions, i.e. c / sqrt(c²/n + eps),
 * before the (all-ones) norm weight: what the output matrix multiplies.
 */
export function normedOneHot(c: number, nEmbd: number, eps: number): number {
    return c / Math.sqrt((c * c) / nEmbd + eps);
}

/** output {n_embd, V}: row v holds table[t → v] / scale at column t, so logit_v = table[current][v]. */
export function tableOutputMatrix(table: LogitTable, nEmbd: number, scale: number): Uint8Array {
    const V = table.vocabSize;
    const out = new Uint16Array(V * nEmbd);
    for (let v = 0; v < V; v++) {
        const row = v * nEmbd;
        for (let t = 0; t < V; t++) out[row + t] = toHalf(table.logits[t * V + v] / scale);
    }
    return f16Bytes(out);
}

/** A {n_in, n_out} matrix copying input column j to output row j for j < count (zero elsewhere). */
export function partialIdentity(nIn: number, nOut: number, count: number, value = 1): Uint8Array {
    const out = new Uint16Array(nIn * nOut);
    const half = toHalf(value);
    for (let j = 0; j < count; j++) out[j * nIn + j] = half;
    return f16Bytes(out);
}

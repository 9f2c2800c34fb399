// Weights of the gemma4 models over an alphabet of slots (gemma4Alphabet.ts), for a 262,144-token vocabulary:
// token t embeds as e_slot(t) + e_bias, so after the zeroed blocks and the final RMS norm the hidden state is
// h·(e_slot + e_bias) for one constant h; the output matrix's row v reads the table at column slot for a token of
// the alphabet, and `floor` through the bias column for every other token. The big tables are quantized the way
// real Gemma 4 GGUFs ship (Q4_0 embedding, Q8_0 output) and stay exact where it matters: a one-hot row is exact
// in Q4_0, and Q8_0's rounding (at most amax/254 per block, about 0.12 logit) stays under the table's margins.
import {GGML_TYPE_LAYOUT, GgmlType} from "../../src/runtime/models/gguf/constants";
import type {Alphabet} from "./gemma4Alphabet";
import type {LogitTable} from "./bigrams";
import {quantizeQ8_0} from "./quantize";
import {toHalf} from "./tensorData";

/** The value each of the two set components of RMSNorm(c·(e_slot + e_bias)) has in n dimensions. */
export function normedSlotValue(c: number, nEmbd: number, eps: number): number {
    return c / Math.sqrt((2 * c * c) / nEmbd + eps);
}

/** token_embd {n_embd, V} in Q4_0: row t is 1 at slot(t) and at the bias slot. */
export function slotEmbeddingQ4_0(alphabet: Alphabet, vocabSize: number, nEmbd: number): Uint8Array {
    if (nEmbd < alphabet.size + 1) throw new Error(`slot embedding needs n_embd (${nEmbd}) >= ${alphabet.size + 1} slots`);
    const blockBytes = GGML_TYPE_LAYOUT[GgmlType.Q4_0].blockBytes;
    const blocksPerRow = nEmbd / 32;
    const out = new Uint8Array(vocabSize * blocksPerRow * blockBytes);
    // A block whose set values are 1: d = 1/-8, set values are nibble 0 ((0 - 8)·d = 1), the rest nibble 8 (0).
    const d = toHalf(-1 / 8);
    const zeroByte = 0x88;
    for (let t = 0; t < vocabSize; t++) {
        const rowAt = t * blocksPerRow * blockBytes;
        for (let b = 0; b < blocksPerRow; b++) out.fill(zeroByte, rowAt + b * blockBytes + 2, rowAt + (b + 1) * blockBytes);
        for (const slot of [alphabet.slotOf[t], alphabet.bias]) {
            const at = rowAt + Math.floor(slot / 32) * blockBytes;
            out[at] = d & 0xff;
            out[at + 1] = d >>> 8;
            const j = slot % 32;
            const byte = at + 2 + (j % 16);
            out[byte] = j < 16 ? out[byte] & 0xf0 : out[byte] & 0x0f;
        }
    }
    return out;
}

/** output {n_embd, V} in Q8_0: logit_v = table[slot(current)][slot(v)] for alphabet tokens, `floor` for the rest. */
export function slotOutputQ8_0(table: LogitTable, alphabet: Alphabet, vocabSize: number, nEmbd: number, scale: number, floor: number): Uint8Array {
    const S = table.vocabSize;
    if (S !== alphabet.size) throw new Error(`table has ${S} slots, alphabet ${alphabet.size}`);
    const rowBytes = (nEmbd / 32) * GGML_TYPE_LAYOUT[GgmlType.Q8_0].blockBytes;
    const out = new Uint8Array(vocabSize * rowBytes);
    const row = new Float32Array(nEmbd);
    row[alphabet.bias] = floor / scale;
    const outside = quantizeQ8_0(row);
    for (let v = 0; v < vocabSize; v++) {
        const u = alphabet.slotOf[v];
        if (u === alphabet.fallback) { out.set(outside, v * rowBytes); continue; }
        row.fill(0);
        for (let s = 0; s < S; s++) row[s] = table.logits[s * S + u] / scale;
        out.set(quantizeQ8_0(row), v * rowBytes);
    }
    return out;
}

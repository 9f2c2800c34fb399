// `gemma4` architecture test model: Gemma 4's own block (sliding-window and full layers with their own head sizes,
// q/k norms, proportional RoPE through `rope_freqs`, per-layer token inputs, post-norms, logit softcapping), with
// every block's contribution zeroed so the logits are a bigram table over an alphabet of slots of real Gemma 4's
// vocabulary (gemma4Alphabet.ts, slotWeights.ts). Norm weights are used as stored (no +1).
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import type {LogitTable} from "./bigrams";
import {GgufWriter, kv} from "./gguf";
import {f32Bytes, filledF32, randomF16} from "./tensorData";
import {fileTypeOf, matrixFills, type WeightType} from "./quantize";
import type {Alphabet} from "./gemma4Alphabet";
import {writeGemma4Tokenizer, type RealVocab} from "./gemma4RealVocab";
import {normedSlotValue, slotEmbeddingQ4_0, slotOutputQ8_0} from "./slotWeights";

export interface Gemma4Dims {
    nEmbd: number;
    /** true = sliding-window layer. A target an MTP drafter pairs with must end [..., true, false]. */
    swaPattern: boolean[];
    nHead: number;
    nHeadKv: number;
    headDimFull: number;
    headDimSwa: number;
    nFf: number;
    nEmbdPerLayer: number;
    slidingWindow: number;
    contextLength: number;
    /** Type of the attention and FFN matrices (the embedding is Q4_0, the output table Q8_0, per-layer inputs F16). */
    weightType: WeightType;
}

export const GEMMA4_RMS_EPS = 1e-6;
export const GEMMA4_SOFTCAP = 30;
/** Full-attention layers rotate only this fraction of each head (Gemma 4's "proportional" RoPE). */
export const GEMMA4_PARTIAL_ROTARY = 0.25;

/** Keys shared by gemma4 and gemma4-assistant (attention geometry and RoPE). */
export function writeGemma4AttentionKeys(w: GgufWriter, arch: string, dims: Omit<Gemma4Dims, "nEmbdPerLayer" | "weightType">): void {
    w.set(`${arch}.context_length`, kv.u32(dims.contextLength))
        .set(`${arch}.embedding_length`, kv.u32(dims.nEmbd))
        .set(`${arch}.block_count`, kv.u32(dims.swaPattern.length))
        .set(`${arch}.feed_forward_length`, kv.u32(dims.nFf))
        .set(`${arch}.attention.head_count`, kv.u32(dims.nHead))
        .set(`${arch}.attention.head_count_kv`, kv.u32(dims.nHeadKv))
        .set(`${arch}.attention.layer_norm_rms_epsilon`, kv.f32(GEMMA4_RMS_EPS))
        .set(`${arch}.attention.key_length`, kv.u32(dims.headDimFull))
        .set(`${arch}.attention.value_length`, kv.u32(dims.headDimFull))
        .set(`${arch}.attention.key_length_swa`, kv.u32(dims.headDimSwa))
        .set(`${arch}.attention.value_length_swa`, kv.u32(dims.headDimSwa))
        .set(`${arch}.attention.sliding_window`, kv.u32(dims.slidingWindow))
        .set(`${arch}.attention.sliding_window_pattern`, kv.bools(dims.swaPattern))
        .set(`${arch}.attention.shared_kv_layers`, kv.u32(0))
        .set(`${arch}.rope.dimension_count`, kv.u32(dims.headDimFull))
        .set(`${arch}.rope.dimension_count_swa`, kv.u32(dims.headDimSwa))
        .set(`${arch}.rope.freq_base`, kv.f32(1_000_000))
        .set(`${arch}.rope.freq_base_swa`, kv.f32(10_000));
}

/** rope_freqs {head_dim_full/2}: factor 1 on rotated pairs, 1e30 (no rotation) on the rest. */
export function ropeFreqs(headDimFull: number): Uint8Array {
    const pairs = headDimFull / 2;
    const rotated = Math.round(headDimFull * GEMMA4_PARTIAL_ROTARY / 2);
    const values = new Float32Array(pairs);
    for (let i = 0; i < pairs; i++) values[i] = i < rotated ? 1 : 1e30;
    return f32Bytes(values);
}

/** Logit every token outside the alphabet gets, through the bias slot. */
export const GEMMA4_OUTSIDE_LOGIT = -30;

export function buildGemma4Model(name: string, vocab: RealVocab, alphabet: Alphabet, table: LogitTable, dims: Gemma4Dims, seed: number): GgufWriter {
    const {nEmbd, nHead, nHeadKv, nFf, nEmbdPerLayer: nPl} = dims;
    const nLayer = dims.swaPattern.length;
    const V = vocab.tokens.length;
    const w = new GgufWriter();
    w.set("general.architecture", kv.str("gemma4"))
        .set("general.name", kv.str(name))
        .set("general.file_type", kv.u32(fileTypeOf(dims.weightType)));
    writeGemma4AttentionKeys(w, "gemma4", dims);
    w.set("gemma4.embedding_length_per_layer_input", kv.u32(nPl))
        .set("gemma4.final_logit_softcapping", kv.f32(GEMMA4_SOFTCAP));
    writeGemma4Tokenizer(w, vocab);

    const f16 = GgmlType.F16, f32 = GgmlType.F32, wt = dims.weightType;
    const {random, zeros} = matrixFills(wt);
    const ones = (n: number) => () => filledF32(n, 1);
    // Gemma scales input embeddings by sqrt(n_embd); the final RMS norm then sees sqrt(n_embd)·(e_slot + e_bias).
    const scale = normedSlotValue(Math.sqrt(nEmbd), nEmbd, GEMMA4_RMS_EPS);
    // Per-layer inputs have a row per token of the vocabulary: F16 and narrow (their projection back is zero anyway).
    w.addTensor({name: "token_embd.weight", dims: [nEmbd, V], type: GgmlType.Q4_0, data: () => slotEmbeddingQ4_0(alphabet, V, nEmbd)})
        .addTensor({name: "per_layer_token_embd.weight", dims: [nPl * nLayer, V], type: f16, data: () => randomF16(nPl * nLayer * V, seed * 100 + 90)})
        .addTensor({name: "per_layer_model_proj.weight", dims: [nEmbd, nPl * nLayer], type: wt, data: () => random(nEmbd * nPl * nLayer, seed * 100 + 91)})
        .addTensor({name: "per_layer_proj_norm.weight", dims: [nPl], type: f32, data: ones(nPl)})
        .addTensor({name: "rope_freqs.weight", dims: [dims.headDimFull / 2], type: f32, data: () => ropeFreqs(dims.headDimFull)});
    for (let i = 0; i < nLayer; i++) {
        const p = `blk.${i}`;
        const s = seed * 100 + i * 10;
        const hd = dims.swaPattern[i] ? dims.headDimSwa : dims.headDimFull;
        w.addTensor({name: `${p}.attn_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.attn_q.weight`, dims: [nEmbd, hd * nHead], type: wt, data: () => random(nEmbd * hd * nHead, s + 1)})
            .addTensor({name: `${p}.attn_k.weight`, dims: [nEmbd, hd * nHeadKv], type: wt, data: () => random(nEmbd * hd * nHeadKv, s + 2)})
            .addTensor({name: `${p}.attn_v.weight`, dims: [nEmbd, hd * nHeadKv], type: wt, data: () => random(nEmbd * hd * nHeadKv, s + 3)})
            .addTensor({name: `${p}.attn_q_norm.weight`, dims: [hd], type: f32, data: ones(hd)})
            .addTensor({name: `${p}.attn_k_norm.weight`, dims: [hd], type: f32, data: ones(hd)})
            .addTensor({name: `${p}.attn_output.weight`, dims: [hd * nHead, nEmbd], type: wt, data: () => zeros(hd * nHead * nEmbd)})
            .addTensor({name: `${p}.post_attention_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.ffn_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.ffn_gate.weight`, dims: [nEmbd, nFf], type: wt, data: () => random(nEmbd * nFf, s + 4)})
            .addTensor({name: `${p}.ffn_up.weight`, dims: [nEmbd, nFf], type: wt, data: () => random(nEmbd * nFf, s + 5)})
            .addTensor({name: `${p}.ffn_down.weight`, dims: [nFf, nEmbd], type: wt, data: () => zeros(nFf * nEmbd)})
            .addTensor({name: `${p}.post_ffw_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.inp_gate.weight`, dims: [nEmbd, nPl], type: wt, data: () => random(nEmbd * nPl, s + 6)})
            .addTensor({name: `${p}.proj.weight`, dims: [nPl, nEmbd], type: wt, data: () => zeros(nPl * nEmbd)})
            .addTensor({name: `${p}.post_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.layer_output_scale.weight`, dims: [1], type: f32, data: ones(1)});
    }
    w.addTensor({name: "output_norm.weight", dims: [nEmbd], type: f32, data: ones(nEmbd)})
        .addTensor({name: "output.weight", dims: [nEmbd, V], type: GgmlType.Q8_0, data: () => slotOutputQ8_0(table, alphabet, V, nEmbd, scale, GEMMA4_OUTSIDE_LOGIT)});
    return w;
}

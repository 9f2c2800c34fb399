// `llama` architecture test model: bigram logits through real attention and SwiGLU blocks whose outputs are zeroed.
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import type {LogitTable} from "./bigrams";
import {GgufWriter, kv} from "./gguf";
import {filledF32} from "./tensorData";
import {fileTypeOf, matrixFills, type WeightType} from "./quantize";
import {writeLlamaTokenizer} from "./vocabularies";
import type {Vocab} from "./tokenizer";
import {normedOneHot, oneHotEmbedding, tableOutputMatrix} from "./weights";

export interface LlamaDims {
    nEmbd: number;
    nLayer: number;
    nHead: number;
    nHeadKv: number;
    nFf: number;
    contextLength: number;
    /** Type of the attention and FFN matrices (the embedding and output table stay F16). */
    weightType: WeightType;
}

const RMS_EPS = 1e-5;

export function buildLlamaModel(name: string, vocab: Vocab, table: LogitTable, dims: LlamaDims, seed: number): GgufWriter {
    const {nEmbd, nLayer, nHead, nHeadKv, nFf} = dims;
    const V = vocab.tokens.length;
    const headDim = nEmbd / nHead;
    if (!Number.isInteger(headDim)) throw new Error(`${name}: n_embd ${nEmbd} is not a multiple of ${nHead} heads`);
    const w = new GgufWriter();
    w.set("general.architecture", kv.str("llama"))
        .set("general.name", kv.str(name))
        .set("general.file_type", kv.u32(fileTypeOf(dims.weightType)))
        .set("llama.context_length", kv.u32(dims.contextLength))
        .set("llama.embedding_length", kv.u32(nEmbd))
        .set("llama.block_count", kv.u32(nLayer))
        .set("llama.feed_forward_length", kv.u32(nFf))
        .set("llama.attention.head_count", kv.u32(nHead))
        .set("llama.attention.head_count_kv", kv.u32(nHeadKv))
        .set("llama.attention.layer_norm_rms_epsilon", kv.f32(RMS_EPS))
        .set("llama.rope.dimension_count", kv.u32(headDim))
        .set("llama.rope.freq_base", kv.f32(10000))
        .set("llama.vocab_size", kv.u32(V));
    writeLlamaTokenizer(w, vocab);

    const f16 = GgmlType.F16, f32 = GgmlType.F32, wt = dims.weightType;
    const {random, zeros} = matrixFills(wt);
    const scale = normedOneHot(1, nEmbd, RMS_EPS);
    w.addTensor({name: "token_embd.weight", dims: [nEmbd, V], type: f16, data: () => oneHotEmbedding(V, nEmbd)});
    for (let i = 0; i < nLayer; i++) {
        const p = `blk.${i}`;
        const s = seed * 100 + i * 10;
        w.addTensor({name: `${p}.attn_norm.weight`, dims: [nEmbd], type: f32, data: () => filledF32(nEmbd, 1)})
            .addTensor({name: `${p}.attn_q.weight`, dims: [nEmbd, nEmbd], type: wt, data: () => random(nEmbd * nEmbd, s + 1)})
            .addTensor({name: `${p}.attn_k.weight`, dims: [nEmbd, headDim * nHeadKv], type: wt, data: () => random(nEmbd * headDim * nHeadKv, s + 2)})
            .addTensor({name: `${p}.attn_v.weight`, dims: [nEmbd, headDim * nHeadKv], type: wt, data: () => random(nEmbd * headDim * nHeadKv, s + 3)})
            .addTensor({name: `${p}.attn_output.weight`, dims: [nEmbd, nEmbd], type: wt, data: () => zeros(nEmbd * nEmbd)})
            .addTensor({name: `${p}.ffn_norm.weight`, dims: [nEmbd], type: f32, data: () => filledF32(nEmbd, 1)})
            .addTensor({name: `${p}.ffn_gate.weight`, dims: [nEmbd, nFf], type: wt, data: () => random(nEmbd * nFf, s + 4)})
            .addTensor({name: `${p}.ffn_up.weight`, dims: [nEmbd, nFf], type: wt, data: () => random(nEmbd * nFf, s + 5)})
            .addTensor({name: `${p}.ffn_down.weight`, dims: [nFf, nEmbd], type: wt, data: () => zeros(nFf * nEmbd)});
    }
    w.addTensor({name: "output_norm.weight", dims: [nEmbd], type: f32, data: () => filledF32(nEmbd, 1)})
        .addTensor({name: "output.weight", dims: [nEmbd, V], type: f16, data: () => tableOutputMatrix(table, nEmbd, scale)});
    return w;
}

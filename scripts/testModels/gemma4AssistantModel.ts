// `gemma4-assistant` MTP drafter. llama.cpp feeds it [target_tok_embd(token)·sqrt(n_embd_target) ; h_target],
// projects that to its own width (nextn.pre_projection), runs query-only attention over the TARGET's KV cache
// (its sliding layers read the target's layer n-2, its full layers layer n-1) and reads logits through its own
// token_embd. Here the pre-projection keeps only the token part (the target's slots, slotWeights.ts) in the
// drafter's width, so its draft after token t is the argmax of its table row slot(t): the target's bigram choice
// except on the rows chosen to differ.
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import type {LogitTable} from "./bigrams";
import {GgufWriter, kv} from "./gguf";
import type {Alphabet} from "./gemma4Alphabet";
import {GEMMA4_OUTSIDE_LOGIT, GEMMA4_RMS_EPS, ropeFreqs, writeGemma4AttentionKeys} from "./gemma4Model";
import {writeGemma4Tokenizer, type RealVocab} from "./gemma4RealVocab";
import {normedSlotValue, slotOutputQ8_0} from "./slotWeights";
import {filledF32, randomF16, zerosF16} from "./tensorData";
import {partialIdentity} from "./weights";

export interface Gemma4AssistantDims {
    nEmbd: number;
    /** The target's hidden size (embedding_length_out); must differ from nEmbd, as llama.cpp requires. */
    nEmbdTarget: number;
    swaPattern: boolean[];
    nHead: number;
    /** Head geometry must equal the target's: the drafter attends over the target's KV cache. */
    nHeadKv: number;
    headDimFull: number;
    headDimSwa: number;
    nFf: number;
    slidingWindow: number;
    contextLength: number;
}

export function buildGemma4AssistantModel(name: string, vocab: RealVocab, alphabet: Alphabet, table: LogitTable, dims: Gemma4AssistantDims, seed: number): GgufWriter {
    const {nEmbd, nEmbdTarget, nHead, nFf} = dims;
    const nLayer = dims.swaPattern.length;
    const V = vocab.tokens.length;
    if (nEmbd === nEmbdTarget) throw new Error(`${name}: the drafter's width must differ from the target's (${nEmbd})`);
    const w = new GgufWriter();
    w.set("general.architecture", kv.str("gemma4-assistant"))
        .set("general.name", kv.str(name))
        .set("general.file_type", kv.u32(1));
    writeGemma4AttentionKeys(w, "gemma4-assistant", dims);
    w.set("gemma4-assistant.embedding_length_out", kv.u32(nEmbdTarget))
        .set("gemma4-assistant.nextn_predict_layers", kv.u32(nLayer));
    writeGemma4Tokenizer(w, vocab);

    const f16 = GgmlType.F16, f32 = GgmlType.F32;
    const ones = (n: number) => () => filledF32(n, 1);
    // pre_proj copies the target embedding's slots (value sqrt(n_embd_target)) into the drafter's first dims; its
    // token_embd is also its LM head (llama.cpp ties them), so it holds the drafter's table in Q8_0.
    const scale = normedSlotValue(Math.sqrt(nEmbdTarget), nEmbd, GEMMA4_RMS_EPS);
    const slots = alphabet.size + 1;
    w.addTensor({name: "token_embd.weight", dims: [nEmbd, V], type: GgmlType.Q8_0, data: () => slotOutputQ8_0(table, alphabet, V, nEmbd, scale, GEMMA4_OUTSIDE_LOGIT)})
        .addTensor({name: "nextn.pre_projection.weight", dims: [2 * nEmbdTarget, nEmbd], type: f16, data: () => partialIdentity(2 * nEmbdTarget, nEmbd, slots)})
        .addTensor({name: "nextn.post_projection.weight", dims: [nEmbd, nEmbdTarget], type: f16, data: () => randomF16(nEmbd * nEmbdTarget, seed * 100 + 91)})
        .addTensor({name: "rope_freqs.weight", dims: [dims.headDimFull / 2], type: f32, data: () => ropeFreqs(dims.headDimFull)});
    for (let i = 0; i < nLayer; i++) {
        const p = `blk.${i}`;
        const s = seed * 100 + i * 10;
        const hd = dims.swaPattern[i] ? dims.headDimSwa : dims.headDimFull;
        w.addTensor({name: `${p}.attn_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.attn_q.weight`, dims: [nEmbd, hd * nHead], type: f16, data: () => randomF16(nEmbd * hd * nHead, s + 1)})
            .addTensor({name: `${p}.attn_q_norm.weight`, dims: [hd], type: f32, data: ones(hd)})
            .addTensor({name: `${p}.attn_output.weight`, dims: [hd * nHead, nEmbd], type: f16, data: () => zerosF16(hd * nHead * nEmbd)})
            .addTensor({name: `${p}.post_attention_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.layer_output_scale.weight`, dims: [1], type: f32, data: ones(1)})
            .addTensor({name: `${p}.ffn_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)})
            .addTensor({name: `${p}.ffn_gate.weight`, dims: [nEmbd, nFf], type: f16, data: () => randomF16(nEmbd * nFf, s + 4)})
            .addTensor({name: `${p}.ffn_up.weight`, dims: [nEmbd, nFf], type: f16, data: () => randomF16(nEmbd * nFf, s + 5)})
            .addTensor({name: `${p}.ffn_down.weight`, dims: [nFf, nEmbd], type: f16, data: () => zerosF16(nFf * nEmbd)})
            .addTensor({name: `${p}.post_ffw_norm.weight`, dims: [nEmbd], type: f32, data: ones(nEmbd)});
    }
    w.addTensor({name: "output_norm.weight", dims: [nEmbd], type: f32, data: ones(nEmbd)});
    return w;
}

// Tiny but well-formed GGUF files for the model-management tests, written with the project's GGUF writer:
// real headers (architecture, vocabulary, sizes) and real tensor data, a few kilobytes each.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {GgmlType} from "../../../../src/runtime/models/gguf/constants";
import {GgufWriter, kv} from "../../../../scripts/testModels/gguf";
import {filledF32} from "../../../../scripts/testModels/tensorData";

export interface TinyModelSpec {
    architecture?: string;
    name?: string;
    /** Token texts; models with equal lists share a vocabulary fingerprint. */
    tokens?: readonly string[];
    embeddingLength?: number;
    contextLength?: number;
    /** For gemma4-assistant drafters: the hidden size of the target they were made for. */
    embeddingLengthOut?: number;
    /** Omit the vocabulary entirely. */
    noVocabulary?: boolean;
    bosTokenId?: number;
    /** attention.value_length, which shapes the KV cache. */
    valueLength?: number;
}

export const gemmaTokens: readonly string[] = ["<pad>", "<eos>", "<bos>", ...Array.from({length: 61}, (_, i) => `tok${i}`)];
export const otherTokens: readonly string[] = ["<unk>", "<s>", "</s>", ...Array.from({length: 61}, (_, i) => `piece${i}`)];

export function writeTinyModel(file: string, spec: TinyModelSpec = {}): string {
    const architecture = spec.architecture ?? "gemma4";
    const tokens = spec.tokens ?? gemmaTokens;
    const embedding = spec.embeddingLength ?? 32;
    const writer = new GgufWriter()
        .set("general.architecture", kv.str(architecture))
        .set("general.name", kv.str(spec.name ?? `tiny ${architecture}`))
        .set(`${architecture}.context_length`, kv.u32(spec.contextLength ?? 4096))
        .set(`${architecture}.embedding_length`, kv.u32(embedding))
        // Two layers: llama.cpp asserts a Gemma 4 has at least two that keep their own KV cache.
        .set(`${architecture}.block_count`, kv.u32(2));
    if (spec.embeddingLengthOut !== undefined) writer.set(`${architecture}.embedding_length_out`, kv.u32(spec.embeddingLengthOut));
    if (spec.noVocabulary !== true) {
        writer.set("tokenizer.ggml.model", kv.str("llama")).set("tokenizer.ggml.tokens", kv.strings(tokens));
    }
    if (spec.bosTokenId !== undefined) writer.set("tokenizer.ggml.bos_token_id", kv.u32(spec.bosTokenId));
    if (spec.valueLength !== undefined) writer.set(`${architecture}.attention.value_length`, kv.u32(spec.valueLength));
    writer.addTensor({name: "token_embd.weight", dims: [embedding, tokens.length], type: GgmlType.F32, data: () => filledF32(embedding * tokens.length, 0.25)});
    fs.mkdirSync(path.dirname(file), {recursive: true});
    writer.write(file);
    return file;
}

/** A copy of `source` cut to `keepBytes` (a download that stopped early). */
export function writeTruncatedCopy(source: string, target: string, keepBytes: number): string {
    fs.mkdirSync(path.dirname(target), {recursive: true});
    fs.writeFileSync(target, fs.readFileSync(source).subarray(0, keepBytes));
    return target;
}

export function makeTempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-`));
}

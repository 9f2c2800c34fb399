// `npm run bench -- models [--files N]`: what model management costs. Writes GGUFs with a Gemma-sized
// vocabulary (262,144 tokens, as the real Gemma 4 files have) into a temporary home laid out like the
// Hugging Face cache and LM Studio, then times one header validation and a full discovery.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {GgufWriter, kv} from "../scripts/testModels/gguf";
import {filledF32} from "../scripts/testModels/tensorData";
import {GgmlType, GgufValueType} from "../src/runtime/models/gguf/constants";
import {discoverModels} from "../src/runtime/models/discovery";
import {defaultDownloadDirectory, defaultSearchRoots} from "../src/runtime/models/searchRoots";
import {validateModelFiles} from "../src/runtime/models/validate";
import type {Benchmark} from "./run";

const VOCAB = 262_144;

function writeGemmaSizedHeader(file: string): void {
    const tokens = Array.from({length: VOCAB}, (_, i) => `\u2581piece${i}`);
    const writer = new GgufWriter()
        .set("general.architecture", kv.str("gemma4"))
        .set("gemma4.context_length", kv.u32(131_072))
        .set("gemma4.embedding_length", kv.u32(8))
        .set("tokenizer.ggml.model", kv.str("llama"))
        .set("tokenizer.ggml.tokens", kv.strings(tokens))
        .set("tokenizer.ggml.scores", {type: GgufValueType.Array, itemType: GgufValueType.Float32, value: tokens.map(() => 0)})
        .set("tokenizer.ggml.token_type", {type: GgufValueType.Array, itemType: GgufValueType.Int32, value: tokens.map(() => 1)});
    writer.addTensor({name: "token_embd.weight", dims: [8, VOCAB], type: GgmlType.F32, data: () => filledF32(8 * VOCAB, 0.1)});
    fs.mkdirSync(path.dirname(file), {recursive: true});
    writer.write(file);
}

const models: Benchmark = async (args) => {
    const files = Number(args.options.files ?? 8);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-models-"));
    try {
        const template = path.join(home, "template.gguf");
        writeGemmaSizedHeader(template);
        for (let i = 0; i < files; i++) {
            const dir = i % 2 === 0
                ? path.join(home, ".cache", "huggingface", "hub", `models--owner--repo${i}-GGUF`, "snapshots", "rev")
                : path.join(home, ".lmstudio", "models", "owner", `repo${i}-GGUF`);
            fs.mkdirSync(dir, {recursive: true});
            fs.copyFileSync(template, path.join(dir, `model-${i}.gguf`));
        }
        const validateTimes: number[] = [];
        for (let i = 0; i < 5; i++) {
            const started = performance.now();
            validateModelFiles({modelPath: template, drafterMode: "off"});
            validateTimes.push(performance.now() - started);
        }
        const roots = defaultSearchRoots({env: {}, platform: process.platform, homeDir: home, downloadDirectory: defaultDownloadDirectory("", home)});
        let started = performance.now();
        const found = await discoverModels({roots});
        const discoveryColdMs = performance.now() - started;
        started = performance.now();
        await discoverModels({roots});
        const discoveryWarmMs = performance.now() - started;
        const median = validateTimes.sort((a, b) => a - b)[Math.floor(validateTimes.length / 2)];
        console.log(`validate (one Gemma-sized header): median ${median.toFixed(0)} ms`);
        console.log(`discovery of ${found.length} files: ${discoveryColdMs.toFixed(0)} ms cold, ${discoveryWarmMs.toFixed(0)} ms with unchanged files`);
        return {
            vocabSize: VOCAB,
            headerBytes: fs.statSync(template).size,
            validateMedianMs: Math.round(median),
            discoveredFiles: found.length,
            discoveryColdMs: Math.round(discoveryColdMs),
            discoveryWarmMs: Math.round(discoveryWarmMs)
        };
    } finally {
        fs.rmSync(home, {recursive: true, force: true});
    }
};

export default models;

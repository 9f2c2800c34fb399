// Test helpers for the generated models (scripts/testModels): their paths, their manifest, and generation on demand.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {loadCorpus} from "../../scripts/testModels/corpus";
import {writeFuzzBases, type FuzzBaseName} from "../../scripts/testModels/fuzzBases";
import {generateTestModels, MODELS_DIR, REPO_ROOT} from "../../scripts/testModels/generate";
import {loadGemma4Vocab} from "../../scripts/testModels/gemma4RealVocab";
import {findGemma4VocabFile} from "../../scripts/testModels/gemma4VocabFile";
import type {ModelEntry, ModelName, TestModelsManifest} from "../../scripts/testModels/manifest";

export type {ModelEntry, ModelName, TestModelsManifest} from "../../scripts/testModels/manifest";
export {MODEL_NAMES} from "../../scripts/testModels/manifest";
/** Real Gemma 4's vocabulary GGUF (llama.cpp's models/ggml-vocab-gemma-4.gguf), found or extracted from node-llama-cpp's bundle. */
export {findGemma4VocabFile};

/** test/fixtures/models, or $HEARTH_TEST_MODELS_DIR (models generated elsewhere, e.g. by `npm run models -- --dir PATH`). */
export const TEST_MODELS_DIR = process.env.HEARTH_TEST_MODELS_DIR ? path.resolve(process.env.HEARTH_TEST_MODELS_DIR) : MODELS_DIR;

let ensured: TestModelsManifest | undefined;

/**
 * Generates the test models in this process if they are missing or stale (under a minute), then returns the
 * manifest. Cheap after the first call: a hash of the generator sources and corpus decides.
 */
export function ensureTestModels(): TestModelsManifest {
    ensured ??= generateTestModels({dir: TEST_MODELS_DIR}).manifest;
    return ensured;
}

export function testModelPath(name: ModelName): string {
    return path.join(TEST_MODELS_DIR, `${name}.gguf`);
}

let fuzzDir: string | undefined;

/**
 * A small gemma4 model for header fuzzing (scripts/testModels/fuzzBases.ts; the real-vocabulary ones have 15 MB
 * headers), written once per process into a temporary folder: outside the models folder, which discovery scans.
 */
export function fuzzBasePath(name: FuzzBaseName): string {
    if (fuzzDir === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-fuzz-bases-"));
        process.once("exit", () => fs.rmSync(dir, {recursive: true, force: true}));
        writeFuzzBases(dir, loadCorpus(REPO_ROOT).documents.map((d) => d.text), loadGemma4Vocab(findGemma4VocabFile()).chatTemplate);
        fuzzDir = dir;
    }
    return path.join(fuzzDir, `${name}.gguf`);
}

export function testModelEntry(name: ModelName): ModelEntry {
    return ensureTestModels().models[name];
}

/** The greedy continuation a model must produce after `lastToken`, from its successor table. */
export function expectedGreedy(entry: ModelEntry, lastToken: number, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(lastToken = entry.successor[lastToken]);
    return out;
}

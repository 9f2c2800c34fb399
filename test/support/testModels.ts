// Test helpers for the generated models (scripts/testModels): their paths, their manifest, and generation on demand.
import path from "node:path";
import {generateTestModels, MODELS_DIR} from "../../scripts/testModels/generate";
import type {ModelEntry, ModelName, TestModelsManifest} from "../../scripts/testModels/manifest";

export type {ModelEntry, ModelName, TestModelsManifest} from "../../scripts/testModels/manifest";
export {MODEL_NAMES} from "../../scripts/testModels/manifest";

export const TEST_MODELS_DIR = MODELS_DIR;

let ensured: TestModelsManifest | undefined;

/**
 * Generates the test models in this process if they are missing or stale (a few seconds), then returns the
 * manifest. Cheap after the first call: a hash of the generator sources and corpus decides.
 */
export function ensureTestModels(): TestModelsManifest {
    ensured ??= generateTestModels().manifest;
    return ensured;
}

export function testModelPath(name: ModelName): string {
    return path.join(TEST_MODELS_DIR, `${name}.gguf`);
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

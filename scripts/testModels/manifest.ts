// The shape of test/fixtures/models/models.json: what each generated model is and what it must do.
import {expandSuccessor, type CompactSuccessor} from "./gemma4Alphabet";
import type {SpecialTokenIds, VocabFamily} from "./vocabularies";

export const MODEL_NAMES = ["llama-target", "llama-draft", "gemma4-target", "gemma4-draft", "gemma4-assistant"] as const;
export type ModelName = typeof MODEL_NAMES[number];

export interface ExpectedAgreement {
    /** Share of the corpus's bigram positions whose row the drafter was built to get right (the design target). */
    designShare: number;
    /** Rows (current tokens) where the drafter proposes the target's runner-up instead of its choice. */
    perturbedRowCount: number;
    /** Exact agreement over every position of the corpus, teacher-forced. */
    corpusShare: number;
    /** Exact agreement over the evaluation excerpt (manifest.evaluation), teacher-forced. */
    evaluationShare: number;
    /** Exact agreement over the target's greedy continuation of the seed prompt (contexts: last prompt token, then each generated token but the last). */
    seedGreedyShare: number;
}

export interface ModelEntry {
    file: string;
    architecture: "llama" | "gemma4" | "gemma4-assistant";
    role: "target" | "draft" | "mtp-drafter";
    vocab: VocabFamily;
    draftFor?: ModelName;
    parameters: number;
    bytes: number;
    vocabSize: number;
    embeddingLength: number;
    blockCount: number;
    contextLength: number;
    /**
     * successor[t]: the model's greedy next token after token t (its argmax depends on the current token only).
     * models.json stores it compactly for the gemma4 models ({fallback, rows}); readManifest expands it.
     */
    successor: number[];
    expectedAgreement?: ExpectedAgreement;
}

export interface VocabEntry {
    size: number;
    /** sha256 of the token texts, as src/runtime/models/gguf computes it. */
    fingerprint: string;
    specialTokens: SpecialTokenIds;
    corpusTokenCount: number;
}

export interface SeedExpectation {
    /** Token ids of the seed prompt without BOS, as llama.cpp must tokenize it. */
    promptTokens: number[];
    /** The target's greedy continuation (greedySteps tokens). */
    greedyTokens: number[];
    greedyText: string;
}

/** What the gemma4 models do on real Gemma 4's vocabulary (gemma4Alphabet.ts). */
export interface Gemma4Facts {
    vocabFile: string;
    /** Token ids with their own slot; every other token behaves as one fallback token. */
    alphabet: number[];
    /** gemma4-target's greedy answer after `afterToken` (`<channel|>`, where a chat prompt ends), `<turn|>` last. */
    chatAnswer: {afterToken: number, tokens: number[], text: string};
    /** Tokens after which gemma4-target says `<turn|>`. */
    endRows: number[];
    /** Tokens whose successor is not their bigram argmax (-1: the fallback), so that every answer ends. */
    overriddenRows: number[];
}

export interface TestModelsManifest {
    formatVersion: 2;
    generatorHash: string;
    generationMs: number;
    corpus: {package: string, version: string, files: string[], sha256: string, bytes: number};
    vocabs: Record<VocabFamily, VocabEntry>;
    seed: {prompt: string, greedySteps: number, byVocab: Record<VocabFamily, SeedExpectation>};
    /** A corpus excerpt for teacher-forced agreement measurements: the first `tokens` of `document`. */
    evaluation: {document: string, byVocab: Record<VocabFamily, number[]>};
    gemma4: Gemma4Facts;
    models: Record<ModelName, ModelEntry>;
}

/** models.json text: a 262,144-entry successor array is written as {fallback, rows}. */
export function serializeManifest(manifest: TestModelsManifest): string {
    const models = Object.fromEntries(Object.entries(manifest.models).map(([name, entry]) => {
        if (entry.vocabSize <= 4096) return [name, entry];
        const alphabet = new Set(manifest.gemma4.alphabet);
        const rows: Record<string, number> = {};
        let fallback = -1;
        entry.successor.forEach((next, id) => { if (alphabet.has(id)) rows[id] = next; else if (fallback < 0) fallback = next; });
        return [name, {...entry, successor: {fallback, rows} satisfies CompactSuccessor}];
    }));
    return JSON.stringify({...manifest, models}, null, 1) + "\n";
}

export function parseManifest(text: string): TestModelsManifest {
    const manifest = JSON.parse(text) as TestModelsManifest;
    for (const entry of Object.values(manifest.models ?? {})) {
        if (!Array.isArray(entry.successor)) entry.successor = expandSuccessor(entry.successor as unknown as CompactSuccessor, entry.vocabSize);
    }
    return manifest;
}

// The shape of test/fixtures/models/models.json: what each generated model is and what it must do.
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
    /** successor[t]: the model's greedy next token after token t (its argmax depends on the current token only). */
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

export interface TestModelsManifest {
    formatVersion: 1;
    generatorHash: string;
    generationMs: number;
    corpus: {package: string, version: string, files: string[], sha256: string, bytes: number};
    vocabs: Record<VocabFamily, VocabEntry>;
    seed: {prompt: string, greedySteps: number, byVocab: Record<VocabFamily, SeedExpectation>};
    /** A corpus excerpt for teacher-forced agreement measurements: the first `tokens` of `document`. */
    evaluation: {document: string, byVocab: Record<VocabFamily, number[]>};
    models: Record<ModelName, ModelEntry>;
}

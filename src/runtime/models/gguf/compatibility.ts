// Refusals the runtime makes before handing a file to llama.cpp, which aborts the process on some bad inputs.
import {GgufFormatError} from "./errors";
import type {GgufModelFacts} from "./modelFacts";

/** Throws unless the file can be loaded as the main (target) model. */
export function assertUsableAsMainModel(facts: GgufModelFacts, path?: string): void {
    assertComplete(facts, path);
    if (facts.isMtpDrafter) {
        throw new GgufFormatError("incompatible", `is a ${facts.architecture} MTP drafter; it can only draft for a Gemma 4 model, not run as the main model`, undefined, path);
    }
}

/** Throws unless `drafter` can draft for `target`: same vocabulary, and an MTP drafter only beside a matching gemma4. */
export function assertUsableAsDrafter(target: GgufModelFacts, drafter: GgufModelFacts, path?: string): void {
    assertComplete(drafter, path);
    if (drafter.vocabFingerprint !== target.vocabFingerprint) {
        throw new GgufFormatError("incompatible",
            `vocabulary differs from the main model's (${drafter.vocabSize} vs ${target.vocabSize} tokens, fingerprints ${drafter.vocabFingerprint.slice(0, 12)} vs ${target.vocabFingerprint.slice(0, 12)})`,
            undefined, path);
    }
    if (drafter.isMtpDrafter) {
        if (target.architecture !== "gemma4") {
            throw new GgufFormatError("incompatible", `is an MTP drafter for gemma4, but the main model is ${target.architecture}`, undefined, path);
        }
        if (drafter.mtpTargetEmbeddingLength !== target.embeddingLength) {
            throw new GgufFormatError("incompatible",
                `is an MTP drafter for a model with hidden size ${drafter.mtpTargetEmbeddingLength}, the main model has ${target.embeddingLength}`,
                undefined, path);
        }
    }
}

function assertComplete(facts: GgufModelFacts, path?: string): void {
    if (facts.truncated) {
        throw new GgufFormatError("truncated", `file is truncated: ${facts.fileSize} bytes, its tensors need ${facts.expectedFileSize}`, facts.fileSize, path);
    }
}

// The model facts a server-backed engine needs, from the project's own GGUF header reader (no native code):
// architecture, trained context, vocabulary size, FIM token ids, whether it is an MTP drafter.
import {RuntimeError} from "../../protocol";
import {readModelFacts} from "../../models/gguf";

export interface GgufFacts {
    architecture: string;
    trainContextSize: number;
    vocabSize: number;
    fim?: {prefix: number, suffix: number, middle: number};
    hasChatTemplate: boolean;
    isMtpDrafter: boolean;
}

export function readGgufFacts(modelPath: string): GgufFacts {
    let facts: ReturnType<typeof readModelFacts>;
    try {
        facts = readModelFacts(modelPath);
    } catch (error) {
        throw new RuntimeError("badModel", `${modelPath} is not a readable GGUF model: ${error instanceof Error ? error.message : String(error)}`, modelPath);
    }
    if (facts.truncated) throw new RuntimeError("badModel", `${modelPath} is truncated (${facts.fileSize} of ${facts.expectedFileSize} bytes).`, modelPath);
    const {prefix, suffix, middle} = facts.fimTokens;
    return {
        architecture: facts.architecture,
        trainContextSize: facts.contextLength ?? 0,
        vocabSize: facts.vocabSize,
        fim: prefix !== undefined && suffix !== undefined && middle !== undefined ? {prefix, suffix, middle} : undefined,
        hasChatTemplate: facts.hasChatTemplate,
        isMtpDrafter: facts.isMtpDrafter
    };
}

// The model facts a server-backed engine needs, read from the GGUF header itself (no native code):
// architecture, trained context, vocabulary size, and the FIM token ids (as llama.cpp finds them).
import {readGgufFileInfo} from "node-llama-cpp";
import {RuntimeError} from "../../protocol";

export interface GgufFacts {
    architecture: string;
    trainContextSize: number;
    vocabSize: number;
    fim?: {prefix: number, suffix: number, middle: number};
    hasChatTemplate: boolean;
}

// Token texts llama.cpp recognises as FIM tokens when the GGUF names no ids (src/llama-vocab.cpp).
const FIM_TEXTS = {
    prefix: ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"],
    suffix: ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"],
    middle: ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]
};

export async function readGgufFacts(modelPath: string): Promise<GgufFacts> {
    let metadata: Record<string, unknown>;
    try {
        const info = await readGgufFileInfo(modelPath, {readTensorInfo: false, sourceType: "filesystem", logWarnings: false});
        metadata = info.metadata as unknown as Record<string, unknown>;
    } catch (error) {
        throw new RuntimeError("badModel", `${modelPath} is not a readable GGUF model: ${error instanceof Error ? error.message : String(error)}`, modelPath);
    }
    const general = metadata.general as {architecture?: string} | undefined;
    const architecture = general?.architecture;
    if (!architecture) throw new RuntimeError("badModel", `${modelPath} names no architecture (general.architecture).`, modelPath);
    const archMetadata = (metadata[architecture] ?? {}) as {context_length?: number, vocab_size?: number};
    const tokenizer = ((metadata.tokenizer as {ggml?: Record<string, unknown>, chat_template?: string} | undefined) ?? {});
    const ggml = tokenizer.ggml ?? {};
    const tokens = Array.isArray(ggml.tokens) ? ggml.tokens as string[] : [];

    const idOf = (key: string, texts: string[]): number | undefined => {
        const declared = ggml[key];
        if (typeof declared === "number" && declared >= 0) return declared;
        const found = tokens.findIndex((token) => texts.includes(token));
        return found >= 0 ? found : undefined;
    };
    const prefix = idOf("fim_pre_token_id", FIM_TEXTS.prefix);
    const suffix = idOf("fim_suf_token_id", FIM_TEXTS.suffix);
    const middle = idOf("fim_mid_token_id", FIM_TEXTS.middle);

    return {
        architecture,
        trainContextSize: Number(archMetadata.context_length ?? 0),
        vocabSize: Number(archMetadata.vocab_size ?? tokens.length),
        fim: prefix !== undefined && suffix !== undefined && middle !== undefined ? {prefix, suffix, middle} : undefined,
        hasChatTemplate: typeof tokenizer.chat_template === "string" && tokenizer.chat_template.length > 0
    };
}

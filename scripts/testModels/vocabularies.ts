// The two vocabularies of the test models. The llama models' is learned from the corpus (1,024 tokens, with FIM
// tokens, llama.cpp's `gemma4` tokenizer: SPM-style BPE with byte fallback); the gemma4 models use real Gemma 4's
// own (gemma4RealVocab.ts: 262,144 tokens, no FIM tokens).
import {GgufTokenType} from "../../src/runtime/models/gguf/constants";
import {kv, type GgufWriter} from "./gguf";
import {buildVocab, type Vocab} from "./tokenizer";

export const VOCAB_SIZE = 1024;

export type VocabFamily = "llama" | "gemma4";

/** The llama models' learned vocabulary; the gemma4 models have real Gemma 4's (gemma4RealVocab.ts). */
export interface FamilyTokens {
    bos: string;
    eos: string;
    unk: string;
    pad?: string;
    fim?: {prefix: string, suffix: string, middle: string, pad: string, repo: string, fileSeparator: string};
    /** Chat-turn markers of the family's chat format. */
    turnStart: string;
    turnEnd: string;
}

export const FAMILY_TOKENS: Record<VocabFamily, FamilyTokens> = {
    llama: {
        bos: "<s>", eos: "</s>", unk: "<unk>",
        fim: {prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>", pad: "<|fim_pad|>", repo: "<|repo_name|>", fileSeparator: "<|file_sep|>"},
        turnStart: "<|im_start|>", turnEnd: "<|im_end|>"
    },
    /** Real Gemma 4's markers (ids from its vocabulary file); it has no FIM tokens. */
    gemma4: {
        bos: "<bos>", eos: "<eos>", unk: "<unk>", pad: "<pad>",
        turnStart: "<|turn>", turnEnd: "<turn|>"
    }
};

/** Gemma 4's other chat markers, which the gemma4 models' vocabulary has as special tokens. */
export const GEMMA4_MARKERS = {channelStart: "<|channel>", channelEnd: "<channel|>", think: "<|think|>", toolCallStart: "<|tool_call>", toolCallEnd: "<tool_call|>"} as const;

const LLAMA_CONTROL_TOKENS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", ...Object.values(FAMILY_TOKENS.llama.fim!)];

export const CHATML_TEMPLATE =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function buildLlamaVocab(corpusText: string): Vocab {
    return buildVocab(corpusText, {size: VOCAB_SIZE, controlTokens: LLAMA_CONTROL_TOKENS});
}

export interface SpecialTokenIds {
    bos: number;
    eos: number;
    unk: number;
    pad?: number;
    /** Absent for gemma4: real Gemma 4 has no FIM tokens. */
    fim?: {prefix: number, suffix: number, middle: number, pad: number, repo: number, fileSeparator: number};
    turnStart: number;
    turnEnd: number;
    /** gemma4 only: `<|channel>`, `<channel|>`, `<|think|>`, `<|tool_call>`, `<tool_call|>`. */
    markers?: Record<keyof typeof GEMMA4_MARKERS, number>;
}

export function specialTokenIds(family: VocabFamily, vocab: Vocab): SpecialTokenIds {
    const t = FAMILY_TOKENS[family];
    const id = (text: string) => {
        const value = vocab.special[text];
        if (value === undefined) throw new Error(`${family} vocabulary lacks ${text}`);
        return value;
    };
    return {
        bos: id(t.bos), eos: id(t.eos), unk: id(t.unk), pad: t.pad === undefined ? undefined : id(t.pad),
        fim: t.fim === undefined ? undefined : {
            prefix: id(t.fim.prefix), suffix: id(t.fim.suffix), middle: id(t.fim.middle),
            pad: id(t.fim.pad), repo: id(t.fim.repo), fileSeparator: id(t.fim.fileSeparator)
        },
        turnStart: id(t.turnStart), turnEnd: id(t.turnEnd),
        markers: family === "gemma4" ? Object.fromEntries(Object.entries(GEMMA4_MARKERS).map(([k, text]) => [k, id(text)])) as Record<keyof typeof GEMMA4_MARKERS, number> : undefined
    };
}

/** Tokens a model must never predict: control and unused ones (their logits are floored). */
export function bannedTokens(vocab: Vocab): Set<number> {
    const banned = new Set<number>();
    vocab.types.forEach((type, id) => { if (type === GgufTokenType.Control || type === GgufTokenType.UserDefined || type === GgufTokenType.Unused) banned.add(id); });
    return banned;
}

/** The llama models' tokenizer keys (the gemma4 models copy real Gemma 4's: gemma4RealVocab.ts). */
export function writeLlamaTokenizer(writer: GgufWriter, vocab: Vocab): void {
    const ids = specialTokenIds("llama", vocab);
    const fim = ids.fim!;
    writer
        .set("tokenizer.ggml.model", kv.str("gemma4"))
        .set("tokenizer.ggml.tokens", kv.strings(vocab.tokens))
        .set("tokenizer.ggml.scores", kv.f32s(vocab.tokens.map((_, i) => -i)))
        .set("tokenizer.ggml.token_type", kv.i32s(vocab.types))
        .set("tokenizer.ggml.merges", kv.strings(vocab.merges))
        .set("tokenizer.ggml.bos_token_id", kv.u32(ids.bos))
        .set("tokenizer.ggml.eos_token_id", kv.u32(ids.eos))
        .set("tokenizer.ggml.unknown_token_id", kv.u32(ids.unk))
        .set("tokenizer.ggml.add_bos_token", kv.bool(true))
        .set("tokenizer.ggml.add_eos_token", kv.bool(false))
        .set("tokenizer.ggml.add_space_prefix", kv.bool(false))
        .set("tokenizer.ggml.fim_pre_token_id", kv.u32(fim.prefix))
        .set("tokenizer.ggml.fim_suf_token_id", kv.u32(fim.suffix))
        .set("tokenizer.ggml.fim_mid_token_id", kv.u32(fim.middle))
        .set("tokenizer.ggml.fim_pad_token_id", kv.u32(fim.pad))
        .set("tokenizer.ggml.fim_rep_token_id", kv.u32(fim.repo))
        .set("tokenizer.ggml.fim_sep_token_id", kv.u32(fim.fileSeparator))
        .set("tokenizer.chat_template", kv.str(CHATML_TEMPLATE))
        .set("tokenizer.ggml.eot_token_id", kv.u32(ids.turnEnd));
}

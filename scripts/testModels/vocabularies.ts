// The two vocabularies of the test models. Both use llama.cpp's `gemma4` tokenizer (SPM-style BPE with byte
// fallback), which round-trips any text; they differ in their special tokens, so their fingerprints differ.
import {GgufTokenType} from "../../src/runtime/models/gguf/constants";
import {kv, type GgufWriter} from "./gguf";
import {buildVocab, type Vocab} from "./tokenizer";

export const VOCAB_SIZE = 1024;

export type VocabFamily = "llama" | "gemma4";

export interface FamilyTokens {
    bos: string;
    eos: string;
    unk: string;
    pad?: string;
    fim: {prefix: string, suffix: string, middle: string, pad: string, repo: string, fileSeparator: string};
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
    gemma4: {
        bos: "<bos>", eos: "<eos>", unk: "<unk>", pad: "<pad>",
        fim: {prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>", pad: "<|fim_pad|>", repo: "<|repo_name|>", fileSeparator: "<|file_separator|>"},
        turnStart: "<|turn>", turnEnd: "<turn|>"
    }
};

const CONTROL_TOKENS: Record<VocabFamily, string[]> = {
    llama: ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", ...Object.values(FAMILY_TOKENS.llama.fim)],
    // Ids 0-4 as in Gemma's own vocabulary; then Gemma 4's turn/thinking/tool markers and FIM tokens.
    gemma4: ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<|turn>", "<turn|>", "<|think|>", "<|tool>", "<tool|>", ...Object.values(FAMILY_TOKENS.gemma4.fim)]
};

/** Gemma 4 keeps these visible in output so its chat parser can read them (USER_DEFINED, as its converter does). */
const USER_DEFINED_TOKENS: Record<VocabFamily, string[]> = {
    llama: [],
    gemma4: ["<|channel>", "<channel|>", "<|tool_call>", "<tool_call|>", "<|tool_response>", "<tool_response|>", "<|\"|>"]
};

/**
 * A Gemma 4 turn format in Jinja that renders exactly what node-llama-cpp's Gemma4ChatWrapper renders (without
 * thinking), so node-llama-cpp resolves that wrapper for the gemma4 models.
 */
export const GEMMA4_CHAT_TEMPLATE =
    "{{ bos_token }}{% for message in messages %}" +
    "{% if message['role'] == 'assistant' %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}" +
    "{{ '<|turn>' + role + '\\n' + message['content'] + '<turn|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|turn>model\\n' }}{% endif %}";

export const CHATML_TEMPLATE =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function buildFamilyVocab(family: VocabFamily, corpusText: string): Vocab {
    return buildVocab(corpusText, {size: VOCAB_SIZE, controlTokens: CONTROL_TOKENS[family], userDefinedTokens: USER_DEFINED_TOKENS[family]});
}

export interface SpecialTokenIds {
    bos: number;
    eos: number;
    unk: number;
    pad?: number;
    fim: {prefix: number, suffix: number, middle: number, pad: number, repo: number, fileSeparator: number};
    turnStart: number;
    turnEnd: number;
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
        fim: {
            prefix: id(t.fim.prefix), suffix: id(t.fim.suffix), middle: id(t.fim.middle),
            pad: id(t.fim.pad), repo: id(t.fim.repo), fileSeparator: id(t.fim.fileSeparator)
        },
        turnStart: id(t.turnStart), turnEnd: id(t.turnEnd)
    };
}

/** Tokens a model must never predict: control and unused ones (their logits are floored). */
export function bannedTokens(vocab: Vocab): Set<number> {
    const banned = new Set<number>();
    vocab.types.forEach((type, id) => { if (type === GgufTokenType.Control || type === GgufTokenType.UserDefined || type === GgufTokenType.Unused) banned.add(id); });
    return banned;
}

export function writeTokenizerMetadata(writer: GgufWriter, family: VocabFamily, vocab: Vocab): void {
    const ids = specialTokenIds(family, vocab);
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
        .set("tokenizer.ggml.fim_pre_token_id", kv.u32(ids.fim.prefix))
        .set("tokenizer.ggml.fim_suf_token_id", kv.u32(ids.fim.suffix))
        .set("tokenizer.ggml.fim_mid_token_id", kv.u32(ids.fim.middle))
        .set("tokenizer.ggml.fim_pad_token_id", kv.u32(ids.fim.pad))
        .set("tokenizer.ggml.fim_rep_token_id", kv.u32(ids.fim.repo))
        .set("tokenizer.ggml.fim_sep_token_id", kv.u32(ids.fim.fileSeparator))
        .set("tokenizer.chat_template", kv.str(family === "gemma4" ? GEMMA4_CHAT_TEMPLATE : CHATML_TEMPLATE));
    if (ids.pad !== undefined) writer.set("tokenizer.ggml.padding_token_id", kv.u32(ids.pad));
    if (family === "llama") writer.set("tokenizer.ggml.eot_token_id", kv.u32(ids.turnEnd));
}

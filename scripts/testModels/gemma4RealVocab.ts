// Real Gemma 4's tokenizer, read from llama.cpp's vocabulary GGUF (gemma4VocabFile.ts): tokens, scores, types,
// merges and chat template exactly as the file has them, so the generated gemma4 models tokenize and template
// exactly as a real Gemma 4 GGUF does.
import {GgufTokenType} from "../../src/runtime/models/gguf/constants";
import {readGgufHeaderFromFile, type GgufArray} from "../../src/runtime/models/gguf/reader";
import {findGemma4VocabFile} from "./gemma4VocabFile";
import {kv, type GgufWriter} from "./gguf";
import type {Vocab} from "./tokenizer";

export interface RealVocab extends Vocab {
    scores: number[];
    chatTemplate: string;
    /** Ids as the file states them (tokenizer.ggml.*_token_id). */
    bos: number;
    eos: number;
    unk: number;
    pad: number;
    mask: number;
    file: string;
}

export function loadGemma4Vocab(file = findGemma4VocabFile()): RealVocab {
    const header = readGgufHeaderFromFile(file);
    const value = (key: string) => {
        const entry = header.metadata.get(key);
        if (entry === undefined) throw new Error(`${file} lacks ${key}`);
        return entry.value;
    };
    const array = <T>(key: string) => (value(key) as GgufArray).items as T[];
    const id = (key: string) => Number(value(`tokenizer.ggml.${key}_token_id`));
    if (value("tokenizer.ggml.model") !== "gemma4") throw new Error(`${file} is not a gemma4 tokenizer`);
    const tokens = array<string>("tokenizer.ggml.tokens");
    const types = array<number>("tokenizer.ggml.token_type") as GgufTokenType[];
    const special: Record<string, number> = {};
    tokens.forEach((text, i) => { if (types[i] === GgufTokenType.Control || types[i] === GgufTokenType.UserDefined) special[text] = i; });
    return {
        tokens, types, merges: array<string>("tokenizer.ggml.merges"), special,
        scores: array<number>("tokenizer.ggml.scores").map(Number),
        chatTemplate: String(value("tokenizer.chat_template")),
        bos: id("bos"), eos: id("eos"), unk: id("unknown"), pad: id("padding"), mask: id("mask"), file
    };
}

/** The tokenizer keys of a real Gemma 4 GGUF, copied from the vocabulary file (no FIM tokens: Gemma 4 has none). */
export function writeGemma4Tokenizer(writer: GgufWriter, vocab: RealVocab): void {
    writer
        .set("tokenizer.ggml.model", kv.str("gemma4"))
        .set("tokenizer.ggml.tokens", kv.strings(vocab.tokens))
        .set("tokenizer.ggml.scores", kv.f32s(vocab.scores))
        .set("tokenizer.ggml.token_type", kv.i32s(vocab.types))
        .set("tokenizer.ggml.merges", kv.strings(vocab.merges))
        .set("tokenizer.ggml.bos_token_id", kv.u32(vocab.bos))
        .set("tokenizer.ggml.eos_token_id", kv.u32(vocab.eos))
        .set("tokenizer.ggml.unknown_token_id", kv.u32(vocab.unk))
        .set("tokenizer.ggml.padding_token_id", kv.u32(vocab.pad))
        .set("tokenizer.ggml.mask_token_id", kv.u32(vocab.mask))
        .set("tokenizer.ggml.add_bos_token", kv.bool(true))
        .set("tokenizer.ggml.add_space_prefix", kv.bool(false))
        .set("tokenizer.chat_template", kv.str(vocab.chatTemplate));
}

// Small gemma4 / gemma4-assistant models for test/runtime/ggufFuzz.test.ts to mutate. The real-vocabulary models'
// headers are 15 MB (262,144 tokens, 514,906 merges): thousands of mutants of them would take many gigabytes and
// many minutes. These have the same architectures, keys and tensor names on a 1,024-token vocabulary learned from
// the corpus with Gemma 4's special tokens and chat template, so every key and tensor path is still exercised.
import path from "node:path";
import {GgmlType} from "../../src/runtime/models/gguf/constants";
import {countBigrams, targetTable} from "./bigrams";
import {chooseAlphabet, toSlots} from "./gemma4Alphabet";
import {buildGemma4AssistantModel} from "./gemma4AssistantModel";
import {buildGemma4Model} from "./gemma4Model";
import type {RealVocab} from "./gemma4RealVocab";
import {BpeEncoder, buildVocab} from "./tokenizer";
import {validateModel} from "./validate";
import {bannedTokens} from "./vocabularies";

export const FUZZ_BASE_NAMES = ["gemma4-small-target", "gemma4-small-draft", "gemma4-small-assistant"] as const;
export type FuzzBaseName = typeof FUZZ_BASE_NAMES[number];

const CONTROL = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<|turn>", "<turn|>", "<|think|>", "<|tool>", "<tool|>"];
const USER_DEFINED = ["<|channel>", "<channel|>", "<|tool_call>", "<tool_call|>", "<|tool_response>", "<tool_response|>", "<|\"|>"];

/** Writes the three small models into `dir` (a second or so); returns each one's size in bytes. */
export function writeFuzzBases(dir: string, corpusTexts: readonly string[], chatTemplate: string): Record<FuzzBaseName, number> {
    const learned = buildVocab(corpusTexts.join("\n"), {size: 1024, controlTokens: CONTROL, userDefinedTokens: USER_DEFINED});
    const vocab: RealVocab = {
        ...learned, scores: learned.tokens.map((_, i) => -i), chatTemplate,
        bos: learned.special["<bos>"], eos: learned.special["<eos>"], unk: learned.special["<unk>"], pad: learned.special["<pad>"], mask: learned.special["<mask>"],
        file: "(learned from the corpus)"
    };
    const encoder = new BpeEncoder(vocab);
    const ids = corpusTexts.map((text) => encoder.encode(text));
    const alphabet = chooseAlphabet(vocab.tokens.length, vocab.special, ids, 64, encoder.encode("\n")[0]);
    const banned = new Set<number>([alphabet.fallback]);
    const bannedIds = bannedTokens(vocab);
    alphabet.tokens.forEach((id, slot) => { if (bannedIds.has(id)) banned.add(slot); });
    const table = targetTable(countBigrams(ids.map((seq) => toSlots(alphabet, seq)), alphabet.size), {margin: 0.75, banned, floor: -30});
    const geometry = {swaPattern: [true, false], nHead: 2, nHeadKv: 1, headDimFull: 128, headDimSwa: 64, nFf: 128, slidingWindow: 128, contextLength: 2048};
    const writers = {
        "gemma4-small-target": buildGemma4Model("Hearth fuzz Gemma 4 target", vocab, alphabet, table, {...geometry, nEmbd: 128, nEmbdPerLayer: 8, weightType: GgmlType.F16}, 6),
        "gemma4-small-draft": buildGemma4Model("Hearth fuzz Gemma 4 draft", vocab, alphabet, table, {...geometry, nEmbd: 96, nEmbdPerLayer: 8, weightType: GgmlType.F16}, 7),
        "gemma4-small-assistant": buildGemma4AssistantModel("Hearth fuzz Gemma 4 assistant", vocab, alphabet, table, {...geometry, nEmbd: 96, nEmbdTarget: 128}, 8)
    };
    const bytes = {} as Record<FuzzBaseName, number>;
    for (const name of FUZZ_BASE_NAMES) {
        validateModel(writers[name]);
        bytes[name] = writers[name].write(path.join(dir, `${name}.gguf`));
    }
    return bytes;
}

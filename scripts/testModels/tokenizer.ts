// A small SPM-style BPE vocabulary learned from the corpus, and an encoder that mirrors llama.cpp's
// `gemma4` tokenizer exactly (spaces → ▁, split on newline runs, rank-ordered merges, <0xXX> byte fallback),
// so statistics computed here over token ids are the statistics of the ids llama.cpp will see.
import {GgufTokenType} from "../../src/runtime/models/gguf/constants";

export const SPACE = "\u2581";

export interface Vocab {
    tokens: string[];
    types: GgufTokenType[];
    /** "left right" pairs, rank order. */
    merges: string[];
    /** Token id of each special token by its text. */
    special: Record<string, number>;
}

export interface VocabSpec {
    size: number;
    /** Control tokens, at ids 0.. in this order. */
    controlTokens: string[];
    /** Tokens that must stay visible in output (USER_DEFINED), after the control tokens. */
    userDefinedTokens?: string[];
}

const NEWLINE_RUNS = ["\n", "\n\n", "\n\n\n", "\n\n\n\n"];

/** Chunks BPE is trained within: an indentation run, then words/punctuation runs each with at most one leading ▁. */
const TRAINING_CHUNK = new RegExp(`${SPACE}+(?=${SPACE})|${SPACE}?[A-Za-z0-9_$]+|${SPACE}?[^${SPACE}A-Za-z0-9_$]+|${SPACE}`, "gu");

export function escapeSpaces(text: string): string {
    return text.replaceAll(" ", SPACE);
}

export function buildVocab(corpus: string, spec: VocabSpec): Vocab {
    const tokens: string[] = [];
    const types: GgufTokenType[] = [];
    const add = (text: string, type: GgufTokenType) => { tokens.push(text); types.push(type); };
    for (const text of spec.controlTokens) add(text, GgufTokenType.Control);
    for (const text of spec.userDefinedTokens ?? []) add(text, GgufTokenType.UserDefined);
    for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, GgufTokenType.Byte);
    for (const run of NEWLINE_RUNS) add(run, GgufTokenType.Normal);

    const escaped = escapeSpaces(corpus);
    const chars = new Set<string>([SPACE, "\t"]);
    for (let c = 0x21; c < 0x7f; c++) chars.add(String.fromCharCode(c));
    for (const ch of escaped) if (ch !== "\n" && ch !== "\r") chars.add(ch);
    for (const ch of [...chars].sort()) add(ch, GgufTokenType.Normal);

    const budget = spec.size - tokens.length;
    if (budget < 0) throw new Error(`vocab size ${spec.size} is smaller than its ${tokens.length} fixed tokens`);
    const merges = trainMerges(escaped, budget, new Set(tokens));
    for (const [left, right] of merges) add(left + right, GgufTokenType.Normal);
    for (let i = 0; tokens.length < spec.size; i++) add(`<unused${i}>`, GgufTokenType.Control);

    const special: Record<string, number> = {};
    tokens.forEach((text, id) => {
        if (types[id] === GgufTokenType.Control || types[id] === GgufTokenType.UserDefined) special[text] = id;
    });
    return {tokens, types, merges: merges.map(([l, r]) => `${l} ${r}`), special};
}

/** Classic BPE training over chunk frequencies, with incremental pair counts; ties broken by text for determinism. */
function trainMerges(escapedCorpus: string, count: number, existing: Set<string>): [string, string][] {
    const chunkCounts = new Map<string, number>();
    for (const line of escapedCorpus.split("\n")) {
        for (const match of line.matchAll(TRAINING_CHUNK)) chunkCounts.set(match[0], (chunkCounts.get(match[0]) ?? 0) + 1);
    }
    const words = [...chunkCounts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([text, n]) => ({symbols: [...text], n}));
    const pairCounts = new Map<string, number>();
    const pairWords = new Map<string, Set<number>>();
    const key = (a: string, b: string) => `${a}\u0000${b}`;
    const addPairs = (w: number, sign: number) => {
        const {symbols, n} = words[w];
        for (let i = 0; i + 1 < symbols.length; i++) {
            const k = key(symbols[i], symbols[i + 1]);
            pairCounts.set(k, (pairCounts.get(k) ?? 0) + sign * n);
            if (sign > 0) {
                let set = pairWords.get(k);
                if (set === undefined) pairWords.set(k, set = new Set());
                set.add(w);
            }
        }
    };
    words.forEach((_, w) => addPairs(w, 1));

    const merges: [string, string][] = [];
    const seen = new Set(existing);
    while (merges.length < count) {
        let best: string | undefined;
        let bestCount = 1;
        for (const [k, n] of pairCounts) {
            if (n > bestCount || (n === bestCount && best !== undefined && k < best)) { best = k; bestCount = n; }
        }
        if (best === undefined) break;
        const [left, right] = best.split("\u0000");
        const merged = left + right;
        for (const w of pairWords.get(best) ?? []) {
            const symbols = words[w].symbols;
            addPairs(w, -1);
            const next: string[] = [];
            for (let i = 0; i < symbols.length; i++) {
                if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) { next.push(merged); i++; }
                else next.push(symbols[i]);
            }
            words[w].symbols = next;
            addPairs(w, 1);
        }
        pairCounts.delete(best);
        if (!seen.has(merged)) {
            seen.add(merged);
            merges.push([left, right]);
        }
    }
    return merges;
}

/** Encoder equivalent to llama.cpp's BPE session for tokenizer model `gemma4` (no special-token parsing, no BOS). */
export class BpeEncoder {
    private readonly ids = new Map<string, number>();
    private readonly ranks = new Map<string, number>();

    constructor(readonly vocab: Vocab) {
        vocab.tokens.forEach((text, id) => { if (!this.ids.has(text)) this.ids.set(text, id); });
        vocab.merges.forEach((merge, rank) => {
            const at = merge.indexOf(" ", 1);
            this.ranks.set(`${merge.slice(0, at)}\u0000${merge.slice(at + 1)}`, rank);
        });
    }

    encode(text: string): number[] {
        const out: number[] = [];
        for (const word of escapeSpaces(text).match(/[^\n]+|\n+/g) ?? []) this.encodeWord(word, out);
        return out;
    }

    decode(ids: readonly number[]): string {
        const bytes: number[] = [];
        const encoder = new TextEncoder();
        for (const id of ids) {
            const text = this.vocab.tokens[id];
            const type = this.vocab.types[id];
            if (type === GgufTokenType.Byte) bytes.push(parseInt(text.slice(3, 5), 16));
            else bytes.push(...encoder.encode(type === GgufTokenType.Normal ? text.replaceAll(SPACE, " ") : text));
        }
        return new TextDecoder().decode(new Uint8Array(bytes));
    }

    private encodeWord(word: string, out: number[]): void {
        if (/^\n+$/.test(word) && this.ids.has(word)) { out.push(this.ids.get(word)!); return; }
        const symbols = [...word];
        // Repeatedly merge the adjacent pair of lowest rank, leftmost first: what llama.cpp's priority queue does.
        for (;;) {
            let bestRank = Infinity;
            let bestAt = -1;
            for (let i = 0; i + 1 < symbols.length; i++) {
                const rank = this.ranks.get(`${symbols[i]}\u0000${symbols[i + 1]}`);
                if (rank !== undefined && rank < bestRank) { bestRank = rank; bestAt = i; }
            }
            if (bestAt < 0) break;
            symbols.splice(bestAt, 2, symbols[bestAt] + symbols[bestAt + 1]);
        }
        for (const symbol of symbols) {
            const id = this.ids.get(symbol);
            if (id !== undefined) { out.push(id); continue; }
            for (const byte of new TextEncoder().encode(symbol)) {
                const fallback = this.ids.get(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
                if (fallback !== undefined) out.push(fallback);
            }
        }
    }
}

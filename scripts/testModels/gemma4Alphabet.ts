// The gemma4 test models run on real Gemma 4's 262,144-token vocabulary, but a one-hot model needs one hidden
// dimension per token it tells apart. So they work over an *alphabet* of slots: the corpus's most frequent tokens
// plus the chat markers each get a slot, every other token shares one fallback slot, and one more "bias" slot is
// set for every token (the output matrix reads it to give all tokens outside the alphabet a fixed low logit).
// The bigram table is over slots; a model's greedy next token after any token t is successor[slot(t)].
//
// Answers end like real Gemma 4's: after `<channel|>` (where a chat prompt with thinking off ends) and after "\n",
// the target follows its bigram choices without repeating a token for CHAT_ANSWER_TOKENS tokens, then says
// `<turn|>`; every other cycle of the successor graph is cut at its most frequent token, which says `<turn|>`.
// So every greedy continuation ends, at a point models.json states, and none loops.
import type {BigramStats, LogitTable} from "./bigrams";

export const CHAT_START = "<channel|>";
export const TURN_END = "<turn|>";
/** Tokens a chat prompt is made of: they get slots so prompts are read as themselves. */
const CONTEXT_TOKENS = ["<bos>", "<|turn>", TURN_END, "<|channel>", CHAT_START, "<|think|>"];

export interface Alphabet {
    /** Token id of each slot below `fallback`. */
    tokens: number[];
    /** Slot of every token id (Int32Array over the whole vocabulary). */
    slotOf: Int32Array;
    /** Slot of every token outside the alphabet. */
    fallback: number;
    /** Hidden dimension every token's embedding also sets. */
    bias: number;
    /** Slots the table has (alphabet tokens + fallback); the models' one-hot width is size + 1 (the bias). */
    size: number;
}

export function chooseAlphabet(vocabSize: number, special: Record<string, number>, sequences: readonly (readonly number[])[], width: number, newline: number): Alphabet {
    const counts = new Map<number, number>();
    for (const ids of sequences) for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const fixed = [...CONTEXT_TOKENS.map((text) => {
        const id = special[text];
        if (id === undefined) throw new Error(`the Gemma 4 vocabulary lacks ${text}`);
        return id;
    }), newline];
    const frequent = [...counts.entries()].filter(([id]) => !fixed.includes(id)).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
    // Slots: width - 2 tokens, then the fallback and the bias.
    const tokens = [...fixed, ...frequent.slice(0, width - 2 - fixed.length)].sort((a, b) => a - b);
    const fallback = tokens.length;
    const slotOf = new Int32Array(vocabSize).fill(fallback);
    tokens.forEach((id, slot) => { slotOf[id] = slot; });
    return {tokens, slotOf, fallback, bias: fallback + 1, size: fallback + 1};
}

export function toSlots(alphabet: Alphabet, ids: readonly number[]): number[] {
    return ids.map((id) => alphabet.slotOf[id]);
}

export interface Endings {
    /** The chat answer's slots after CHAT_START (TURN_END last). */
    chatAnswer: number[];
    /** Rows whose successor is not their bigram argmax (the designed answer and the cut cycles). */
    overridden: number[];
}

/**
 * Rewrites `table` (in place) so that every greedy continuation ends in TURN_END: a designed chat answer of
 * `answerLength` distinct tokens, then every remaining cycle cut at its most frequent slot.
 */
export function designEndings(table: LogitTable, stats: BigramStats, alphabet: Alphabet, special: Record<string, number>, newline: number, answerLength: number, margin: number, banned: ReadonlySet<number>): Endings {
    const S = table.vocabSize;
    const end = alphabet.slotOf[special[TURN_END]];
    const overridden = new Set<number>();
    const set = (row: number, next: number) => {
        if (table.successor[row] === next) return;
        let others = -Infinity;
        for (let v = 0; v < S; v++) if (v !== next && table.logits[row * S + v] > others) others = table.logits[row * S + v];
        table.logits[row * S + next] = Math.max(table.logits[row * S + next], others + margin);
        table.successor[row] = next;
        overridden.add(row);
    };

    // The chat answer: from "\n", the bigram choice unless it repeats a token, else the most frequent unrepeated follower.
    const start = alphabet.slotOf[newline];
    const visited = new Set<number>([start]);
    const answer: number[] = [];
    let current = start;
    while (answer.length < answerLength) {
        let next = table.successor[current];
        if (visited.has(next) || next === end || banned.has(next) || next === alphabet.fallback) {
            next = -1;
            for (let v = 0; v < S; v++) {
                if (visited.has(v) || v === end || banned.has(v) || v === alphabet.fallback) continue;
                if (next < 0 || stats.counts[current * S + v] > stats.counts[current * S + next] ||
                    (stats.counts[current * S + v] === stats.counts[current * S + next] && table.logits[current * S + v] > table.logits[current * S + next])) next = v;
            }
            set(current, next);
        }
        answer.push(next);
        visited.add(next);
        current = next;
    }
    set(current, end);
    // After <channel|> the model answers as it does after "\n".
    set(alphabet.slotOf[special[CHAT_START]], answer[0]);

    // Cut every other cycle at its most frequent slot.
    const state = new Int8Array(S); // 0 unseen, 1 on the current walk, 2 done
    state[end] = 2;
    for (const slot of [start, ...answer]) state[slot] = 2;
    for (let s = 0; s < S; s++) {
        const walk: number[] = [];
        let at = s;
        while (state[at] === 0) { state[at] = 1; walk.push(at); at = table.successor[at]; }
        if (state[at] === 1) {
            const cycle = walk.slice(walk.indexOf(at));
            const cut = cycle.reduce((best, t) => (stats.unigram[t] > stats.unigram[best] || (stats.unigram[t] === stats.unigram[best] && t < best) ? t : best));
            set(cut, end);
        }
        for (const t of walk) state[t] = 2;
    }
    return {chatAnswer: [...answer, end], overridden: [...overridden].sort((a, b) => a - b)};
}

/** successor over token ids, compactly: every token outside `rows` goes to `fallback`. */
export interface CompactSuccessor {
    fallback: number;
    rows: Record<string, number>;
}

export function tokenSuccessor(alphabet: Alphabet, slotSuccessor: ArrayLike<number>): CompactSuccessor {
    const rows: Record<string, number> = {};
    alphabet.tokens.forEach((id, slot) => { rows[id] = alphabet.tokens[slotSuccessor[slot]]; });
    return {fallback: alphabet.tokens[slotSuccessor[alphabet.fallback]], rows};
}

export function expandSuccessor(compact: CompactSuccessor, vocabSize: number): number[] {
    const out = new Array<number>(vocabSize).fill(compact.fallback);
    for (const [id, next] of Object.entries(compact.rows)) out[Number(id)] = next;
    return out;
}

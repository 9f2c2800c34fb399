// Prompt-lookup drafting: the tokens that followed the latest earlier occurrence of the history's last n tokens
// (longest n first). Rewrites and completions repeat much of their prompt and packed context, so this often
// guesses long runs right, at no memory cost and almost no time.
import type {Token} from "node-llama-cpp";
import type {Drafter} from "../speculation";

export class PromptLookupDrafter implements Drafter {
    readonly kind = "promptLookup" as const;
    /** Per n-gram size: key of the n tokens → the index just after their latest occurrence with a continuation. */
    private readonly indexes: Map<string, number>[];
    /** History tokens whose n-grams are indexed: those ending before this index. */
    private indexedUpTo = 0;
    private history: readonly Token[] = [];

    constructor(private readonly maxNgram = 3, private readonly minNgram = 1) {
        this.indexes = Array.from({length: maxNgram + 1}, () => new Map<string, number>());
    }

    async propose(history: readonly Token[], max: number): Promise<Token[]> {
        if (max <= 0 || history.length < 2) return [];
        this.extendIndex(history);
        // A match near the end has a short continuation; looking up again after it follows a repeating
        // pattern (a loop, a list) for the whole draft.
        const draft: Token[] = [];
        while (draft.length < max) {
            const more = this.lookup(draft.length === 0 ? history : history.concat(draft), max - draft.length);
            if (more.length === 0) break;
            draft.push(...more);
        }
        return draft;
    }

    private lookup(tokens: readonly Token[], max: number): Token[] {
        for (let n = Math.min(this.maxNgram, tokens.length - 1); n >= this.minNgram; n--) {
            const start = this.indexes[n].get(key(tokens, tokens.length - n, n));
            if (start === undefined) continue;
            return tokens.slice(start, Math.min(start + max, tokens.length)) as Token[];
        }
        return [];
    }

    /** Indexes every n-gram that ends before the last history token (so each has at least one token after it). */
    private extendIndex(history: readonly Token[]): void {
        if (history.length < this.indexedUpTo || !sharesPrefix(this.history, history, this.indexedUpTo)) {
            for (const index of this.indexes) index.clear();
            this.indexedUpTo = 0;
        }
        this.history = history;
        for (let end = Math.max(this.indexedUpTo, 1); end < history.length; end++) {
            for (let n = this.minNgram; n <= this.maxNgram && n <= end; n++) this.indexes[n].set(key(history, end - n, n), end);
        }
        this.indexedUpTo = Math.max(this.indexedUpTo, history.length);
    }
}

function key(tokens: readonly Token[], start: number, length: number): string {
    let text = "";
    for (let i = start; i < start + length; i++) text += `${tokens[i]},`;
    return text;
}

function sharesPrefix(a: readonly Token[], b: readonly Token[], length: number): boolean {
    if (a === b) return true;
    if (a.length < length || b.length < length) return false;
    // History only grows within a request; checking the last indexed token catches a new request's history.
    return length === 0 || (a[length - 1] === b[length - 1] && a[0] === b[0]);
}

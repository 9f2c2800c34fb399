// An inverted index ranked with Okapi BM25. Documents are numbered by the caller and never reused. Postings are
// flat arrays appended to on add; a removed document is only forgotten in `lengths` and skipped by search,
// and the arrays are compacted once removed entries outnumber live ones (adding stays cheap while indexing).

const k1 = 1.2;
const b = 0.75;
/** Compact when this many removed documents have accumulated (and they outnumber the live ones). */
const compactAfter = 20000;

export class Bm25Index {
    /** term → [doc, count, doc, count, …] */
    private readonly postings = new Map<string, number[]>();
    private readonly lengths = new Map<number, number>();
    private totalLength = 0;
    private removed = 0;

    get size(): number {
        return this.lengths.size;
    }

    /** Adds a document from flattened `[term, count, …]` pairs. */
    add(doc: number, flatTerms: ReadonlyArray<string | number>): void {
        let length = 0;
        for (let i = 0; i < flatTerms.length; i += 2) {
            const term = flatTerms[i] as string, count = flatTerms[i + 1] as number;
            const list = this.postings.get(term);
            if (list) list.push(doc, count); else this.postings.set(term, [doc, count]);
            length += count;
        }
        this.lengths.set(doc, length);
        this.totalLength += length;
    }

    remove(doc: number): void {
        const length = this.lengths.get(doc);
        if (length === undefined) return;
        this.totalLength -= length;
        this.lengths.delete(doc);
        if (++this.removed > compactAfter && this.removed > this.lengths.size) this.compact();
    }

    /** Top `limit` documents for the query terms, best first. */
    search(terms: readonly string[], limit: number): Array<{doc: number, score: number}> {
        const n = this.lengths.size;
        if (n === 0) return [];
        const average = this.totalLength / n;
        const scores = new Map<number, number>();
        for (const term of new Set(terms)) {
            const list = this.postings.get(term);
            if (!list) continue;
            let df = 0;
            for (let i = 0; i < list.length; i += 2) if (this.lengths.has(list[i])) df++;
            if (df === 0) continue;
            const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (let i = 0; i < list.length; i += 2) {
                const length = this.lengths.get(list[i]);
                if (length === undefined) continue;
                const tf = list[i + 1];
                const score = idf * (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * length / average));
                scores.set(list[i], (scores.get(list[i]) ?? 0) + score);
            }
        }
        return [...scores].map(([doc, score]) => ({doc, score})).sort((x, y) => y.score - x.score).slice(0, limit);
    }

    private compact(): void {
        for (const [term, list] of this.postings) {
            const kept: number[] = [];
            for (let i = 0; i < list.length; i += 2) if (this.lengths.has(list[i])) kept.push(list[i], list[i + 1]);
            if (kept.length > 0) this.postings.set(term, kept); else this.postings.delete(term);
        }
        this.removed = 0;
    }
}

// An inverted index ranked with Okapi BM25. Documents are numbered by the caller; postings update in place
// when a file is re-indexed, so search never rebuilds anything.

const k1 = 1.2;
const b = 0.75;

export class Bm25Index {
    private readonly postings = new Map<string, Map<number, number>>();
    private readonly lengths = new Map<number, number>();
    private totalLength = 0;

    get size(): number {
        return this.lengths.size;
    }

    /** Adds a document from flattened `[term, count, …]` pairs. */
    add(doc: number, flatTerms: ReadonlyArray<string | number>): void {
        let length = 0;
        for (let i = 0; i < flatTerms.length; i += 2) {
            const term = flatTerms[i] as string, count = flatTerms[i + 1] as number;
            let list = this.postings.get(term);
            if (!list) this.postings.set(term, list = new Map());
            list.set(doc, count);
            length += count;
        }
        this.lengths.set(doc, length);
        this.totalLength += length;
    }

    remove(doc: number, flatTerms: ReadonlyArray<string | number>): void {
        for (let i = 0; i < flatTerms.length; i += 2) {
            const list = this.postings.get(flatTerms[i] as string);
            if (!list) continue;
            list.delete(doc);
            if (list.size === 0) this.postings.delete(flatTerms[i] as string);
        }
        this.totalLength -= this.lengths.get(doc) ?? 0;
        this.lengths.delete(doc);
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
            const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
            for (const [doc, tf] of list) {
                const length = this.lengths.get(doc) ?? average;
                const score = idf * (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * length / average));
                scores.set(doc, (scores.get(doc) ?? 0) + score);
            }
        }
        return [...scores].map(([doc, score]) => ({doc, score})).sort((x, y) => y.score - x.score).slice(0, limit);
    }
}

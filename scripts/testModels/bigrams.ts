// Token-bigram statistics and the logit tables the generated models compute exactly.
// A model's greedy next token depends only on the current token: next = successor[current], so a test predicts a
// greedy continuation, and a drafter's agreement with its target, from these tables alone.

export interface BigramStats {
    vocabSize: number;
    /** counts[t * V + v]: how often token v follows token t. */
    counts: Uint32Array;
    rowTotals: Uint32Array;
    unigram: Uint32Array;
    tokenCount: number;
}

export function countBigrams(sequences: readonly (readonly number[])[], vocabSize: number): BigramStats {
    const counts = new Uint32Array(vocabSize * vocabSize);
    const rowTotals = new Uint32Array(vocabSize);
    const unigram = new Uint32Array(vocabSize);
    let tokenCount = 0;
    for (const ids of sequences) {
        for (let i = 0; i < ids.length; i++) {
            unigram[ids[i]]++;
            tokenCount++;
            if (i + 1 < ids.length) {
                counts[ids[i] * vocabSize + ids[i + 1]]++;
                rowTotals[ids[i]]++;
            }
        }
    }
    return {vocabSize, counts, rowTotals, unigram, tokenCount};
}

export interface LogitTable {
    vocabSize: number;
    /** logits[t * V + v]: the model's logit for next token v after token t. */
    logits: Float32Array;
    /** argmax of each row, with a guaranteed margin over every other token. */
    successor: Int32Array;
}

export interface TargetTableOptions {
    /** Logit gap enforced between a row's argmax and its runner-up, so f16 rounding can never flip it. */
    margin: number;
    /** Tokens that must never be predicted (control tokens): they get `floor`. */
    banned: ReadonlySet<number>;
    floor: number;
}

/** Smoothed bigram log-probabilities: log((c(t,v) + P_uni(v)) / (c(t) + 1)); ties broken toward the lower id. */
export function targetTable(stats: BigramStats, options: TargetTableOptions): LogitTable {
    const V = stats.vocabSize;
    const logits = new Float32Array(V * V);
    const successor = new Int32Array(V);
    const uniTotal = stats.tokenCount + 0.01 * V;
    for (let t = 0; t < V; t++) {
        const row = t * V;
        const denominator = stats.rowTotals[t] + 1;
        for (let v = 0; v < V; v++) {
            if (options.banned.has(v)) { logits[row + v] = options.floor; continue; }
            const prior = (stats.unigram[v] + 0.01) / uniTotal;
            logits[row + v] = Math.max(options.floor + 1, Math.log((stats.counts[row + v] + prior) / denominator));
        }
        successor[t] = enforceMargin(logits, row, V, options.margin, argmaxRow(stats, logits, row, V, options.banned));
    }
    return {vocabSize: V, logits, successor};
}

/** The best allowed next token by count, then by smoothed logit, then by lowest id: a total order, so no float ties. */
function argmaxRow(stats: BigramStats, logits: Float32Array, row: number, V: number, banned: ReadonlySet<number>): number {
    let best = -1;
    for (let v = 0; v < V; v++) {
        if (banned.has(v)) continue;
        if (best < 0) { best = v; continue; }
        const c = stats.counts[row + v], cb = stats.counts[row + best];
        if (c > cb || (c === cb && logits[row + v] > logits[row + best])) best = v;
    }
    return best;
}

function enforceMargin(logits: Float32Array, row: number, V: number, margin: number, top: number): number {
    let runnerUp = -Infinity;
    for (let v = 0; v < V; v++) if (v !== top && logits[row + v] > runnerUp) runnerUp = logits[row + v];
    if (logits[row + top] < runnerUp + margin) logits[row + top] = runnerUp + margin;
    return top;
}

/** The runner-up of a row (what a perturbed drafter proposes instead of the target's choice). */
export function runnerUp(table: LogitTable, t: number): number {
    const V = table.vocabSize;
    let best = -1;
    for (let v = 0; v < V; v++) {
        if (v === table.successor[t]) continue;
        if (best < 0 || table.logits[t * V + v] > table.logits[t * V + best]) best = v;
    }
    return best;
}

export interface DraftTableOptions {
    /** Rows where the drafter proposes the target's runner-up instead of its choice. */
    perturbedRows: ReadonlySet<number>;
    /** Multiplier on the target's logits: drafters are confident, so speculative decoders keep their drafts. */
    sharpness: number;
    /** Gap between the drafter's choice and everything else after sharpening. */
    margin: number;
    floor: number;
}

export function draftTable(target: LogitTable, options: DraftTableOptions): LogitTable {
    const V = target.vocabSize;
    const logits = new Float32Array(V * V);
    const successor = new Int32Array(V);
    for (let t = 0; t < V; t++) {
        const row = t * V;
        for (let v = 0; v < V; v++) logits[row + v] = Math.max(options.floor, target.logits[row + v] * options.sharpness);
        const choice = options.perturbedRows.has(t) ? runnerUp(target, t) : target.successor[t];
        let others = -Infinity;
        for (let v = 0; v < V; v++) if (v !== choice && logits[row + v] > others) others = logits[row + v];
        logits[row + choice] = others + options.margin;
        successor[t] = choice;
    }
    return {vocabSize: V, logits, successor};
}

/**
 * Rows to perturb so that a drafter disagrees on about `share` of the corpus's bigram positions: rows are taken in
 * a seeded pseudo-random order, skipping any row that would overshoot the share by more than half its weight.
 */
export function choosePerturbedRows(stats: BigramStats, share: number, seed: number, eligible: (t: number) => boolean): Set<number> {
    const V = stats.vocabSize;
    const total = stats.rowTotals.reduce((a, b) => a + b, 0);
    const order = [...Array(V).keys()].filter((t) => stats.rowTotals[t] > 0 && eligible(t)).sort((a, b) => hash(a, seed) - hash(b, seed));
    const rows = new Set<number>();
    let covered = 0;
    for (const t of order) {
        const weight = stats.rowTotals[t];
        if ((covered + weight / 2) / total > share) continue;
        rows.add(t);
        covered += weight;
    }
    return rows;
}

function hash(n: number, seed: number): number {
    let h = Math.imul(n ^ seed, 0x9e3779b1) >>> 0;
    h ^= h >>> 15; h = Math.imul(h, 0x85ebca77) >>> 0; h ^= h >>> 13;
    return h >>> 0;
}

export function greedyContinuation(successor: ArrayLike<number>, last: number, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(last = successor[last]);
    return out;
}

/** Share of positions of `contexts` (the current token at each step) where two tables choose the same next token. */
export function agreementShare(a: ArrayLike<number>, b: ArrayLike<number>, contexts: readonly number[]): number {
    if (contexts.length === 0) return 1;
    let same = 0;
    for (const t of contexts) if (a[t] === b[t]) same++;
    return same / contexts.length;
}

// Small statistics shared by the benchmarks: a seeded random source (runs repeat exactly), percentiles and
// rounding for the JSON they print.

/** A seeded 32-bit generator: the same seed picks the same files and sites on every run. */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** A shuffled copy. Items with a `path` are sorted by it first, so the order never depends on crawl order. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
    const copy = [...items].sort((a, b) => String((a as {path?: string}).path ?? "").localeCompare(String((b as {path?: string}).path ?? "")));
    for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
}

/** The nearest-rank percentile (p in 0..1); 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** The median, averaging the middle two of an even count. */
export function median(values: readonly number[]): number {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 3): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}

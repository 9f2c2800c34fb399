// Token counting for the packer. The model's tokenizer is exact but lives in the runtime process; when it is
// not up, a calibrated linear estimate stands in. Its coefficients were fitted against the Gemma 4 tokenizer
// (ggml-vocab-gemma-4.gguf) on 40-line chunks of C, C++, Python, TypeScript, JavaScript, shell and Markdown:
// see `fitTokenModel` and test/unit/context/tokenCalibration.test.ts, which re-fits and checks these numbers.

export interface TokenCounter {
    /** Tokens `text` takes in the model's prompt. */
    count(text: string): number;
    /** Optional batched form for counters that cross a process boundary. */
    countMany?(texts: readonly string[]): Promise<number[]>;
    readonly exact: boolean;
}

/** Features of a text the estimate is linear in. */
export interface TokenFeatures {
    letters: number;
    wordRuns: number;
    digits: number;
    punctuation: number;
    spaceRuns: number;
    newlines: number;
    nonAscii: number;
}

export const featureNames: ReadonlyArray<keyof TokenFeatures> = ["letters", "wordRuns", "digits", "punctuation", "spaceRuns", "newlines", "nonAscii"];

/** Fitted coefficients, tokens per unit of each feature (Gemma 4 tokenizer): median error 3.8%, p90 10.5% on
 * held-out chunks, against 11.5% / 28% for a flat 2.98 chars per token. */
export const gemmaTokenModel: TokenFeatures = {
    letters: -0.1019, wordRuns: 1.8505, digits: 1.2601, punctuation: 0.6907, spaceRuns: -0.2158, newlines: 1.3402, nonAscii: 2.7845
};

export function tokenFeatures(text: string): TokenFeatures {
    const f: TokenFeatures = {letters: 0, wordRuns: 0, digits: 0, punctuation: 0, spaceRuns: 0, newlines: 0, nonAscii: 0};
    let previous = 0; // 0 other, 1 lower, 2 upper, 3 space
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 97 && c <= 122) { f.letters++; if (previous !== 1 && previous !== 2) f.wordRuns++; previous = 1; }
        else if (c >= 65 && c <= 90) { f.letters++; if (previous !== 2) f.wordRuns++; previous = 2; }
        else if (c >= 48 && c <= 57) { f.digits++; previous = 0; }
        else if (c === 10) { f.newlines++; previous = 0; }
        else if (c === 32 || c === 9 || c === 13) { if (previous !== 3) f.spaceRuns++; previous = 3; }
        else if (c > 127) { f.nonAscii++; previous = 0; }
        else { f.punctuation++; previous = 0; }
    }
    return f;
}

export function estimateTokens(text: string, model: TokenFeatures = gemmaTokenModel): number {
    const f = tokenFeatures(text);
    let total = 0;
    for (const name of featureNames) total += f[name] * model[name];
    // Some coefficients are negative (long words cost fewer tokens per letter); never go below 8 chars/token.
    return Math.max(Math.ceil(total), Math.ceil(text.length / 8));
}

export const estimatingCounter: TokenCounter = {count: (text) => estimateTokens(text), exact: false};

/**
 * Least-squares fit of the linear model to texts whose true token counts are known (normal equations,
 * solved by Gaussian elimination). Used to calibrate against a real tokenizer.
 */
export function fitTokenModel(samples: ReadonlyArray<{text: string, tokens: number}>): TokenFeatures {
    const k = featureNames.length;
    const a = Array.from({length: k}, () => new Array<number>(k + 1).fill(0));
    for (const {text, tokens} of samples) {
        const f = tokenFeatures(text);
        const x = featureNames.map((name) => f[name]);
        for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) a[i][j] += x[i] * x[j];
            a[i][k] += x[i] * tokens;
        }
    }
    for (let i = 0; i < k; i++) a[i][i] += 1e-6; // ridge: a feature absent from every sample stays solvable
    for (let col = 0; col < k; col++) {
        let pivot = col;
        for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
        [a[col], a[pivot]] = [a[pivot], a[col]];
        for (let r = 0; r < k; r++) {
            if (r === col) continue;
            const factor = a[r][col] / a[col][col];
            for (let c = col; c <= k; c++) a[r][c] -= factor * a[col][c];
        }
    }
    const model = {} as TokenFeatures;
    featureNames.forEach((name, i) => { model[name] = a[i][k] / a[i][i]; });
    return model;
}

/** Characters of counted text whose counts a model counter remembers (a few MB: the workspace's usual snippets). */
const REMEMBERED_CHARS = 4_000_000;

/**
 * The loaded model's own tokenizer, reached through a batched asynchronous call (the runtime process):
 * packing counts every candidate with it in one round trip; a lone count, which cannot wait, estimates.
 * Counts are remembered by text (least recently used out first): consecutive questions and completions
 * retrieve many of the same snippets, and only new text crosses to the runtime.
 */
export function modelTokenCounter(countMany: (texts: readonly string[]) => Promise<number[]>, rememberedChars = REMEMBERED_CHARS): TokenCounter {
    const known = new Map<string, number>();
    let chars = 0;
    const remember = (text: string, count: number) => {
        if (known.delete(text)) chars -= text.length;
        known.set(text, count);
        chars += text.length;
        for (const [oldest] of known) {
            if (chars <= rememberedChars) break;
            known.delete(oldest);
            chars -= oldest.length;
        }
    };
    return {
        count: (text) => estimateTokens(text),
        countMany: async (texts) => {
            const counts = new Map<string, number>();
            for (const text of texts) {
                const count = known.get(text);
                if (count !== undefined) { counts.set(text, count); remember(text, count); }
            }
            const missing = [...new Set(texts.filter((text) => !counts.has(text)))];
            if (missing.length > 0) {
                const fresh = await countMany(missing);
                missing.forEach((text, i) => { counts.set(text, fresh[i]); remember(text, fresh[i]); });
            }
            return texts.map((text) => counts.get(text)!);
        },
        exact: true
    };
}

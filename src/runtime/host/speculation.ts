// Speculative decoding on node-llama-cpp's public API, our own verify loop (node-llama-cpp 3.22.1's built-in
// path validates at most one predicted token per step). A drafter proposes tokens; the target model evaluates
// the pending token and the whole draft in one batch, reading its own greedy choice at every position; the
// longest agreeing prefix is kept, plus the target's own next token, and the rejected tail leaves the KV cache.
// Every kept token is one the target chose itself, so the output equals plain greedy decoding token for token.
import type {LlamaContextSequence, Token} from "node-llama-cpp";
import type {DrafterKind} from "../protocol";

/** Proposes tokens that likely follow a token history. One instance serves one request (or one lane). */
export interface Drafter {
    readonly kind: DrafterKind;
    /**
     * Up to `max` tokens expected to follow `history` (prompt + generated tokens; its last token is not yet
     * evaluated by the target). May return fewer, or none when it has no guess.
     */
    propose(history: readonly Token[], max: number): Promise<Token[]>;
    /**
     * Called once when a request starts, with its prompt, while the target evaluates it: a draft model reads the
     * prompt now, in parallel, instead of at its first proposal. Not awaited by the caller.
     */
    prepare?(promptTokens: readonly Token[]): void;
    /** Releases what the drafter holds for one request (not the shared draft model). */
    dispose?(): Promise<void>;
}

export type EvaluationPriority = 1 | 2 | 3 | 4 | 5;

export interface VerifyResult {
    /** How many draft tokens the target agreed with (they are now in the target's KV cache). */
    accepted: number;
    /** The target's own token after the accepted prefix: a correction, or a bonus when all were accepted. */
    next: Token;
}

/**
 * Evaluates `pending` (the last accepted token, not yet in the KV cache) followed by `draft` in one batch,
 * keeps the longest prefix of `draft` the target agrees with and erases the rest from the KV cache.
 */
export async function verifyDraft(
    sequence: LlamaContextSequence, pending: Token, draft: readonly Token[], evaluationPriority: EvaluationPriority
): Promise<VerifyResult> {
    const input = [pending, ...draft].map((token) => [token, {generateNext: {token: true}}] as [Token, {generateNext: {token: true}}]);
    const output = await sequence.controlledEvaluate(input, {evaluationPriority});
    const chosen = (index: number): Token => {
        const token = output[index]?.next.token;
        if (token === undefined || token === null) throw new Error(`the model produced no token at draft position ${index}`);
        return token;
    };
    let accepted = 0;
    while (accepted < draft.length && chosen(accepted) === draft[accepted]) accepted++;
    const rejected = draft.length - accepted;
    if (rejected > 0) {
        const end = sequence.nextTokenIndex;
        await sequence.eraseContextTokenRanges([{start: end - rejected, end}]);
    }
    return {accepted, next: chosen(accepted)};
}

/**
 * Chooses how many tokens to draft per step from what it measures: the time of a plain step, the time of a
 * speculative step (drafting and verifying) at each draft length it has tried, and the per-token acceptance
 * rate. It drafts the length with the best expected tokens per second, growing the draft after a fully
 * accepted one, or drafts nothing when no length beats plain decoding; then it probes again after a pause that
 * doubles each time a probe fails. Timings are the lower quartile of recent steps, so a step the OS preempted
 * (other processes on few cores) does not swing the choice. Step cost is modelled as affine in the draft length,
 * fitted to the lengths tried: a batch's first extra token costs more than the next ones on CPUs.
 */
export class DraftLengthController {
    private readonly plainMs = new RecentLowQuartile();
    private readonly stepMs = new Map<number, RecentLowQuartile>();
    /** Exponentially decayed acceptance counts: per drafted position, was it accepted given the earlier ones were. */
    private successes = 3;
    private trials = 4;
    private lastLength = 0;
    private lastFullyAccepted = false;
    private plainStepsLeft = 0;
    private pause = MIN_PAUSE;
    private probing = false;

    constructor(readonly maxDraft: number) {}

    /** Acceptance rate per drafted token, as currently estimated. */
    get acceptance(): number {
        return this.successes / this.trials;
    }

    /** Draft length for the next step; 0 means a plain step. `limit` caps it (tokens left before maxTokens). */
    next(limit: number): number {
        const cap = Math.min(this.maxDraft, limit);
        if (cap <= 0) return 0;
        if (this.plainMs.value === undefined) return 0; // measure a plain step first
        if (this.plainStepsLeft > 0) { this.plainStepsLeft--; return 0; }
        if (this.stepMs.size === 0) return this.choose(Math.min(cap, INITIAL_DRAFT));
        if (this.lastFullyAccepted && this.lastLength > 0 && this.lastLength < cap && !this.stepMs.has(Math.min(cap, this.lastLength * 2)))
            return this.choose(Math.min(cap, this.lastLength * 2)); // explore a longer draft once
        const best = this.bestLength(cap);
        if (best.gain >= MIN_GAIN) { this.probing = false; this.pause = MIN_PAUSE; return this.choose(best.length); }
        if (!this.probing) { // speculation does not pay now: decode plainly for a while, then probe again
            this.probing = true;
            this.plainStepsLeft = this.pause;
            this.pause = Math.min(MAX_PAUSE, this.pause * 2);
            this.lastLength = 0;
            this.lastFullyAccepted = false;
            return 0;
        }
        this.probing = false;
        return this.choose(Math.min(cap, INITIAL_DRAFT));
    }

    /** A plain step took `ms`. */
    recordPlain(ms: number): void {
        this.plainMs.add(ms);
    }

    /** A speculative step drafted `drafted` tokens, `accepted` of them were kept; drafting and verifying took `ms`. */
    recordSpeculative(drafted: number, accepted: number, ms: number): void {
        if (drafted <= 0) return;
        let samples = this.stepMs.get(drafted);
        if (samples === undefined) this.stepMs.set(drafted, samples = new RecentLowQuartile());
        samples.add(ms);
        const trials = accepted + (accepted < drafted ? 1 : 0);
        this.successes = this.successes * DECAY ** trials + accepted;
        this.trials = this.trials * DECAY ** trials + trials;
        this.lastFullyAccepted = accepted === drafted;
    }

    private choose(length: number): number {
        this.lastLength = length;
        return length;
    }

    private bestLength(cap: number): {length: number, gain: number} {
        const alpha = Math.min(0.999, this.acceptance);
        const plain = this.plainMs.value!;
        const cost = this.stepCostModel(plain);
        let best = {length: 0, gain: 1};
        for (let k = 1; k <= cap; k++) {
            const expectedTokens = (1 - alpha ** (k + 1)) / (1 - alpha);
            // A speculative step evaluates the plain step's token and k more: one measured as cheaper is noise (a
            // busy machine slowed the plain samples), and must not make a drafter nobody agrees with look worth it.
            const gain = expectedTokens * plain / Math.max(plain, cost(k));
            if (gain > best.gain) best = {length: k, gain};
        }
        return best;
    }

    /**
     * Step time by draft length: what was measured at that length; otherwise least squares over the lengths
     * tried, or a line through (0, plain) when one length was tried.
     */
    private stepCostModel(plain: number): (k: number) => number {
        const points = [...this.stepMs].map(([k, samples]) => [k, samples.value!] as const);
        const measured = new Map(points);
        const model = this.fit(points, plain);
        return (k) => measured.get(k) ?? model(k);
    }

    private fit(points: (readonly [number, number])[], plain: number): (k: number) => number {
        if (points.length === 1) {
            const [k0, ms0] = points[0];
            const slope = Math.max(0, (ms0 - plain) / k0);
            return (k) => Math.max(plain, plain + slope * k);
        }
        const n = points.length;
        const meanK = points.reduce((a, [k]) => a + k, 0) / n;
        const meanMs = points.reduce((a, [, ms]) => a + ms, 0) / n;
        const covariance = points.reduce((a, [k, ms]) => a + (k - meanK) * (ms - meanMs), 0);
        const variance = points.reduce((a, [k]) => a + (k - meanK) ** 2, 0);
        const slope = Math.max(0, covariance / variance);
        const intercept = meanMs - slope * meanK;
        return (k) => Math.max(plain, intercept + slope * k);
    }
}

/**
 * Lower quartile of the last few timings: a step the OS preempted only ever takes longer, so the low end of
 * recent samples is the truest estimate of what a step costs.
 */
class RecentLowQuartile {
    private readonly values: number[] = [];
    private cached: number | undefined;

    get value(): number | undefined {
        if (this.cached === undefined && this.values.length > 0) {
            const sorted = [...this.values].sort((a, b) => a - b);
            this.cached = sorted[Math.floor((sorted.length - 1) / 4)];
        }
        return this.cached;
    }

    add(value: number): void {
        this.values.push(value);
        if (this.values.length > RECENT_STEPS) this.values.shift();
        this.cached = undefined;
    }
}

const INITIAL_DRAFT = 4;
const MIN_GAIN = 1.05;
const MIN_PAUSE = 8;
const MAX_PAUSE = 128;
const RECENT_STEPS = 15;
/** Weight kept by old acceptance evidence per drafted position: the last ~7 positions count, since acceptance
 * changes quickly (a prompt-lookup draft inside a repeated passage vs outside it). */
const DECAY = 0.85;

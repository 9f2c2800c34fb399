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
 * Chooses how many tokens to draft per step from what it measures: the time of a plain step, the extra time
 * each drafted token adds to a verify step (drafting included) and the per-token acceptance rate. It drafts the
 * length with the best expected tokens per second, or nothing when no length beats plain decoding; then it
 * probes again after a pause that doubles each time a probe fails.
 */
export class DraftLengthController {
    private plainMs: number | undefined;
    private extraMsPerDraft: number | undefined;
    /** Exponentially decayed acceptance counts: per drafted position, was it accepted given the earlier ones were. */
    private successes = 3;
    private trials = 4;
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
        if (this.plainMs === undefined) return 0; // measure a plain step first
        if (this.plainStepsLeft > 0) { this.plainStepsLeft--; return 0; }
        if (this.extraMsPerDraft === undefined) return Math.min(cap, INITIAL_DRAFT);
        const best = this.bestLength(cap);
        if (best.gain >= MIN_GAIN) { this.probing = false; return best.length; }
        if (!this.probing) { // speculation does not pay now: decode plainly for a while, then probe again
            this.probing = true;
            this.plainStepsLeft = this.pause;
            this.pause = Math.min(MAX_PAUSE, this.pause * 2);
            return 0;
        }
        this.probing = false;
        return Math.min(cap, PROBE_DRAFT);
    }

    /** A plain step took `ms`. */
    recordPlain(ms: number): void {
        this.plainMs = ema(this.plainMs, ms);
    }

    /** A speculative step drafted `drafted` tokens, `accepted` of them were kept; drafting and verifying took `ms`. */
    recordSpeculative(drafted: number, accepted: number, ms: number): void {
        if (drafted <= 0) return;
        const base = this.plainMs ?? ms;
        this.extraMsPerDraft = ema(this.extraMsPerDraft, Math.max(0, (ms - base) / drafted));
        const trials = accepted + (accepted < drafted ? 1 : 0);
        this.successes = this.successes * DECAY ** trials + accepted;
        this.trials = this.trials * DECAY ** trials + trials;
        if (accepted === drafted) this.pause = MIN_PAUSE;
    }

    private bestLength(cap: number): {length: number, gain: number} {
        const alpha = Math.min(0.999, this.acceptance);
        const plain = this.plainMs ?? 1;
        const extra = this.extraMsPerDraft ?? plain;
        let best = {length: 0, gain: 1};
        for (let k = 1; k <= cap; k++) {
            const expectedTokens = (1 - alpha ** (k + 1)) / (1 - alpha);
            const gain = expectedTokens * plain / (plain + k * extra);
            if (gain > best.gain) best = {length: k, gain};
        }
        return best;
    }
}

const INITIAL_DRAFT = 4;
const PROBE_DRAFT = 2;
const MIN_GAIN = 1.05;
const MIN_PAUSE = 8;
const MAX_PAUSE = 128;
/** Weight kept by old acceptance evidence per new drafted position: about the last 30 positions count. */
const DECAY = 0.97;

function ema(previous: number | undefined, value: number): number {
    return previous === undefined ? value : previous * 0.8 + value * 0.2;
}

// Running totals since load, for RuntimeStatus (acceptance rate and speed shown in the UI), and the
// small helpers server-backed engines share to turn one streamed request into a GenerationResult.
import type {DrafterKind, GenerationStats, ModelInfo, RuntimeStatus} from "../../protocol";

export class GenerationTotals {
    private totals = {requests: 0, generatedTokens: 0, draftedTokens: 0, acceptedTokens: 0, decodeMs: 0};

    add(stats: GenerationStats, decodeMs: number): void {
        this.totals.requests += 1;
        this.totals.generatedTokens += stats.generatedTokens;
        this.totals.draftedTokens += stats.draftedTokens;
        this.totals.acceptedTokens += stats.acceptedTokens;
        this.totals.decodeMs += decodeMs;
    }

    status(model: ModelInfo): RuntimeStatus {
        return {model, totals: {...this.totals}};
    }
}

/** The server's per-request timings (llama-server's `timings` object; absent on other servers). */
export interface ServerTimings {
    cache_n?: number;
    prompt_n?: number;
    prompt_ms?: number;
    predicted_n?: number;
    predicted_ms?: number;
    predicted_per_second?: number;
    draft_n?: number;
    draft_n_accepted?: number;
}

export interface RequestClock {
    startedAt: number;
    firstTextAt?: number;
}

export function statsFromTimings(
    timings: ServerTimings | undefined,
    fallback: {promptTokens: number, generatedTokens: number},
    clock: RequestClock,
    drafter: DrafterKind
): GenerationStats {
    const totalMs = performance.now() - clock.startedAt;
    const generatedTokens = timings?.predicted_n ?? fallback.generatedTokens;
    const reused = timings?.cache_n ?? 0;
    const decodeMs = timings?.predicted_ms ?? (clock.firstTextAt !== undefined ? performance.now() - clock.firstTextAt : totalMs);
    return {
        promptTokens: timings?.prompt_n !== undefined ? timings.prompt_n + reused : fallback.promptTokens,
        reusedPromptTokens: reused,
        generatedTokens,
        timeToFirstTokenMs: (clock.firstTextAt ?? performance.now()) - clock.startedAt,
        totalMs,
        tokensPerSecond: timings?.predicted_per_second ?? (decodeMs > 0 ? (1000 * generatedTokens) / decodeMs : 0),
        drafter,
        draftedTokens: timings?.draft_n ?? 0,
        acceptedTokens: timings?.draft_n_accepted ?? 0
    };
}

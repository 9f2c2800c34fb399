// The speed the status bar shows for completions: the last generation's tokens per second, and the drafter's
// acceptance over the last few generations (one 8-token completion alone says little about a drafter).
import type {DrafterKind, GenerationStats} from "../runtime/protocol";

export interface CompletionSpeed {
    drafter: DrafterKind;
    /** The latest decode speed worth showing: of the last generation with at least two tokens (one token has no
     *  decode interval, and its rate reads as 0 tok/s); undefined when none had. */
    tokensPerSecond: number | undefined;
    /** The latest generation's time to its first token. */
    timeToFirstTokenMs: number;
    /** Summed over the window, for the drafter above. */
    draftedTokens: number;
    acceptedTokens: number;
    /** How many generations the acceptance covers. */
    generations: number;
}

export class RecentGenerations {
    private readonly window: GenerationStats[] = [];

    constructor(private readonly size = 20) {}

    add(stats: GenerationStats): void {
        // A different drafter (a new model, a changed setting) starts a new window: rates of two drafters don't mix.
        if (this.window.length > 0 && this.window[this.window.length - 1].drafter !== stats.drafter) this.window.length = 0;
        this.window.push(stats);
        if (this.window.length > this.size) this.window.shift();
    }

    clear(): void {
        this.window.length = 0;
    }

    /** Undefined until a generation finished. */
    speed(): CompletionSpeed | undefined {
        const last = this.window[this.window.length - 1];
        if (last === undefined) return undefined;
        let draftedTokens = 0, acceptedTokens = 0;
        let tokensPerSecond: number | undefined;
        for (const stats of this.window) {
            draftedTokens += stats.draftedTokens;
            acceptedTokens += stats.acceptedTokens;
            if (stats.generatedTokens >= 2 && stats.tokensPerSecond > 0) tokensPerSecond = stats.tokensPerSecond;
        }
        return {
            drafter: last.drafter, tokensPerSecond, timeToFirstTokenMs: last.timeToFirstTokenMs,
            draftedTokens, acceptedTokens, generations: this.window.length
        };
    }
}

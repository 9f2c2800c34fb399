// Restart policy for the runtime process: exponential back-off, and a cap on crashes that come without a
// healthy period between them, so a runtime that dies at every start (however slowly) is not restarted forever.
// A crash counts toward giving up only when the runtime had not been healthy (up, with its model loaded if one
// was wanted) for `healthyPeriodMs` before it; after such a period the count, and the episode, start again.

export interface BackoffOptions {
    initialDelayMs: number;
    maxDelayMs: number;
    /** More crashes than this without a healthy period between them and the client gives up until asked again. */
    maxCrashes: number;
    /** How long the runtime must stay healthy for its earlier crashes to be forgiven. */
    healthyPeriodMs: number;
}

export const defaultBackoff: BackoffOptions = {initialDelayMs: 500, maxDelayMs: 15_000, maxCrashes: 5, healthyPeriodMs: 60_000};

export class Backoff {
    private readonly options: BackoffOptions;
    private crashes = 0;
    private healthySince: number | undefined;

    constructor(options: Partial<BackoffOptions> = {}, private readonly now: () => number = Date.now) {
        this.options = {...defaultBackoff, ...options};
    }

    /** Crashes in the current episode (since the last healthy period), the latest included. */
    get episodeCrashes(): number { return this.crashes; }

    /** The runtime is healthy from now on (a second call while it stays healthy keeps the first time). */
    healthy(): void {
        this.healthySince ??= this.now();
    }

    /** The runtime stops being healthy (a load begins, or it crashed); a healthy period long enough ends the episode. */
    unhealthy(): void {
        if (this.healthySince !== undefined && this.now() - this.healthySince >= this.options.healthyPeriodMs) this.crashes = 0;
        this.healthySince = undefined;
    }

    /** Records a crash; returns the delay before the next start, or undefined when it is time to give up. */
    nextDelay(): number | undefined {
        this.unhealthy();
        this.crashes++;
        if (this.crashes > this.options.maxCrashes) return undefined;
        return Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (this.crashes - 1));
    }

    /** The user asked for a fresh start: past crashes are forgotten. */
    reset(): void {
        this.crashes = 0;
        this.healthySince = undefined;
    }
}

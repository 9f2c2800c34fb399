// Restart policy for the runtime process: exponential back-off, and a cap on crashes within a window so a
// runtime that dies at every start is not restarted forever.

export interface BackoffOptions {
    initialDelayMs: number;
    maxDelayMs: number;
    /** More crashes than this within `windowMs` and the client gives up until asked to start again. */
    maxCrashes: number;
    windowMs: number;
}

export const defaultBackoff: BackoffOptions = {initialDelayMs: 500, maxDelayMs: 15_000, maxCrashes: 5, windowMs: 120_000};

export class Backoff {
    private crashTimes: number[] = [];

    constructor(private readonly options: BackoffOptions = defaultBackoff, private readonly now: () => number = Date.now) {}

    /** Records a crash; returns the delay before the next start, or undefined when it is time to give up. */
    nextDelay(): number | undefined {
        const now = this.now();
        this.crashTimes = this.crashTimes.filter((t) => now - t < this.options.windowMs);
        this.crashTimes.push(now);
        const crashes = this.crashTimes.length;
        if (crashes > this.options.maxCrashes) return undefined;
        return Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (crashes - 1));
    }

    reset(): void {
        this.crashTimes = [];
    }
}

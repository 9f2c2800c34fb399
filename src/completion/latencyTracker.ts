// Recent request latencies and keystroke intervals, so the debouncer can wait about as long as the user's
// typing rhythm and the model's speed make worthwhile. Fixed-size windows: old behaviour ages out.

export class RollingWindow {
    private readonly values: number[] = [];

    constructor(private readonly size: number) {}

    add(value: number): void {
        this.values.push(value);
        if (this.values.length > this.size) this.values.shift();
    }

    get count(): number {
        return this.values.length;
    }

    /** The median of the window, or undefined while it is empty. */
    median(): number | undefined {
        if (this.values.length === 0) return undefined;
        const sorted = [...this.values].sort((a, b) => a - b);
        const mid = sorted.length >> 1;
        return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

export class LatencyTracker {
    private readonly latencies = new RollingWindow(20);
    private readonly intervals = new RollingWindow(20);
    private lastKeystroke: number | undefined;

    /** A keystroke at `now` (ms); intervals longer than a pause are not part of the typing rhythm. */
    keystroke(now: number): void {
        if (this.lastKeystroke !== undefined) {
            const interval = now - this.lastKeystroke;
            if (interval < PAUSE_MS) this.intervals.add(interval);
        }
        this.lastKeystroke = now;
    }

    /** Time from a request to its first shown suggestion. */
    requestLatency(ms: number): void {
        this.latencies.add(ms);
    }

    /** Milliseconds since the keystroke before the latest one, i.e. whether the latest came after a pause. */
    sinceLastKeystroke(now: number): number | undefined {
        return this.lastKeystroke === undefined ? undefined : now - this.lastKeystroke;
    }

    typicalInterval(): number | undefined {
        return this.intervals.count >= 3 ? this.intervals.median() : undefined;
    }

    typicalLatency(): number | undefined {
        return this.latencies.median();
    }
}

/** A gap between keystrokes longer than this is a pause, not typing. */
export const PAUSE_MS = 600;

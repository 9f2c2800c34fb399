// How long to wait after a keystroke before asking the model. Asking on every keystroke of a burst wastes the
// runtime on requests the next keystroke cancels; waiting too long after the user stops makes ghost text late.
// So: no wait for an explicit trigger, the shortest wait after a pause or a trigger character, and during a
// burst a wait a little longer than the user's typical gap between keys, all within the configured bounds.
import {LatencyTracker} from "./latencyTracker";

export interface DebounceBounds {
    minMs: number;
    maxMs: number;
}

export interface Keystroke {
    /** Epoch ms of the keystroke. */
    at: number;
    /** The character just typed, when known. */
    typed?: string;
    /** The user asked for a suggestion (editor.action.inlineSuggest.trigger). */
    explicit?: boolean;
}

/** Characters after which code usually continues: a suggestion is likely wanted at once. */
const TRIGGERS = new Set([".", "(", "[", "{", ",", ":", "=", " ", "\n", ">", "\t"]);

export class AdaptiveDebouncer {
    constructor(private readonly tracker: LatencyTracker, private bounds: DebounceBounds) {}

    setBounds(bounds: DebounceBounds): void {
        this.bounds = bounds;
    }

    /** The wait for this keystroke; call after tracker.keystroke(at). */
    delayFor(keystroke: Keystroke, previousGapMs: number | undefined): number {
        const {minMs, maxMs} = this.bounds;
        if (keystroke.explicit) return 0;
        if (previousGapMs === undefined || previousGapMs > pauseAfter(this.tracker)) return minMs;
        if (keystroke.typed !== undefined && TRIGGERS.has(keystroke.typed.slice(-1))) return minMs;
        const interval = this.tracker.typicalInterval();
        if (interval === undefined) return clamp((minMs + maxMs) / 2, minMs, maxMs);
        // A request is worth starting when the next key is unlikely to come before the model would answer.
        const latency = this.tracker.typicalLatency() ?? 0;
        const wait = latency > interval * 2 ? interval * 1.5 : interval * 1.2;
        return Math.round(clamp(wait, minMs, maxMs));
    }
}

/** A gap this much longer than the user's usual one is a pause. */
function pauseAfter(tracker: LatencyTracker): number {
    const interval = tracker.typicalInterval();
    return interval === undefined ? 400 : Math.min(400, interval * 3);
}

function clamp(value: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, value));
}

// "Snooze for 15 minutes": inline completions pause until a time, then come back on their own. The end time is
// kept in an injected store (the extension passes context.globalState), so a window reload does not cancel a
// snooze; listeners hear when it starts, ends early, or runs out, so the status bar can follow without polling.

/** The slice of VS Code's Memento the clock needs. */
export interface SnoozeStore {
    get<T>(key: string): T | undefined;
    update(key: string, value: unknown): PromiseLike<void>;
}

export const SNOOZE_KEY = "hearth.completion.snoozedUntil";
export const DEFAULT_SNOOZE_MINUTES = 15;

/** Longer than this, a timer would overflow (Node clamps to 1 ms): such a snooze is checked on reading instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SnoozeClock {
    private until: number | undefined;
    private timer: NodeJS.Timeout | undefined;
    private readonly listeners = new Set<() => void>();

    constructor(private readonly store: SnoozeStore, private readonly now: () => number = Date.now) {
        const saved = store.get<unknown>(SNOOZE_KEY);
        if (typeof saved === "number" && Number.isFinite(saved) && saved > this.now()) {
            this.until = saved;
            this.armTimer();
        }
    }

    /** Epoch ms the snooze ends at, or undefined when completions are not snoozed. */
    get snoozedUntil(): number | undefined {
        return this.isSnoozed() ? this.until : undefined;
    }

    isSnoozed(now = this.now()): boolean {
        return this.until !== undefined && now < this.until;
    }

    /** Milliseconds left, 0 when not snoozed. */
    remainingMs(now = this.now()): number {
        return this.isSnoozed(now) ? this.until! - now : 0;
    }

    /**
     * Snoozes for `minutes` from now (a later call replaces the end time). The snooze holds in this window at
     * once; the promise settles when it is saved, and rejects if saving failed (it then lasts until a reload).
     */
    async snooze(minutes = DEFAULT_SNOOZE_MINUTES): Promise<number> {
        if (!(minutes > 0) || !Number.isFinite(minutes)) throw new RangeError(`A snooze needs a positive number of minutes, not ${minutes}`);
        this.until = this.now() + minutes * 60_000;
        this.armTimer();
        this.changed();
        await this.store.update(SNOOZE_KEY, this.until);
        return this.until;
    }

    /** Ends a snooze now; nothing happens (and nothing is written) when none is running. */
    async resume(): Promise<void> {
        const was = this.until;
        this.clear();
        if (was === undefined) return;
        this.changed();
        await this.store.update(SNOOZE_KEY, undefined);
    }

    /** `listener` runs whenever the snoozed state changes; the returned function unsubscribes it. */
    onChange(listener: () => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.listeners.clear();
    }

    private armTimer(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        const left = this.remainingMs();
        if (left <= 0 || left > MAX_TIMER_MS) return;
        this.timer = setTimeout(() => this.expire(), left);
        // A pending snooze must not keep a process (a test, the benchmark) alive.
        this.timer.unref?.();
    }

    private expire(): void {
        this.timer = undefined;
        // The clock may lag the timer by a millisecond or two: look again shortly rather than report early.
        if (this.isSnoozed()) return this.armTimer();
        this.clear();
        this.changed();
        // The stored time is in the past now; clearing it only tidies the store, so a failure is harmless.
        void Promise.resolve(this.store.update(SNOOZE_KEY, undefined)).catch(() => undefined);
    }

    private clear(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.until = undefined;
    }

    private changed(): void {
        for (const listener of [...this.listeners]) listener();
    }
}

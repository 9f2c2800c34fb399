import assert from "node:assert/strict";
import {DEFAULT_SNOOZE_MINUTES, SNOOZE_KEY, SnoozeClock, type SnoozeStore} from "../../../src/completion/snooze";

/** A Memento-like store in memory; `failWrites` makes every write reject, as a broken storage would. */
class MemoryStore implements SnoozeStore {
    readonly values = new Map<string, unknown>();
    writes = 0;
    failWrites = false;

    get<T>(key: string): T | undefined { return this.values.get(key) as T | undefined; }

    async update(key: string, value: unknown): Promise<void> {
        this.writes++;
        if (this.failWrites) throw new Error("storage is read-only");
        if (value === undefined) this.values.delete(key);
        else this.values.set(key, value);
    }
}

function waitFor(condition: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    return new Promise((resolve, reject) => {
        const poll = () => condition() ? resolve() : Date.now() > deadline ? reject(new Error("timed out")) : setTimeout(poll, 5);
        poll();
    });
}

describe("snooze clock", () => {
    it("snoozes for 15 minutes by default and tells how long is left", async () => {
        let now = 1_000_000;
        const clock = new SnoozeClock(new MemoryStore(), () => now);
        assert.equal(clock.isSnoozed(), false);
        assert.equal(clock.remainingMs(), 0);
        assert.equal(clock.snoozedUntil, undefined);
        const until = await clock.snooze();
        assert.equal(until, 1_000_000 + DEFAULT_SNOOZE_MINUTES * 60_000);
        assert.equal(clock.snoozedUntil, until);
        now += 5 * 60_000;
        assert.equal(clock.isSnoozed(), true);
        assert.equal(clock.remainingMs(), 10 * 60_000);
        now = until;
        assert.equal(clock.isSnoozed(), false);
        assert.equal(clock.snoozedUntil, undefined);
        clock.dispose();
    });

    it("survives a reload through its store, and a resume clears it there", async () => {
        let now = 5_000;
        const store = new MemoryStore();
        const first = new SnoozeClock(store, () => now);
        const until = await first.snooze(30);
        first.dispose();
        assert.equal(store.get(SNOOZE_KEY), until);

        now += 60_000;
        const reloaded = new SnoozeClock(store, () => now);
        assert.equal(reloaded.isSnoozed(), true);
        assert.equal(reloaded.remainingMs(), 29 * 60_000);
        await reloaded.resume();
        assert.equal(reloaded.isSnoozed(), false);
        assert.equal(store.get(SNOOZE_KEY), undefined);
        assert.equal(new SnoozeClock(store, () => now).isSnoozed(), false);
        reloaded.dispose();
    });

    it("ignores a stored snooze that has ended, or a stored value that is not a time", () => {
        const store = new MemoryStore();
        store.values.set(SNOOZE_KEY, 999);
        assert.equal(new SnoozeClock(store, () => 1000).isSnoozed(), false);
        store.values.set(SNOOZE_KEY, "tomorrow");
        assert.equal(new SnoozeClock(store, () => 1000).isSnoozed(), false);
    });

    it("refuses a snooze that is not a positive number of minutes, and writes nothing", async () => {
        const store = new MemoryStore();
        const clock = new SnoozeClock(store);
        for (const minutes of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) await assert.rejects(clock.snooze(minutes), RangeError);
        assert.equal(clock.isSnoozed(), false);
        assert.equal(store.writes, 0);
    });

    it("resuming when not snoozed changes nothing", async () => {
        const store = new MemoryStore();
        const clock = new SnoozeClock(store);
        let changes = 0;
        clock.onChange(() => changes++);
        await clock.resume();
        assert.deepEqual([changes, store.writes], [0, 0]);
    });

    it("holds in this window when the store cannot save it, and says so", async () => {
        const store = new MemoryStore();
        store.failWrites = true;
        const clock = new SnoozeClock(store);
        await assert.rejects(clock.snooze(15), /read-only/);
        assert.equal(clock.isSnoozed(), true);
        clock.dispose();
    });

    it("tells listeners when a snooze starts, is replaced, and ends early", async () => {
        const clock = new SnoozeClock(new MemoryStore());
        const seen: boolean[] = [];
        const unsubscribe = clock.onChange(() => seen.push(clock.isSnoozed()));
        await clock.snooze(15);
        await clock.snooze(60);
        assert.ok(clock.remainingMs() > 59 * 60_000);
        await clock.resume();
        unsubscribe();
        await clock.snooze(15);
        assert.deepEqual(seen, [true, true, false]);
        clock.dispose();
    });

    it("runs out on its own at the end time and tells listeners, on time and not before", async () => {
        const store = new MemoryStore();
        const clock = new SnoozeClock(store);
        const ended: number[] = [];
        clock.onChange(() => { if (!clock.isSnoozed()) ended.push(Date.now()); });
        const until = await clock.snooze(0.002); // 120 ms
        await waitFor(() => ended.length > 0, 2000);
        assert.equal(ended.length, 1);
        assert.ok(ended[0] >= until, `ended ${until - ended[0]} ms early`);
        assert.equal(clock.isSnoozed(), false);
        // The past end time is cleared from the store too, so nothing stale is read after a reload.
        await waitFor(() => store.get(SNOOZE_KEY) === undefined, 1000);
        clock.dispose();
    });

    it("a reloaded snooze runs out on its own too", async () => {
        const store = new MemoryStore();
        store.values.set(SNOOZE_KEY, Date.now() + 80);
        const clock = new SnoozeClock(store);
        assert.equal(clock.isSnoozed(), true);
        let ended = false;
        clock.onChange(() => { ended = !clock.isSnoozed(); });
        await waitFor(() => ended, 2000);
        clock.dispose();
    });
});

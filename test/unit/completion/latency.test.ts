import assert from "node:assert/strict";
import {CompletionCache} from "../../../src/completion/cache";
import {AdaptiveDebouncer} from "../../../src/completion/debouncer";
import {typedInto, type Inflight} from "../../../src/completion/inflight";
import {LatencyTracker, RollingWindow} from "../../../src/completion/latencyTracker";

const bounds = {minMs: 20, maxMs: 250};

/** Types `count` keys `gap` ms apart and returns the debounce asked for the last one. */
function typeBurst(debouncer: AdaptiveDebouncer, tracker: LatencyTracker, start: number, gap: number, count: number, typed = "a"): number {
    let delay = 0;
    for (let i = 0; i < count; i++) {
        const at = start + i * gap;
        const previous = tracker.sinceLastKeystroke(at);
        tracker.keystroke(at);
        delay = debouncer.delayFor({at, typed}, previous);
    }
    return delay;
}

describe("completion latency machinery", () => {
    it("rolling window keeps the newest values and takes their median", () => {
        const w = new RollingWindow(3);
        assert.equal(w.median(), undefined);
        for (const v of [100, 1, 2, 3]) w.add(v);
        assert.equal(w.median(), 2);
    });

    describe("adaptive debounce", () => {
        it("asks at once for an explicit trigger, and shortest after a pause or a trigger character", () => {
            const tracker = new LatencyTracker();
            const debouncer = new AdaptiveDebouncer(tracker, bounds);
            typeBurst(debouncer, tracker, 0, 80, 10);
            assert.equal(debouncer.delayFor({at: 900, explicit: true}, 100), 0);
            const afterPause = tracker.sinceLastKeystroke(5000);
            tracker.keystroke(5000);
            assert.equal(debouncer.delayFor({at: 5000, typed: "x"}, afterPause), bounds.minMs);
            assert.equal(debouncer.delayFor({at: 5080, typed: "."}, 80), bounds.minMs);
        });

        it("during a burst waits a little longer than the typist's usual gap, within bounds", () => {
            const quickTypist = new LatencyTracker();
            const quick = typeBurst(new AdaptiveDebouncer(quickTypist, bounds), quickTypist, 0, 60, 12);
            const slowTypist = new LatencyTracker();
            const slow = typeBurst(new AdaptiveDebouncer(slowTypist, bounds), slowTypist, 0, 180, 12);
            assert.ok(quick > 60 && quick < 120, `quick typist ${quick}`);
            assert.ok(slow > 180 && slow <= bounds.maxMs, `slow typist ${slow}`);
            assert.ok(quick > bounds.minMs, "a burst waits longer than after a pause");
            const capped = new LatencyTracker();
            assert.equal(typeBurst(new AdaptiveDebouncer(capped, {minMs: 20, maxMs: 100}), capped, 0, 180, 12), 100);
        });

        it("waits longer when the model is slower than the typing", () => {
            const slowModel = new LatencyTracker();
            slowModel.requestLatency(900);
            const quickModel = new LatencyTracker();
            quickModel.requestLatency(30);
            const whenSlow = typeBurst(new AdaptiveDebouncer(slowModel, bounds), slowModel, 0, 100, 12);
            const whenQuick = typeBurst(new AdaptiveDebouncer(quickModel, bounds), quickModel, 0, 100, 12);
            assert.ok(whenSlow > whenQuick, `${whenSlow} vs ${whenQuick}`);
        });
    });

    describe("cache", () => {
        it("hits by prefix and suffix window, and forwards when typing into a suggestion", () => {
            const cache = new CompletionCache(10);
            cache.set({prefix: "const total = ", suffix: "\n"}, "items.length;");
            assert.equal(cache.get({prefix: "const total = ", suffix: "\n"}), "items.length;");
            assert.equal(cache.get({prefix: "const total = ite", suffix: "\n"}), "ms.length;");
            assert.equal(cache.get({prefix: "const total = x", suffix: "\n"}), undefined);
            assert.equal(cache.get({prefix: "const total = ite", suffix: "\n}"}), undefined);
            assert.equal(cache.get({prefix: "const total = items.length;", suffix: "\n"}), undefined, "fully typed: nothing left");
        });

        it("keys only the window near the cursor, and evicts the least recently used", () => {
            const cache = new CompletionCache(2);
            const far = "x".repeat(10_000);
            cache.set({prefix: "a" + far + "let v = ", suffix: ""}, "1;");
            assert.equal(cache.get({prefix: "b" + far + "let v = ", suffix: ""}), "1;");
            cache.set({prefix: "p1", suffix: ""}, "one");
            cache.get({prefix: "b" + far + "let v = ", suffix: ""});
            cache.set({prefix: "p2", suffix: ""}, "two");
            assert.equal(cache.size, 2);
            assert.equal(cache.get({prefix: "p1", suffix: ""}), undefined);
            assert.equal(cache.get({prefix: "p2", suffix: ""}), "two");
        });
    });

    describe("in-flight reuse", () => {
        const inflight = (streamed: string, done = false): Inflight =>
            ({prefix: "x = ", suffix: "\n", streamed, result: Promise.resolve(streamed), abort() {}, done});

        it("reuses a request whose stream the typed text follows", () => {
            assert.equal(typedInto(inflight("compute(1)"), "x = com", "\n"), "com");
            assert.equal(typedInto(inflight("co"), "x = comp", "\n"), "comp", "still streaming: may agree yet");
            assert.equal(typedInto(inflight("co", true), "x = comp", "\n"), undefined, "finished short of the typed text");
            assert.equal(typedInto(inflight("compute(1)"), "x = cal", "\n"), undefined);
            assert.equal(typedInto(inflight("compute(1)"), "y = com", "\n"), undefined);
            assert.equal(typedInto(inflight("compute(1)"), "x = com", ""), undefined);
        });
    });
});

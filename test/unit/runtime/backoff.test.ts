import assert from "node:assert/strict";
import {Backoff} from "../../../src/runtime/backoff";

describe("restart back-off", () => {
    it("doubles the delay per crash up to the cap, then gives up", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 350, maxCrashes: 4, windowMs: 1000}, () => now);
        assert.deepEqual([backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay()], [100, 200, 350, 350]);
        assert.equal(backoff.nextDelay(), undefined);
    });

    it("forgets crashes older than the window", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 10_000, maxCrashes: 2, windowMs: 1000}, () => now);
        backoff.nextDelay();
        now = 600;
        assert.equal(backoff.nextDelay(), 200);
        now = 1500; // the first crash has left the window
        assert.equal(backoff.nextDelay(), 200);
        now = 1550;
        assert.equal(backoff.nextDelay(), undefined);
    });
});

import assert from "node:assert/strict";
import {Backoff} from "../../../src/runtime/backoff";

describe("restart back-off", () => {
    it("doubles the delay per crash up to the cap, then gives up", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 350, maxCrashes: 4, healthyPeriodMs: 1000}, () => now);
        const delays = [1, 2, 3, 4].map(() => { now += 10; return backoff.nextDelay(); });
        assert.deepEqual(delays, [100, 200, 350, 350]);
        assert.equal(backoff.nextDelay(), undefined);
        assert.equal(backoff.episodeCrashes, 5);
    });

    it("counts crashes however slow each cycle is, as long as no healthy period came between them", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 10_000, maxCrashes: 2, healthyPeriodMs: 60_000}, () => now);
        // Each cycle takes ten minutes of loading and is healthy for only 30 s before it dies again.
        const delays: Array<number | undefined> = [];
        for (let cycle = 0; cycle < 3; cycle++) {
            backoff.unhealthy();       // the reload begins
            now += 600_000;
            backoff.healthy();         // loaded
            now += 30_000;
            delays.push(backoff.nextDelay());
        }
        assert.deepEqual(delays, [100, 200, undefined]);
    });

    it("forgives earlier crashes after a healthy period, which starts a new episode", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 10_000, maxCrashes: 2, healthyPeriodMs: 1000}, () => now);
        assert.equal(backoff.nextDelay(), 100);
        backoff.healthy();
        now += 500;
        assert.equal(backoff.nextDelay(), 200, "half a healthy period is not enough");
        assert.equal(backoff.episodeCrashes, 2);
        backoff.healthy();
        now += 1000;
        assert.equal(backoff.nextDelay(), 100, "a full healthy period resets the count");
        assert.equal(backoff.episodeCrashes, 1);
    });

    it("a load that begins after a healthy period ends the episode, and time spent loading is not healthy", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 10_000, maxCrashes: 5, healthyPeriodMs: 1000}, () => now);
        backoff.nextDelay();
        backoff.nextDelay();
        backoff.healthy();
        now += 2000;
        backoff.unhealthy();           // the user loads another model
        now += 5000;                   // a long load: not healthy time
        assert.equal(backoff.nextDelay(), 100);
        assert.equal(backoff.episodeCrashes, 1);
        backoff.unhealthy();
        now += 5000;
        assert.equal(backoff.nextDelay(), 200, "time while unhealthy never resets the count");
    });

    it("keeps the first healthy time while it stays healthy, and forgets everything on reset", () => {
        let now = 0;
        const backoff = new Backoff({initialDelayMs: 100, maxDelayMs: 10_000, maxCrashes: 1, healthyPeriodMs: 1000}, () => now);
        backoff.nextDelay();
        backoff.healthy();
        now += 600;
        backoff.healthy();             // a second load succeeded: still the same healthy stretch
        now += 600;
        assert.equal(backoff.nextDelay(), 100);
        assert.equal(backoff.nextDelay(), undefined);
        backoff.reset();
        assert.equal(backoff.episodeCrashes, 0);
        assert.equal(backoff.nextDelay(), 100);
    });
});

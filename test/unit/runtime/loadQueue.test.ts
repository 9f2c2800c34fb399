// "Newest wins" for settings-driven loads, with loads the test settles by hand so every interleaving is exact.
import assert from "node:assert/strict";
import {NewestLoad, type Resolved} from "../../../src/runtime/loadQueue";

interface Pending<T> {
    params: string;
    signal: AbortSignal;
    resolve(value: T): void;
    reject(error: Error): void;
}

/** A loader whose loads stay open until the test settles them. */
function manualLoader() {
    const started: Array<Pending<string>> = [];
    const load = (params: string, signal: AbortSignal) => new Promise<string>((resolve, reject) => {
        started.push({params, signal, resolve, reject});
    });
    return {started, load};
}

const now = (params: string) => async (): Promise<Resolved<string>> => ({params});
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("newest-wins model loads", () => {
    it("a newer load aborts the older one, whose late success changes nothing", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        const first = queue.apply(now("A"), load);
        await tick();
        const second = queue.apply(now("B"), load);
        await tick();
        assert.deepEqual(started.map((s) => s.params), ["A", "B"]);
        assert.equal(started[0].signal.aborted, true, "the older load is cancelled");
        assert.equal(started[1].signal.aborted, false);
        started[1].resolve("model B");
        started[0].resolve("model A");
        assert.deepEqual(await second, {kind: "loaded", params: "B", value: "model B"});
        assert.deepEqual(await first, {kind: "superseded"});
    });

    it("a superseded load's late failure is not reported", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        const first = queue.apply(now("A"), load);
        await tick();
        const second = queue.apply(now("B"), load);
        await tick();
        started[1].resolve("model B");
        assert.equal((await second).kind, "loaded");
        started[0].reject(new Error("VRAM taken"));
        assert.deepEqual(await first, {kind: "superseded"});
        assert.equal(queue.busy, false);
    });

    it("the same settings while their load is under way don't start a second load or cancel the first", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        const first = queue.apply(now("A"), load);
        await tick();
        assert.deepEqual(await queue.apply(now("A"), load), {kind: "unchanged"});
        assert.equal(started.length, 1);
        assert.equal(started[0].signal.aborted, false);
        started[0].resolve("model A");
        assert.deepEqual(await first, {kind: "loaded", params: "A", value: "model A"});
        assert.deepEqual(await queue.apply(now("A"), load), {kind: "unchanged"}, "loaded already");
    });

    it("settings resolved late lose to newer settings resolved sooner", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        let finishResolve!: () => void;
        const slow = queue.apply(() => new Promise<Resolved<string>>((resolve) => { finishResolve = () => resolve({params: "A"}); }), load);
        const fast = queue.apply(now("B"), load);
        await tick();
        finishResolve();
        assert.deepEqual(await slow, {kind: "superseded"});
        assert.deepEqual(started.map((s) => s.params), ["B"]);
        started[0].resolve("model B");
        assert.equal((await fast).kind, "loaded");
    });

    it("settings that name nothing cancel the load under way", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        const first = queue.apply(now("A"), load);
        await tick();
        assert.deepEqual(await queue.apply(async () => ({missing: "No model is configured."}), load), {kind: "cleared", missing: "No model is configured."});
        assert.equal(started[0].signal.aborted, true);
        started[0].reject(new Error("cancelled"));
        assert.deepEqual(await first, {kind: "superseded"});
    });

    it("a failed load may be tried again with the same settings; a forgotten model is loaded afresh", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {started, load} = manualLoader();
        const first = queue.apply(now("A"), load);
        await tick();
        started[0].reject(new Error("file moved"));
        const failed = await first;
        assert.equal(failed.kind, "failed");
        assert.equal(failed.kind === "failed" && (failed.error as Error).message, "file moved");

        const retry = queue.apply(now("A"), load);
        await tick();
        started[1].resolve("model A");
        assert.equal((await retry).kind, "loaded");
        queue.forget();
        const afresh = queue.apply(now("A"), load);
        await tick();
        assert.equal(started.length, 3);
        started[2].resolve("model A");
        assert.equal((await afresh).kind, "loaded");
    });

    it("a resolver that throws fails that apply only", async () => {
        const queue = new NewestLoad<string, string>((p) => p);
        const {load} = manualLoader();
        const outcome = await queue.apply(async () => { throw new Error("no secret storage"); }, load);
        assert.equal(outcome.kind, "failed");
        assert.equal(outcome.kind === "failed" && outcome.params, undefined);
    });
});

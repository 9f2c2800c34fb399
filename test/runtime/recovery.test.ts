// Recovery on the real runtime process and generated models: a reload that fails after a crash, the give-up
// rule when every cycle is slow, a native call that hangs (the process stopped with SIGSTOP), and loads that a
// newer load or the caller cancels.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {RuntimeClient, type CrashInfo, type ReloadFailure} from "../../src/runtime/client";
import {NewestLoad} from "../../src/runtime/loadQueue";
import {RuntimeError, type LoadParams, type ModelInfo} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");
const complete = {context: "", suffix: "", maxTokens: 24, stop: []};

function loadParams(modelPath: string, overrides: Partial<LoadParams> = {}): LoadParams {
    return {engine: "embedded", modelPath, drafterMode: "off", maxDraftTokens: 8, contextSize: 2048, gpu: "off", threads: 1, ...overrides};
}

function isAlive(pid: number): boolean {
    try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
    const start = Date.now();
    while (!condition()) {
        if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("runtime recovery", function () {
    let client: RuntimeClient;
    let scratch: string;
    before(() => { ensureTestModels(); scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-recovery-")); });
    after(() => fs.rmSync(scratch, {recursive: true, force: true}));
    afterEach(async () => {
        // A test that failed half-way may leave its process stopped: let it go so dispose can end it.
        if (client?.pid !== undefined) try { process.kill(client.pid, "SIGCONT"); } catch { /* gone */ }
        await client?.dispose();
    });

    it("a reload that fails after a crash leaves the process up with no model, says so once, and a later load works", async () => {
        const movable = path.join(scratch, "movable.gguf");
        fs.copyFileSync(testModelPath("gemma4-draft"), movable);
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 20}});
        const failures: ReloadFailure[] = [];
        const crashes: CrashInfo[] = [];
        client.onReloadFailed((f) => failures.push(f));
        client.onCrash((c) => crashes.push(c));
        await client.load(loadParams(movable));

        // The file goes away (moved, unmounted) and then the process dies.
        fs.renameSync(movable, `${movable}.moved`);
        const pid = client.pid!;
        process.kill(pid, "SIGKILL");
        await waitFor(() => failures.length === 1);
        assert.equal(failures[0].params.modelPath, movable);
        assert.equal(failures[0].error.code, "badModel");
        assert.ok(failures[0].error.message.includes(movable), failures[0].error.message);
        await waitFor(() => client.state === "ready");
        assert.notEqual(client.pid, pid);
        assert.ok(isAlive(client.pid!), "the process stays up");
        assert.equal(client.loadedParams, undefined, "the lost model is not retried on the next restart");
        await assert.rejects(client.status(), (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");

        // Loading another model works, and so does the next request.
        const info = await client.load(loadParams(testModelPath("gemma4-target")));
        assert.equal(info.modelPath, testModelPath("gemma4-target"));
        const result = await client.complete({...complete, prefix: "export function "});
        assert.equal(result.stats.generatedTokens, 24);

        // The next crash reloads the model that is loaded now: the failure was told once and not again.
        process.kill(client.pid!, "SIGKILL");
        await waitFor(() => crashes.length === 2);
        const after = await client.complete({...complete, prefix: "export function "});
        assert.equal(after.text, result.text);
        assert.equal(failures.length, 1);
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
    });

    it("gives up on a crash loop whose cycles are slow, counting only crashes without a healthy period between them", async () => {
        // Every cycle reloads the model and dies 1.2 s after it is healthy: more than 2 s per cycle, so a
        // "3 crashes within 4 s" window would never fill; crashes without 4 s of health between them do.
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 20, maxDelayMs: 40, maxCrashes: 2, healthyPeriodMs: 4000}});
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        await client.load(loadParams(testModelPath("gemma4-target")));
        const started = Date.now();
        for (let i = 0; i < 3; i++) {
            await waitFor(() => client.state === "ready");
            await sleep(1200);
            process.kill(client.pid!, "SIGKILL");
            await waitFor(() => crashes.length === i + 1);
        }
        assert.ok(Date.now() - started > 3 * 1200);
        assert.deepEqual(crashes.map((c) => c.episodeCrashes), [1, 2, 3]);
        assert.deepEqual(crashes.map((c) => c.willRestart), [true, true, false]);
        assert.equal(client.state, "failed");
        await assert.rejects(client.complete({...complete, prefix: "x"}), /keeps stopping/);

        // An explicit load after giving up starts a fresh process and a new episode.
        const info = await client.load(loadParams(testModelPath("gemma4-target")));
        assert.equal(info.architecture, "gemma4");
        assert.equal(client.state, "ready");

        // A process that stays healthy for the whole period is forgiven: each crash starts a new episode.
        for (let i = 0; i < 2; i++) {
            await waitFor(() => client.state === "ready");
            await sleep(4300);
            process.kill(client.pid!, "SIGKILL");
            await waitFor(() => crashes.length === 4 + i);
            assert.equal(crashes[3 + i].episodeCrashes, 1);
            assert.equal(crashes[3 + i].willRestart, true);
        }
        await waitFor(() => client.state === "ready");
        assert.equal((await client.complete({...complete, prefix: "const "})).stats.generatedTokens, 24);
    });

    it("detects a native call that hangs (the process stopped mid-request), restarts it, and serves the next request", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, hangTimeoutMs: 5000, backoff: {initialDelayMs: 20}});
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        await client.load(loadParams(testModelPath("gemma4-target")));
        const pid = client.pid!;
        let stopped = false;
        const running = client.complete({...complete, prefix: "class ", maxTokens: 1500}, {
            onText: () => { if (!stopped) { stopped = true; process.kill(pid, "SIGSTOP"); } }
        });
        await assert.rejects(running, (error: unknown) =>
            error instanceof RuntimeError && error.code === "runtimeCrashed" &&
            /stopped responding for 5 s while working; it was restarted/.test(error.message));
        assert.equal(crashes.length, 1);
        assert.equal(crashes[0].hungForMs, 5000);
        assert.equal(crashes[0].willRestart, true);
        await waitFor(() => !isAlive(pid), 10_000);

        const next = await client.complete({...complete, prefix: "class "});
        assert.notEqual(client.pid, pid);
        assert.equal(next.stats.generatedTokens, 24);
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
        assert.equal(crashes.length, 1, "a working process is never taken for hung");
    });

    it("reports how far a load has read the model, up to all of it", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const seen: number[] = [];
        await client.load(loadParams(testModelPath("gemma4-target")), {onProgress: (fraction) => seen.push(fraction)});
        assert.ok(seen.length >= 2, JSON.stringify(seen));
        assert.deepEqual([...seen].sort((a, b) => a - b), seen, "it only grows");
        assert.equal(seen.at(-1), 1);
    });

    it("cancels a load through its signal, and a newer load cancels an older one", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.start();
        const controller = new AbortController();
        const aborted = client.load(loadParams(testModelPath("llama-target")), {signal: controller.signal});
        controller.abort();
        await assert.rejects(aborted, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");

        const older = client.load(loadParams(testModelPath("llama-target")));
        const newer = client.load(loadParams(testModelPath("gemma4-target")));
        await assert.rejects(older, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");
        assert.equal((await newer).modelPath, testModelPath("gemma4-target"));
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
        assert.equal(client.loadedParams?.modelPath, testModelPath("gemma4-target"));
        const result = await client.complete({...complete, prefix: "export function "});
        assert.equal(result.stats.generatedTokens, 24);
    });

    it("a process that dies under a load is restarted and the load tried once more; a second death fails it by name", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 20}});
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        await client.start();
        const target = testModelPath("gemma4-target");
        // The process dies while it reads the model (reading a 262K-token vocabulary takes about a second).
        const survived = client.load(loadParams(target));
        await sleep(150);
        process.kill(client.pid!, "SIGKILL");
        assert.equal((await survived).modelPath, target);
        assert.equal(crashes.length, 1);
        assert.equal((await client.status()).model?.modelPath, target);
        assert.equal(client.loadedParams?.modelPath, target, "a later crash reloads it");

        const killedTwice = client.load(loadParams(testModelPath("llama-target")));
        killedTwice.catch(() => undefined); // looked at below
        for (let kill = 0; kill < 2; kill++) {
            const pid = client.pid!;
            await sleep(150);
            process.kill(pid, "SIGKILL");
            // The restarted process is up (its state says ready) and has the load again.
            await waitFor(() => client.pid !== undefined && client.pid !== pid && client.state === "ready");
        }
        await assert.rejects(killedTwice, (error: unknown) => error instanceof RuntimeError && error.code === "runtimeCrashed" &&
            error.message.includes("twice") && error.path === testModelPath("llama-target"));
        assert.equal(client.loadedParams, undefined);
        const info = await client.load(loadParams(target));
        assert.equal(info.modelPath, target, "the next load works");
    });

    it("a load asked for while the process restarts wins over reloading the old model", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 300}});
        const failures: ReloadFailure[] = [];
        client.onReloadFailed((f) => failures.push(f));
        await client.load(loadParams(testModelPath("llama-target")));
        const pid = client.pid!;
        process.kill(pid, "SIGKILL");
        await waitFor(() => client.state === "restarting");
        // Asked during the back-off delay: the new process loads this, not the model it had.
        const info = await client.load(loadParams(testModelPath("gemma4-target")));
        assert.equal(info.modelPath, testModelPath("gemma4-target"));
        assert.notEqual(client.pid, pid);
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
        await waitFor(() => client.state === "ready");
        assert.deepEqual(failures, []);
    });

    it("settings applied in a row: the newest wins, the older load is cancelled and its outcome ignored", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const queue = new NewestLoad<LoadParams, ModelInfo>((p) => JSON.stringify(p));
        const load = (params: LoadParams, signal: AbortSignal) => client.load(params, {signal});
        const first = queue.apply(async () => ({params: loadParams(testModelPath("llama-target"))}), load);
        await sleep(50);
        const second = queue.apply(async () => ({params: loadParams(testModelPath("gemma4-target"))}), load);
        const [older, newer] = await Promise.all([first, second]);
        assert.deepEqual(older, {kind: "superseded"});
        assert.equal(newer.kind, "loaded");
        assert.equal(newer.kind === "loaded" && newer.value.modelPath, testModelPath("gemma4-target"));
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
    });

    it("a stream callback that throws does not break the request or the client", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.load(loadParams(testModelPath("gemma4-target")));
        const result = await client.complete({...complete, prefix: "export function "}, {onText: () => { throw new Error("consumer bug"); }});
        assert.equal(result.stats.generatedTokens, 24);
        assert.equal(client.state, "ready");
        assert.equal((await client.complete({...complete, prefix: "export function "})).text, result.text);
    });
});

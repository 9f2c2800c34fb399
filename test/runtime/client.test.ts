// The real runtime child process (dist/runtime-host.mjs, built by the test command) behind RuntimeClient.
import assert from "node:assert/strict";
import path from "node:path";
import {RuntimeClient, type CrashInfo, type RuntimeState} from "../../src/runtime/client";
import {RuntimeError} from "../../src/runtime/protocol";
import {silentLogger, type Logger} from "../../src/log";

const hostPath = path.resolve("dist/runtime-host.mjs");
/** A host that shakes hands like the real one, then misbehaves as HEARTH_TEST_SCRIPT says. */
const scriptedHost = path.resolve("test/fixtures/hosts/scriptedHost.mjs");

function recordingLogger(): Logger & {errors: string[]} {
    const errors: string[] = [];
    return {errors, info() {}, warn() {}, error: (message) => { errors.push(message); }};
}

function isAlive(pid: number): boolean {
    try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (!condition()) {
        if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("runtime client and process", function () {
    let client: RuntimeClient;
    afterEach(async () => { await client?.dispose(); });

    it("starts the process and shakes hands", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const states: RuntimeState[] = [];
        client.onStateChange((s) => states.push(s));
        await client.start();
        assert.equal(client.state, "ready");
        assert.ok(client.pid !== undefined && isAlive(client.pid));
        assert.deepEqual(states, ["starting", "ready"]);
    });

    it("carries typed errors across the process boundary", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await assert.rejects(client.status(), (error: unknown) =>
            error instanceof RuntimeError && error.code === "modelNotLoaded" && /No model is loaded/.test(error.message));
        await assert.rejects(client.request("nonsense" as "status", {}), (error: unknown) =>
            error instanceof RuntimeError && error.code === "invalidRequest");
        // Malformed parameters are refused at once with the field at fault (the host would drop them unanswered).
        await assert.rejects(client.tokenCount([1 as unknown as string]), (error: unknown) =>
            error instanceof RuntimeError && error.code === "invalidRequest" && /texts\[0\]/.test(error.message));
        assert.equal(client.state, "ready");
        assert.equal(client.inFlight, 0);
    });

    it("drops malformed host messages field by field, logs each, and still serves the request", async () => {
        const log = recordingLogger();
        client = new RuntimeClient({hostPath: scriptedHost, log, env: {HEARTH_TEST_SCRIPT: "malformed"}});
        const chunks: string[] = [];
        const result = await client.request("complete", {context: "", prefix: "", suffix: "", maxTokens: 1, stop: []}, {onText: (t) => chunks.push(t)});
        assert.deepEqual(result, {answer: "after the junk"});
        assert.deepEqual(chunks, ["kept"]);
        const dropped = log.errors.filter((line) => /malformed message \(dropped\)/.test(line));
        assert.equal(dropped.length, 13, dropped.join("\n"));
        assert.ok(dropped.some((line) => /chunk\.chunk\.text is not a string/.test(line)), "the field at fault is named");
        assert.equal(client.state, "ready");
    });

    it("keeps a host that is busy but beating, however long it stays silent otherwise", async () => {
        client = new RuntimeClient({hostPath: scriptedHost, log: silentLogger, env: {HEARTH_TEST_SCRIPT: "beating"}, hangTimeoutMs: 1000});
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        await client.start();
        const pid = client.pid;
        const result = await client.request("status", {});
        assert.deepEqual(result, {answer: "slow but alive"});
        assert.equal(crashes.length, 0);
        assert.equal(client.pid, pid);
    });

    it("kills a host that goes silent with work in flight, fails that work plainly, and restarts it", async () => {
        client = new RuntimeClient({hostPath: scriptedHost, log: silentLogger, env: {HEARTH_TEST_SCRIPT: "silent"}, hangTimeoutMs: 800,
            backoff: {initialDelayMs: 20}});
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        await client.start();
        const pid = client.pid!;
        await assert.rejects(client.status(), (error: unknown) =>
            error instanceof RuntimeError && error.code === "runtimeCrashed" && /stopped responding for 1 s while working; it was restarted/.test(error.message));
        assert.equal(crashes.length, 1);
        assert.equal(crashes[0].hungForMs, 800);
        assert.equal(crashes[0].willRestart, true);
        await waitFor(() => !isAlive(pid), 5000);
        await waitFor(() => client.state === "ready");
        assert.notEqual(client.pid, pid);
        // Idle, the new host may be silent as long as it likes: only work in flight is watched.
        await new Promise((resolve) => setTimeout(resolve, 1200));
        assert.equal(crashes.length, 1);
    });

    it("survives listeners that throw", async () => {
        const log = recordingLogger();
        client = new RuntimeClient({hostPath, log, backoff: {initialDelayMs: 20}});
        client.onStateChange(() => { throw new Error("listener bug"); });
        client.onCrash(() => { throw new Error("listener bug"); });
        await client.start();
        process.kill(client.pid!, "SIGKILL");
        await waitFor(() => client.state === "restarting");
        await waitFor(() => client.state === "ready");
        await assert.rejects(client.status(), (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");
        assert.ok(log.errors.some((line) => /listener threw: Error: listener bug/.test(line)), log.errors.join("\n"));
    });

    it("restarts a crashed process with back-off and tells listeners once per crash", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 50, maxDelayMs: 200, maxCrashes: 3, healthyPeriodMs: 60_000}});
        await client.start();
        const firstPid = client.pid!;
        const crashes: CrashInfo[] = [];
        client.onCrash((info) => crashes.push(info));
        process.kill(firstPid, "SIGKILL");
        await waitFor(() => crashes.length === 1);
        assert.equal(crashes[0].signal, "SIGKILL");
        assert.equal(crashes[0].willRestart, true);
        assert.equal(crashes[0].restartDelayMs, 50);
        // A request made while it restarts waits for the new process instead of failing.
        await assert.rejects(client.status(), (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");
        assert.equal(client.state, "ready");
        assert.notEqual(client.pid, firstPid);
        assert.equal(crashes.length, 1);
    });

    it("gives up after too many crashes in a row, with a clear message", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 10, maxDelayMs: 20, maxCrashes: 2, healthyPeriodMs: 60_000}});
        const crashes: CrashInfo[] = [];
        client.onCrash((info) => crashes.push(info));
        for (let i = 0; i < 3; i++) {
            await client.start().catch(() => {});
            await waitFor(() => client.state === "ready");
            process.kill(client.pid!, "SIGKILL");
            await waitFor(() => crashes.length === i + 1);
            if (i < 2) await waitFor(() => client.state === "ready");
        }
        assert.deepEqual(crashes.map((c) => c.willRestart), [true, true, false]);
        assert.deepEqual(crashes.map((c) => c.episodeCrashes), [1, 2, 3]);
        assert.equal(client.state, "failed");
        await assert.rejects(client.status(), /keeps stopping/);
        // It stays down (no silent relaunch on the next request) until the user asks for a restart.
        await assert.rejects(client.start(), /keeps stopping/);
        await client.restart();
        assert.equal(client.state, "ready");
        // The user's restart starts a new episode.
        process.kill(client.pid!, "SIGKILL");
        await waitFor(() => crashes.length === 4);
        assert.equal(crashes[3].episodeCrashes, 1);
        assert.equal(crashes[3].willRestart, true);
    });

    it("shuts the process down on dispose", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.start();
        const pid = client.pid!;
        await client.dispose();
        assert.equal(client.state, "disposed");
        await waitFor(() => !isAlive(pid), 5000);
        await assert.rejects(client.status(), /shut down/);
    });
});

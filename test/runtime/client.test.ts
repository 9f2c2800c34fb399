// The real runtime child process (dist/runtime-host.mjs, built by the test command) behind RuntimeClient.
import assert from "node:assert/strict";
import path from "node:path";
import {RuntimeClient, type CrashInfo, type RuntimeState} from "../../src/runtime/client";
import {RuntimeError} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";

const hostPath = path.resolve("dist/runtime-host.mjs");

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
    });

    it("restarts a crashed process with back-off and tells listeners once per crash", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 50, maxDelayMs: 200, maxCrashes: 3, windowMs: 60_000}});
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
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 10, maxDelayMs: 20, maxCrashes: 2, windowMs: 60_000}});
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
        assert.equal(client.state, "failed");
        await assert.rejects(client.status(), /keeps stopping/);
        // It stays down (no silent relaunch on the next request) until the user asks for a restart.
        await assert.rejects(client.start(), /keeps stopping/);
        await client.restart();
        assert.equal(client.state, "ready");
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

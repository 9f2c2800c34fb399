// The whole runtime path as the extension uses it: RuntimeClient → child process → GGUF checks → engine,
// with real llama.cpp inference on the generated models.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {RuntimeClient, type CrashInfo} from "../../src/runtime/client";
import {RuntimeError, type LoadParams} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");

function loadParams(overrides: Partial<LoadParams> = {}): LoadParams {
    return {
        engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8,
        contextSize: 4096, gpu: "off", threads: 1, ...overrides
    };
}

const complete = {context: "", suffix: "", maxTokens: 24, stop: []};

describe("runtime process with the embedded engine", function () {
    let client: RuntimeClient;
    let scratch: string;
    before(() => { ensureTestModels(); scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-runtime-")); });
    after(() => fs.rmSync(scratch, {recursive: true, force: true}));
    afterEach(async () => { await client?.dispose(); });

    it("loads the gemma4 model and streams a completion whose chunks add up to the result", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const info = await client.load(loadParams());
        assert.equal(info.architecture, "gemma4");
        assert.equal(info.engine, "embedded");
        assert.equal(info.hasFim, false, "real Gemma 4 has no FIM tokens");
        const chunks: string[] = [];
        const result = await client.complete({...complete, prefix: "export function "}, {onText: (t) => chunks.push(t)});
        assert.equal(result.stopReason, "maxTokens");
        assert.equal(result.stats.generatedTokens, 24);
        assert.ok(chunks.length >= 1);
        assert.equal(chunks.join(""), result.text);
        // Greedy decoding is deterministic: the same request gives the same text, now from the reused KV cache.
        const again = await client.complete({...complete, prefix: "export function "});
        assert.equal(again.text, result.text);
        assert.ok(again.stats.reusedPromptTokens > 0);
    });

    it("cancels a running generation at once and serves the next request", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.load(loadParams());
        const controller = new AbortController();
        let streamed = 0;
        const running = client.complete({...complete, prefix: "class ", maxTokens: 4000}, {
            signal: controller.signal,
            onText: () => { if (++streamed === 3) controller.abort(); }
        });
        await assert.rejects(running, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");
        const status = await client.status();
        assert.ok(status.totals.generatedTokens < 4000, `generation went on: ${status.totals.generatedTokens} tokens`);
        const next = await client.complete({...complete, prefix: "import "});
        assert.equal(next.stats.generatedTokens, 24);
    });

    it("fails the request in flight when the process crashes, then restarts and reloads the model", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 50, maxDelayMs: 100, maxCrashes: 3, healthyPeriodMs: 60_000}});
        await client.load(loadParams());
        const crashes: CrashInfo[] = [];
        client.onCrash((c) => crashes.push(c));
        const pid = client.pid!;
        let killed = false;
        const running = client.complete({...complete, prefix: "const ", maxTokens: 4000}, {
            onText: () => { if (!killed) { killed = true; process.kill(pid, "SIGKILL"); } }
        });
        await assert.rejects(running, (error: unknown) => error instanceof RuntimeError && error.code === "runtimeCrashed" && /restarting/.test(error.message));
        assert.equal(crashes.length, 1);
        // The next request waits for the new process, which loads the same model again before serving it.
        const after = await client.complete({...complete, prefix: "const "});
        assert.notEqual(client.pid, pid);
        assert.equal(after.stats.generatedTokens, 24);
        assert.equal((await client.status()).model?.modelPath, testModelPath("gemma4-target"));
    });

    it("reports the machine's accelerators from the runtime process, before any model is loaded", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const off = await client.request("machine", {gpu: "off"});
        assert.deepEqual(off, {gpu: false, gpuDevices: [], vramTotalBytes: 0, vramFreeBytes: 0, unifiedMemory: false});
        const auto = await client.request("machine", {gpu: "auto"});
        if (auto.gpu === false) assert.equal(auto.vramTotalBytes, 0);
        else assert.ok(auto.vramTotalBytes > 0 && auto.vramFreeBytes <= auto.vramTotalBytes && auto.gpuDevices.length > 0);
    });

    it("refuses bad model files by name before loading them, and keeps running", async () => {
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.start();
        const pid = client.pid;
        const truncated = path.join(scratch, "truncated.gguf");
        const whole = fs.readFileSync(testModelPath("gemma4-target"));
        fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
        const notGguf = path.join(scratch, "notes.gguf");
        fs.writeFileSync(notGguf, "these are not weights\n".repeat(100));

        const cases: Array<[LoadParams, string, RegExp]> = [
            [loadParams({modelPath: truncated}), truncated, /truncated/],
            [loadParams({modelPath: notGguf}), notGguf, /not a GGUF/],
            [loadParams({modelPath: testModelPath("gemma4-assistant")}), testModelPath("gemma4-assistant"), /drafter/i],
            [loadParams({drafterMode: "draftModel", drafterPath: testModelPath("llama-draft")}), testModelPath("llama-draft"), /vocabulary does not match/]
        ];
        for (const [params, file, reason] of cases) {
            await assert.rejects(client.load(params), (error: unknown) => {
                assert.ok(error instanceof RuntimeError, String(error));
                assert.equal(error.code, "badModel");
                assert.equal(error.path, file);
                assert.match(error.message, reason);
                assert.ok(error.message.includes(file), `message names the file: ${error.message}`);
                return true;
            });
        }
        assert.equal(client.pid, pid, "no refusal may crash the process");
        assert.equal(client.state, "ready");
    });

    it("runs a gemma4-assistant drafter as MTP on llama-server when the server is available", async function () {
        client = new RuntimeClient({hostPath, log: silentLogger});
        const info = await client.load(loadParams({drafterMode: "auto", drafterPath: testModelPath("gemma4-assistant")}));
        assert.equal(info.engine, "llamaServer");
        assert.equal(info.drafter, "mtp");
        const result = await client.complete({...complete, prefix: "export function "});
        assert.equal(result.stats.drafter, "mtp");
        assert.ok(result.stats.draftedTokens > 0);
    });
});

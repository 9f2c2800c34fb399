// Loads in a row through the real runtime process on the generated models, as when settings change while a
// model loads: the newest load wins, older ones answer "cancelled" whatever their own late outcome, the model
// shown is the newest, and what lost leaves nothing behind: no second model in the process's memory, no
// llama-server child.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {RuntimeClient} from "../../src/runtime/client";
import {RuntimeError, type LoadParams} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");
const complete = {context: "", prefix: "export function ", suffix: "", maxTokens: 16, stop: []};

function embedded(model: "gemma4-target" | "llama-target", overrides: Partial<LoadParams> = {}): LoadParams {
    return {engine: "embedded", modelPath: testModelPath(model), drafterMode: "off", maxDraftTokens: 8, contextSize: 4096, gpu: "off", threads: 1, ...overrides};
}

const isCancelled = (error: unknown) => error instanceof RuntimeError && error.code === "cancelled";

/** Resident memory of a process, in MiB (Linux). */
function rssMb(pid: number): number {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    assert.ok(match, `no VmRSS for ${pid}`);
    return Number(match[1]) / 1024;
}

/** Running (not zombie) children of `pid` whose command line names llama-server: the servers it started. */
function llamaServerChildren(pid: number): number[] {
    return fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).filter((child) => {
        try {
            const stat = fs.readFileSync(`/proc/${child}/stat`, "utf8");
            const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            return Number(parent) === pid && state !== "Z" && fs.readFileSync(`/proc/${child}/cmdline`, "utf8").includes("llama-server");
        } catch {
            return false;
        }
    });
}

/** A llama-server child that runs the server itself, past its guard's shell (whose command line names the guard). */
function serverStarted(pid: number): boolean {
    return llamaServerChildren(pid).some((child) => {
        try {
            return !fs.readFileSync(`/proc/${child}/cmdline`, "utf8").includes("llama-server-guard");
        } catch {
            return false;
        }
    });
}

async function started(): Promise<RuntimeClient> {
    const client = new RuntimeClient({hostPath, log: silentLogger});
    // Starts llama.cpp's library first, so each load below is the model load itself.
    await client.request("machine", {gpu: "off"});
    return client;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await delay(5);
    }
}

describe("loads in a row (runtime process)", function () {
    const clients: RuntimeClient[] = [];
    let scratch: string;
    before(() => { ensureTestModels(); scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-loads-")); });
    after(() => fs.rmSync(scratch, {recursive: true, force: true}));
    afterEach(async () => { await Promise.all(clients.splice(0).map((client) => client.dispose())); });

    async function client(): Promise<RuntimeClient> {
        const created = await started();
        clients.push(created);
        return created;
    }

    it("two loads in a row of different models: the older answers cancelled, the newer serves", async function () {
        const runtime = await client();
        const first = runtime.load(embedded("gemma4-target"));
        await delay(150);
        const second = runtime.load(embedded("llama-target"));
        await assert.rejects(first, isCancelled);
        assert.equal((await second).architecture, "llama");
        assert.equal((await runtime.status()).model?.modelPath, testModelPath("llama-target"));
        const result = await runtime.complete(complete);
        assert.equal(result.stats.generatedTokens, 16);
    });

    it("three loads in a row: only the last is loaded and shown", async function () {
        const runtime = await client();
        const loads = [runtime.load(embedded("llama-target")), runtime.load(embedded("gemma4-target")), runtime.load(embedded("llama-target", {contextSize: 2048}))];
        await Promise.all([assert.rejects(loads[0], isCancelled), assert.rejects(loads[1], isCancelled)]);
        const info = await loads[2];
        assert.equal(info.architecture, "llama");
        assert.equal(info.contextSize, 2048);
        const status = await runtime.status();
        assert.equal(status.model?.contextSize, 2048);
        assert.equal((await runtime.complete(complete)).stats.generatedTokens, 16);
    });

    it("a superseded load's late failure changes nothing the user sees, and leaves no process behind", async function () {
        // A "llama-server" that fails after a while: the load fails late, after the newer load has arrived.
        const failing = path.join(scratch, "llama-server");
        fs.writeFileSync(failing, "#!/bin/sh\nsleep 3\necho 'error: failing on purpose' >&2\nexit 3\n", {mode: 0o755});
        const runtime = await client();
        const doomed = runtime.load({...embedded("gemma4-target"), engine: "llamaServer", llamaServerPath: failing});
        // The server starts once validate.ts has read the model's header (real Gemma 4's vocabulary: about a second
        // idle, many on a loaded machine).
        // Counted once the guard's shell has exec'd the server (while it does, /proc shows its command line empty).
        await waitFor(() => serverStarted(runtime.pid!), "the failing server to start", 60_000);
        assert.equal(llamaServerChildren(runtime.pid!).length, 1, "the failing server was not started");
        const newer = runtime.load(embedded("gemma4-target"));
        await assert.rejects(doomed, isCancelled);
        assert.equal((await newer).engine, "embedded");
        assert.equal((await runtime.status()).model?.modelPath, testModelPath("gemma4-target"));
        assert.deepEqual(llamaServerChildren(runtime.pid!), []);
        assert.equal(runtime.state, "ready");
    });

    it("a newer load's own failure is reported, and no model is shown", async function () {
        const runtime = await client();
        const truncated = path.join(scratch, "truncated.gguf");
        const whole = fs.readFileSync(testModelPath("llama-target"));
        fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
        const first = runtime.load(embedded("gemma4-target"));
        const second = runtime.load({...embedded("llama-target"), modelPath: truncated});
        await Promise.all([
            assert.rejects(first, isCancelled),
            assert.rejects(second, (error: unknown) => error instanceof RuntimeError && error.code === "badModel" && error.path === truncated)
        ]);
        await assert.rejects(runtime.status(), (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");
    });

    it("holds one model's memory after a model is replaced by loads in a row", async function () {
        // Reference: the same models loaded one after another, each waited for (each old engine disposed). The
        // replaced one is gemma4-target: a leak would add its 244 MB of weights; both sequences read its 15 MB
        // header (real Gemma 4's vocabulary), so the garbage that leaves behind is on both sides.
        const reference = await client();
        await reference.load(embedded("llama-target"));
        await reference.complete(complete);
        await reference.load(embedded("gemma4-target"));
        await reference.load(embedded("llama-target"));
        await reference.complete(complete);
        const referenceMb = rssMb(reference.pid!);
        await reference.dispose();

        const runtime = await client();
        await runtime.load(embedded("llama-target"));
        await runtime.complete(complete);
        const replaced = runtime.load(embedded("gemma4-target"));
        await delay(200);
        const newest = runtime.load(embedded("llama-target"));
        await assert.rejects(replaced, isCancelled);
        await newest;
        await runtime.complete(complete);
        const inRowMb = rssMb(runtime.pid!);
        // One leaked model would add its weights (155 MB for the smaller one) on top of the reference.
        const smallestModelMb = fs.statSync(testModelPath("llama-target")).size / 2 ** 20;
        assert.ok(inRowMb < referenceMb + smallestModelMb / 2,
            `RSS ${inRowMb.toFixed(0)} MiB after loads in a row, ${referenceMb.toFixed(0)} MiB after the same loads one by one`);
    });

    it("ends the losing llama-server: one server child after two llama-server loads in a row, none after an embedded load", async function () {
        const runtime = await client();
        const first = runtime.load({...embedded("gemma4-target"), engine: "llamaServer"});
        // Supersede the first load once its server runs but before it answers: a fixed delay lost
        // that race on a fast machine, where the server was ready within 300 ms.
        await waitFor(() => llamaServerChildren(runtime.pid!).length === 1, "the first llama-server child", 60_000);
        const second = runtime.load({...embedded("llama-target"), engine: "llamaServer"});
        await assert.rejects(first, isCancelled);
        const info = await second;
        assert.equal(info.engine, "llamaServer");
        assert.equal(info.architecture, "llama");
        assert.equal(llamaServerChildren(runtime.pid!).length, 1);
        assert.equal((await runtime.complete(complete)).stats.generatedTokens, 16);
        await runtime.load(embedded("gemma4-target"));
        assert.deepEqual(llamaServerChildren(runtime.pid!), [], "the llama-server child outlived its engine");
    });
});

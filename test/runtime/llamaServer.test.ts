// The llama-server engine on real llama.cpp (the binary `npm run build:llama-server` builds) with the generated
// gemma4 target and its gemma4-assistant MTP drafter; and the OpenAI-compatible engine against that server.
// Without the binary these tests fail (they do not skip): `npm test` builds it first.
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {CompleteParams, LoadParams} from "../../src/runtime/protocol";
import {RuntimeError} from "../../src/runtime/protocol";
import {createLlamaServerEngine, type LlamaServerEngine} from "../../src/runtime/host/engines/llamaServer";
import {createOpenAiCompatibleEngine} from "../../src/runtime/host/engines/openaiCompatible";
import type {GenerationControl} from "../../src/runtime/host/engines/types";
import {BUILD_COMMAND, findLlamaServerBinary} from "../../src/runtime/llamaServerBinary";
import {ensureTestModels, testModelPath} from "../support/testModels";

const logs: string[] = [];
const log = (level: string, message: string): void => { logs.push(`${level}: ${message}`); };

function loadParams(overrides: Partial<LoadParams> = {}): LoadParams {
    return {
        engine: "llamaServer",
        modelPath: testModelPath("gemma4-target"),
        drafterMode: "off",
        maxDraftTokens: 8,
        contextSize: 2048,
        gpu: "off",
        threads: 0,
        ...overrides
    };
}

function collect(signal: AbortSignal = new AbortController().signal): GenerationControl & {chunks: string[]} {
    const chunks: string[] = [];
    return {signal, chunks, onText: (text) => { chunks.push(text); }};
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** A zombie (exited, not yet reaped) counts as gone. */
function isRunning(pid: number): boolean {
    if (!isAlive(pid)) return false;
    try {
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        if (condition()) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return condition();
}

const fimPrompts: CompleteParams[] = [
    {context: "", prefix: "export function getTokens(text: string) {\n    const tokens = ", suffix: "\n}\n", maxTokens: 32, stop: []},
    {context: "// utils/LlamaText.ts\n", prefix: "    public static fromJSON(json) {\n        return ", suffix: "", maxTokens: 32, stop: []},
    {context: "", prefix: "import {", suffix: "} from \"./types.js\";\n", maxTokens: 24, stop: []}
];

describe("llama-server engine", function () {
    this.timeout(300_000);
    let mtp: LlamaServerEngine;
    let plain: LlamaServerEngine;

    before(async function () {
        const binary = findLlamaServerBinary();
        if (!binary.found) throw new Error(`${binary.reason} (npm test runs ${BUILD_COMMAND} before the suites)`);
        ensureTestModels();
        [mtp, plain] = await Promise.all([
            createLlamaServerEngine(loadParams({drafterMode: "mtp", drafterPath: testModelPath("gemma4-assistant")}), log),
            createLlamaServerEngine(loadParams(), log)
        ]) as [LlamaServerEngine, LlamaServerEngine];
    });

    after(async function () {
        await mtp?.dispose();
        await plain?.dispose();
    });

    it("runs the server on 127.0.0.1, healthy, with facts from the GGUF", async function () {
        for (const engine of [mtp, plain]) {
            assert.match(engine.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
            const health = await fetch(`${engine.baseUrl}/health`);
            assert.equal(health.status, 200);
            assert.equal(engine.info.engine, "llamaServer");
            assert.equal(engine.info.architecture, "gemma4");
            assert.equal(engine.info.contextSize, 2048);
            assert.equal(engine.info.vocabSize, 1024);
            assert.equal(engine.info.hasFim, true);
        }
        assert.equal(mtp.info.drafter, "mtp");
        assert.equal(mtp.info.drafterPath, testModelPath("gemma4-assistant"));
        assert.equal(plain.info.drafter, "none");
    });

    it("streams MTP completions identical to plain decoding, with drafted and accepted counts", async function () {
        let drafted = 0, accepted = 0;
        for (const params of fimPrompts) {
            const withMtp = collect(), withoutMtp = collect();
            const fast = await mtp.complete(params, withMtp);
            const slow = await plain.complete(params, withoutMtp);
            assert.ok(fast.text.length > 0, "the completion is empty");
            assert.equal(withMtp.chunks.join(""), fast.text, "the streamed chunks differ from the result");
            assert.ok(withMtp.chunks.length > 1, "the completion was not streamed");
            assert.equal(fast.text, slow.text, "MTP changed the output");
            assert.equal(fast.stats.generatedTokens, slow.stats.generatedTokens);
            assert.equal(fast.stats.drafter, "mtp");
            assert.equal(slow.stats.draftedTokens, 0);
            assert.ok(fast.stats.tokensPerSecond > 0);
            assert.ok(fast.stats.acceptedTokens <= fast.stats.draftedTokens);
            drafted += fast.stats.draftedTokens;
            accepted += fast.stats.acceptedTokens;
        }
        assert.ok(drafted > 0, "MTP drafted nothing");
        assert.ok(accepted > 0, "MTP had no draft token accepted");
        const totals = mtp.status().totals;
        assert.ok(totals.draftedTokens >= drafted && totals.acceptedTokens >= accepted);
    });

    it("ends before a stop string and reports it", async function () {
        const free = await plain.complete({...fimPrompts[0], maxTokens: 32}, collect());
        const stopAt = free.text.slice(4, 6);
        assert.ok(stopAt.length === 2, `the free completion is too short to pick a stop string: ${JSON.stringify(free.text)}`);
        const stopped = await plain.complete({...fimPrompts[0], maxTokens: 32, stop: [stopAt]}, collect());
        assert.equal(stopped.stopReason, "stopString");
        assert.equal(stopped.text, free.text.slice(0, free.text.indexOf(stopAt)));
    });

    it("reuses the KV cache for a repeated prompt", async function () {
        await plain.complete(fimPrompts[1], collect());
        const again = await plain.complete(fimPrompts[1], collect());
        assert.ok(again.stats.reusedPromptTokens > 0, "no prompt token was reused");
        assert.ok(again.stats.reusedPromptTokens <= again.stats.promptTokens);
    });

    it("chats through the GGUF's chat template, MTP and plain alike", async function () {
        const params = {messages: [{role: "user" as const, content: "Write a function that returns the tokens."}], maxTokens: 24, reasoning: false};
        const control = collect();
        const fast = await mtp.chat(params, control);
        const slow = await plain.chat(params, collect());
        assert.ok(fast.text.length > 0, "the chat answer is empty");
        assert.equal(control.chunks.join(""), fast.text);
        assert.equal(fast.text, slow.text);
        const [contentTokens] = await plain.tokenCount([params.messages[0].content]);
        // The template wraps the message in turn markers and a role: more tokens than the message alone.
        assert.ok(fast.stats.promptTokens > contentTokens + 2, `prompt ${fast.stats.promptTokens} tokens, message ${contentTokens}`);
    });

    it("counts tokens with the model's tokenizer", async function () {
        const [empty, short, long] = await plain.tokenCount(["", "return tokens;", "return tokens;\nreturn tokens;\n"]);
        assert.equal(empty, 0);
        assert.ok(short > 0);
        assert.ok(long > short);
    });

    it("cancels within a step, stops the server's generation, and stays usable", async function () {
        const controller = new AbortController();
        const chunks: string[] = [];
        const started = Date.now();
        const running = mtp.complete({...fimPrompts[0], maxTokens: 1500}, {
            signal: controller.signal,
            onText: (text) => { chunks.push(text); if (chunks.length === 2) controller.abort(); }
        });
        await assert.rejects(running, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");
        assert.ok(chunks.length >= 2);
        // The server notices the closed connection and frees the slot.
        const idle = await slotsIdle(mtp.baseUrl, 10_000);
        assert.ok(idle, "the server kept generating after the request was cancelled");
        assert.ok(Date.now() - started < 60_000);
        const after = await mtp.complete(fimPrompts[2], collect());
        const reference = await plain.complete(fimPrompts[2], collect());
        assert.equal(after.text, reference.text);
    });

    it("serves the OpenAI-compatible engine: same completions, chat and token counts over /v1", async function () {
        const endpoint = await createOpenAiCompatibleEngine(loadParams({engine: "openaiCompatible", endpoint: {url: `${plain.baseUrl}/v1`, model: ""}}), log);
        try {
            assert.equal(endpoint.info.engine, "openaiCompatible");
            assert.equal(endpoint.info.hasFim, true);
            assert.equal(endpoint.info.contextSize, 2048);
            const control = collect();
            const remote = await endpoint.complete(fimPrompts[0], control);
            const local = await plain.complete(fimPrompts[0], collect());
            assert.equal(remote.text, local.text);
            assert.equal(control.chunks.join(""), remote.text);
            assert.ok(remote.stats.generatedTokens > 0);

            const chat = {messages: [{role: "user" as const, content: "Write a function that returns the tokens."}], maxTokens: 16, reasoning: false};
            assert.equal((await endpoint.chat(chat, collect())).text, (await plain.chat(chat, collect())).text);
            const texts = ["return tokens;", "export function f() {}\n"];
            assert.deepEqual(await endpoint.tokenCount(texts), await plain.tokenCount(texts));

            // More stop strings than the API's four: the extra ones are applied by the engine.
            const free = remote.text;
            const stops = ["\u0000a", "\u0000b", "\u0000c", "\u0000d", free.slice(3, 5)];
            const stopped = await endpoint.complete({...fimPrompts[0], stop: stops}, collect());
            assert.equal(stopped.text, free.slice(0, free.indexOf(free.slice(3, 5))));
            assert.equal(stopped.stopReason, "stopString");
        } finally {
            await endpoint.dispose();
        }
        assert.ok(logs.some((line) => line.includes("prompts (your code) are sent to")), "the endpoint in use was not announced");
    });

    it("kills the server on dispose", async function () {
        const before = guardProcesses();
        const engine = await createLlamaServerEngine(loadParams({contextSize: 512}), log) as LlamaServerEngine;
        const pid = engine.pid;
        assert.ok(isRunning(pid));
        await engine.dispose();
        assert.ok(await waitUntil(() => !isRunning(pid), 5000), `llama-server ${pid} is still running after dispose`);
        assert.ok(await waitUntil(() => guardProcesses().length === before.length, 5000), "the guard's watcher outlived the server");
    });

    it("does not outlive the runtime process, even one killed with SIGKILL", async function () {
        const child = spawn(process.execPath, ["--import", "tsx", path.join("test", "runtime", "llamaServerOrphanProbe.ts"), testModelPath("gemma4-target")],
            {stdio: ["ignore", "pipe", "pipe"]});
        let output = "";
        child.stdout.on("data", (chunk) => { output += chunk; });
        child.stderr.on("data", (chunk) => { output += chunk; });
        const found = await waitUntil(() => /server-pid \d+/.test(output) || child.exitCode !== null, 120_000);
        const pid = Number(/server-pid (\d+)/.exec(output)?.[1]);
        assert.ok(found && pid > 0, `the probe did not start a server: ${output}`);
        assert.ok(isRunning(pid));
        child.kill("SIGKILL");
        assert.ok(await waitUntil(() => !isRunning(pid), 10_000), `llama-server ${pid} outlived its SIGKILLed parent`);
    });

    it("says how to get the binary when it is missing", async function () {
        const configured = findLlamaServerBinary("/nonexistent/llama-server");
        assert.equal(configured.found, false);
        await assert.rejects(createLlamaServerEngine(loadParams({llamaServerPath: "/nonexistent/llama-server"}), log),
            (error: unknown) => error instanceof RuntimeError && error.code === "engineFailed" && /configured path \/nonexistent\/llama-server/.test(error.message));

        const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-no-server-"));
        const saved = {PATH: process.env.PATH, HEARTH_CACHE_DIR: process.env.HEARTH_CACHE_DIR};
        try {
            process.env.PATH = emptyCache;
            process.env.HEARTH_CACHE_DIR = emptyCache;
            const missing = findLlamaServerBinary();
            assert.equal(missing.found, false);
            assert.match(missing.found ? "" : missing.reason, /not found.*Run `npm run build:llama-server`/s);
        } finally {
            process.env.PATH = saved.PATH;
            if (saved.HEARTH_CACHE_DIR === undefined) delete process.env.HEARTH_CACHE_DIR;
            else process.env.HEARTH_CACHE_DIR = saved.HEARTH_CACHE_DIR;
            fs.rmSync(emptyCache, {recursive: true, force: true});
        }
    });

    it("reports the server's own output when it fails to start, leaving no process behind", async function () {
        const before = guardProcesses();
        // An MTP drafter is no model of its own: llama.cpp refuses to create a context for it.
        await assert.rejects(createLlamaServerEngine(loadParams({modelPath: testModelPath("gemma4-assistant")}), log), (error: unknown) => {
            assert.ok(error instanceof RuntimeError, String(error));
            assert.match(error.message, /llama-server exited while starting/);
            assert.match(error.message, /Its last output:\n(.|\n)*failed to create.*context/);
            return true;
        });
        assert.ok(await waitUntil(() => guardProcesses().length === before.length, 5000), `left behind: ${guardProcesses().join(", ")}`);
    });

    it("refuses a drafter the server cannot use, or runs plain under auto", async function () {
        // llama-draft has another vocabulary than the gemma4 target; llama-server would quietly go on without it.
        const mismatched = loadParams({contextSize: 512, drafterMode: "draftModel", drafterPath: testModelPath("llama-draft")});
        await assert.rejects(createLlamaServerEngine(mismatched, log), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && /could not run the draftModel drafter(.|\n)*vocab/.test(error.message));
        const auto = await createLlamaServerEngine({...mismatched, drafterMode: "auto"}, log);
        try {
            assert.equal(auto.info.drafter, "none");
            assert.ok(logs.some((line) => line.startsWith("warn:") && line.includes("Running without speculative decoding")));
        } finally {
            await auto.dispose();
        }
    });
});

/** Live processes of our llama-server start-up guard (the server itself, or the watcher beside it). */
function guardProcesses(): number[] {
    return fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("llama-server-guard") && isRunning(pid);
        } catch {
            return false;
        }
    });
}

/** Whether every slot of the server is idle (GET /slots), polled until `timeoutMs`. */
async function slotsIdle(baseUrl: string, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        const response = await fetch(`${baseUrl}/slots`);
        assert.equal(response.status, 200, `GET /slots answered ${response.status}`);
        const slots = await response.json() as Array<{is_processing: boolean}>;
        if (slots.every((slot) => !slot.is_processing)) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
}

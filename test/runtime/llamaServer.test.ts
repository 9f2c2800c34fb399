// The llama-server engine on real llama.cpp (the binary `npm run build:llama-server` builds) with the generated
// gemma4 target and its gemma4-assistant MTP drafter; and the OpenAI-compatible engine against that server.
// Without the binary these tests fail (they do not skip): `npm test` builds it first.
// The engine only ever gets files validate.ts accepted; llama-server's own failure reporting (a model it cannot
// run, a drafter it quietly drops) is driven through LlamaServerProcess and confirmSpeculation directly.
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import os from "node:os";
import path from "node:path";
import type {CompleteParams, LoadParams} from "../../src/runtime/protocol";
import {RuntimeError} from "../../src/runtime/protocol";
import {confirmSpeculation, createLlamaServerEngine, serverClient, type LlamaServerEngine} from "../../src/runtime/host/engines/llamaServer";
import {LlamaServerProcess} from "../../src/runtime/host/engines/llamaServerProcess";
import {GgufValueType, alignUp, readGgufHeaderFromFile} from "../../src/runtime/models/gguf";
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
            assert.equal(engine.info.vocabSize, 262144, "real Gemma 4's vocabulary");
            assert.equal(engine.info.hasFim, false, "real Gemma 4 has no FIM tokens");
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

    it("ends a single line at the first newline after text, which the server has no stop for", async function () {
        // The llama test model writes line after line (the gemma4 one ends its turn first).
        const lines = await createLlamaServerEngine(loadParams({modelPath: testModelPath("llama-target"), contextSize: 1024}), log) as LlamaServerEngine;
        try {
            const params = {context: "", prefix: "export function total(xs: number[]) {\n    return ", suffix: "", maxTokens: 160, stop: []};
            const free = await lines.complete(params, collect());
            const lineEnd = /\S[^\n]*\n/.exec(free.text);
            assert.ok(lineEnd, `the model writes a line break after text within 160 tokens: ${JSON.stringify(free.text)}`);
            const control = collect();
            const single = await lines.complete({...params, stopAtLineEnd: true}, control);
            assert.equal(single.text, free.text.slice(0, lineEnd.index + lineEnd[0].length - 1));
            assert.equal(single.stopReason, "stopString");
            assert.equal(control.chunks.join(""), single.text, "the newline is never streamed");
            // The server stopped too: the next request is served at once.
            assert.equal((await lines.complete({...params, maxTokens: 4}, collect())).stats.generatedTokens > 0, true);
            // An OpenAI-compatible endpoint (this server's /v1) has no such stop either: that engine ends it too.
            const endpoint = await createOpenAiCompatibleEngine(loadParams({engine: "openaiCompatible", endpoint: {url: `${lines.baseUrl}/v1`, model: "", apiKey: lines.apiKey}}), log);
            try {
                const remote = collect();
                const viaEndpoint = await endpoint.complete({...params, stopAtLineEnd: true}, remote);
                assert.equal(viaEndpoint.text, single.text);
                assert.equal(viaEndpoint.stopReason, "stopString");
                assert.equal(remote.chunks.join(""), viaEndpoint.text);
            } finally {
                await endpoint.dispose();
            }
        } finally {
            await lines.dispose();
        }
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

    it("drafts by prompt lookup before the MTP drafter: a rewrite that repeats its target, identical to plain", async function () {
        // This llama-server takes no speculative settings per request (nor reports its speculators), so the MTP
        // server is started with both, n-grams first: its command line says so.
        const cmdline = fs.readFileSync(`/proc/${mtp.pid}/cmdline`, "utf8").split("\0");
        assert.equal(cmdline[cmdline.indexOf("--spec-type") + 1], "ngram-simple,draft-mtp", cmdline.join(" "));
        // The generated model answers every chat with one text; a target holding it is repeated by the answer.
        const answer = (ensureTestModels() as unknown as {gemma4: {chatAnswer: {text: string}}}).gemma4.chatAnswer.text;
        const params = {messages: [{role: "user" as const, content: `Rewrite this code with early returns:\n${answer}\n`}], maxTokens: 64, reasoning: false};
        const fast = await mtp.chat(params, collect());
        const slow = await plain.chat(params, collect());
        assert.equal(fast.text, slow.text);
        assert.ok(fast.stats.acceptedTokens > 0 && fast.stats.acceptedTokens <= fast.stats.draftedTokens);
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
        const idle = await slotsIdle(mtp, 10_000);
        assert.ok(idle, "the server kept generating after the request was cancelled");
        assert.ok(Date.now() - started < 60_000);
        const after = await mtp.complete(fimPrompts[2], collect());
        const reference = await plain.complete(fimPrompts[2], collect());
        assert.equal(after.text, reference.text);
    });

    it("serves the OpenAI-compatible engine: same completions, chat and token counts over /v1", async function () {
        const endpoint = await createOpenAiCompatibleEngine(loadParams({engine: "openaiCompatible", endpoint: {url: `${plain.baseUrl}/v1`, model: "", apiKey: plain.apiKey}}), log);
        try {
            assert.equal(endpoint.info.engine, "openaiCompatible");
            assert.equal(endpoint.info.hasFim, false, "the server's model (real Gemma 4's vocabulary) has no FIM tokens");
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

    it("answers only to the key of its own start: any other local process gets 401", async function () {
        assert.notEqual(mtp.apiKey, plain.apiKey, "each start has a fresh key");
        assert.ok(mtp.apiKey.length >= 40, `a guessable key: ${mtp.apiKey}`);
        // Not on the command line, where `ps` would show it to every user.
        assert.ok(!fs.readFileSync(`/proc/${plain.pid}/cmdline`, "utf8").includes(plain.apiKey));
        const body = JSON.stringify({prompt: "export function ", n_predict: 4});
        const headersFor = (key?: string) => ({"content-type": "application/json", ...(key ? {authorization: `Bearer ${key}`} : {})});
        for (const key of [undefined, "wrong-key", mtp.apiKey]) {
            for (const [method, route] of [["POST", "/completion"], ["POST", "/v1/chat/completions"], ["GET", "/slots"], ["GET", "/props"], ["GET", "/v1/models"]]) {
                const response = await fetch(`${plain.baseUrl}${route}`, {method, headers: headersFor(key), ...(method === "POST" ? {body} : {})});
                assert.equal(response.status, 401, `${method} ${route} with ${key === undefined ? "no key" : "a foreign key"} answered ${response.status}`);
            }
        }
        const own = await fetch(`${plain.baseUrl}/slots`, {headers: headersFor(plain.apiKey)});
        assert.equal(own.status, 200);
        // Only the liveness probe is public.
        assert.equal((await fetch(`${plain.baseUrl}/health`)).status, 200);
    });

    it("takes its port only from the socket the server itself listens on, not from a line a model file forged", async function () {
        // A decoy server, and a model whose chat template fails with a message that is the server's listening
        // line naming the decoy: no control character in the file, so validate.ts accepts it, and llama-server
        // prints the message before it exits. The engine must neither wait on nor send anything to the decoy.
        const requests: string[] = [];
        const decoy = http.createServer((request, response) => { requests.push(`${request.method} ${request.url}`); response.end("{}"); });
        await new Promise<void>((resolve) => decoy.listen(0, "127.0.0.1", resolve));
        const decoyPort = (decoy.address() as AddressInfo).port;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-decoy-"));
        try {
            const forged = `0.00.100.000 I srv  llama_server: listening on http://127.0.0.1:${decoyPort}`;
            const model = withStringValue(testModelPath("gemma4-draft"), path.join(dir, "decoy.gguf"), "tokenizer.chat_template",
                `{{ raise_exception('bad template\\n${forged}\\nend') }}`);
            logs.length = 0;
            await assert.rejects(createLlamaServerEngine(loadParams({modelPath: model, contextSize: 256}), log), (error: unknown) =>
                error instanceof RuntimeError && /llama-server exited while starting(.|\n)*chat template/.test(error.message));
            assert.deepEqual(requests, [], "a request went to the decoy");
            assert.ok(logs.some((line) => line.includes(`announced port ${decoyPort}, which the server does not listen on`)), logs.join("\n"));
        } finally {
            decoy.close();
            fs.rmSync(dir, {recursive: true, force: true});
        }
    });

    it("never starts on a file validate.ts refuses", async function () {
        // Both would start a server that then fails (below): the one authority turns them away first.
        await assert.rejects(createLlamaServerEngine(loadParams({modelPath: testModelPath("gemma4-assistant")}), log), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && /as the main model: it is a Gemma 4 MTP drafter/.test(error.message));
        await assert.rejects(createLlamaServerEngine(loadParams({drafterMode: "draftModel", drafterPath: testModelPath("llama-draft")}), log), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && error.path === testModelPath("llama-draft") && /vocabulary does not match/.test(error.message));
    });

    it("reports the server's own output when it fails to start, leaving no process behind", async function () {
        const before = guardProcesses();
        // An MTP drafter is no model of its own: llama.cpp refuses to create a context for it.
        const binary = findLlamaServerBinary();
        assert.ok(binary.found);
        await assert.rejects(LlamaServerProcess.start({binary: binary.path, args: ["--model", testModelPath("gemma4-assistant"), "--ctx-size", "512"], log}), (error: unknown) => {
            assert.ok(error instanceof RuntimeError, String(error));
            assert.match(error.message, /llama-server exited while starting/);
            assert.match(error.message, /Its last output:\n(.|\n)*failed to create.*context/);
            return true;
        });
        assert.ok(await waitUntil(() => guardProcesses().length === before.length, 5000), `left behind: ${guardProcesses().join(", ")}`);
    });

    it("ends a start at once when its load is cancelled, leaving no process behind", async function () {
        const before = guardProcesses();
        const binary = findLlamaServerBinary();
        assert.ok(binary.found);
        const controller = new AbortController();
        const started = Date.now();
        const starting = LlamaServerProcess.start({binary: binary.path, log, signal: controller.signal,
            args: ["--model", testModelPath("gemma4-target"), "--ctx-size", "512", "--threads", "1", "--no-webui", "--offline"]});
        try {
            // start() spawns before its first await; the guard's command line shows once its shell has exec'd (a
            // moment on a busy machine), and the server is then still loading its model.
            assert.ok(await waitUntil(() => guardProcesses().length > before.length, 5000), "the server was not spawned");
        } finally {
            // Even when the check above fails: a start left running would keep the suite's process alive.
            controller.abort();
        }
        await assert.rejects(starting, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");
        assert.ok(await waitUntil(() => guardProcesses().length === before.length, 5000), `left behind: ${guardProcesses().join(", ")}`);
        console.log(`      cancelled ${Date.now() - started} ms after the start was asked for`);
    });

    it("refuses a drafter the server cannot run, or runs plain under auto", async function () {
        // llama-draft has another vocabulary than the gemma4 target (validate.ts would refuse the pair): llama-server
        // quietly goes on without it, and only /slots tells.
        const binary = findLlamaServerBinary();
        assert.ok(binary.found);
        const drafter = {kind: "draftModel" as const, path: testModelPath("llama-draft"),
            args: ["--spec-type", "draft-simple", "--model-draft", testModelPath("llama-draft"), "--spec-draft-n-max", "4"]};
        const server = await LlamaServerProcess.start({binary: binary.path, log,
            args: ["--model", testModelPath("gemma4-target"), "--ctx-size", "512", "--threads", "1", "--slots", "--no-webui", "--offline", ...drafter.args]});
        try {
            const client = serverClient(server);
            await assert.rejects(confirmSpeculation(client, server, "draftModel", drafter, log), (error: unknown) =>
                error instanceof RuntimeError && error.code === "badModel" && error.path === drafter.path
                && /could not run the draftModel drafter(.|\n)*vocab/.test(error.message));
            logs.length = 0;
            assert.equal(await confirmSpeculation(client, server, "auto", drafter, log), "none");
            assert.ok(logs.some((line) => line.startsWith("warn:") && line.includes("Running without speculative decoding")));
        } finally {
            await server.stop();
        }
    });
});

/**
 * A copy of `source` whose string value `key` is `value`, padded so the header grows by whole alignment units and
 * the tensor data keeps its alignment.
 */
function withStringValue(source: string, target: string, key: string, value: string): string {
    const header = readGgufHeaderFromFile(source);
    const bytes = fs.readFileSync(source);
    const old = header.metadata.get(key);
    assert.ok(old?.type === GgufValueType.String);
    const oldBytes = Buffer.from(old.value as string, "utf8");
    const keyEnd = bytes.indexOf(Buffer.from(key, "utf8")) + key.length;
    const valueStart = keyEnd + 4 + 8; // the value's type, then its length
    assert.equal(bytes.readBigUInt64LE(keyEnd + 4), BigInt(oldBytes.length));
    let encoded = Buffer.from(value, "utf8");
    const grow = Number(alignUp(BigInt(encoded.length - oldBytes.length), header.alignment)) - (encoded.length - oldBytes.length);
    encoded = Buffer.concat([encoded, Buffer.alloc(grow, 0x20)]);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(encoded.length));
    fs.writeFileSync(target, Buffer.concat([bytes.subarray(0, keyEnd + 4), length, encoded, bytes.subarray(valueStart + oldBytes.length)]));
    return target;
}

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

/** Whether every slot of the server is idle (GET /slots, with the engine's key), polled until `timeoutMs`. */
async function slotsIdle(engine: LlamaServerEngine, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        const response = await fetch(`${engine.baseUrl}/slots`, {headers: {authorization: `Bearer ${engine.apiKey}`}});
        assert.equal(response.status, 200, `GET /slots answered ${response.status}`);
        const slots = await response.json() as Array<{is_processing: boolean}>;
        if (slots.every((slot) => !slot.is_processing)) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
}

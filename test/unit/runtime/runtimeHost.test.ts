// The runtime host's message loop driven directly, with a fake engine factory whose loads finish when the
// test says so: loads are serialised and the newest wins (losers disposed, superseded outcomes invisible),
// a cancel reaches a load, requests reach the scheduler at their method's priority, malformed messages are
// dropped or answered without a throw, and heartbeats flow while (and only while) work is in progress.
import assert from "node:assert/strict";
import {RuntimeError, type HostMessage, type LoadParams, type Method, type Methods} from "../../../src/runtime/protocol";
import {RuntimeHost} from "../../../src/runtime/host/runtimeHost";
import {FakeFactory, delay} from "./fakeEngine";

function loadParams(modelPath: string): LoadParams {
    return {engine: "embedded", modelPath, drafterMode: "off", maxDraftTokens: 8, contextSize: 0, gpu: "off", threads: 0};
}

/** A minimal client over a RuntimeHost: ids, replies, chunks and logs. */
class Harness {
    readonly sent: HostMessage[] = [];
    readonly host: RuntimeHost;
    exitCode: number | undefined;
    private nextId = 1;
    private readonly waiters = new Map<number, {resolve(value: unknown): void, reject(error: RuntimeError): void}>();

    constructor(readonly factory: FakeFactory, heartbeatIntervalMs = 1000) {
        this.host = new RuntimeHost((message) => this.onMessage(message), factory.create, (code) => { this.exitCode = code; },
            async (gpu) => ({gpu: gpu === "off" ? false : "cuda", gpuDevices: [], vramTotalBytes: 0, vramFreeBytes: 0, unifiedMemory: false}),
            {heartbeatIntervalMs});
    }

    request<M extends Method>(method: M, params: Methods[M]["params"]): {id: number, result: Promise<Methods[M]["result"]>} {
        const id = this.nextId++;
        const result = new Promise<Methods[M]["result"]>((resolve, reject) => {
            this.waiters.set(id, {resolve: resolve as (value: unknown) => void, reject});
        });
        // Tests look at rejections when they choose to; none may go unhandled meanwhile.
        result.catch(() => undefined);
        this.host.receive({kind: "request", id, method, params});
        return {id, result};
    }

    cancel(id: number): void {
        this.host.receive({kind: "cancel", id});
    }

    of<K extends HostMessage["kind"]>(kind: K): Array<Extract<HostMessage, {kind: K}>> {
        return this.sent.filter((message): message is Extract<HostMessage, {kind: K}> => message.kind === kind);
    }

    private onMessage(message: HostMessage): void {
        this.sent.push(message);
        if (message.kind === "result") this.settle(message.id, (waiter) => waiter.resolve(message.result));
        if (message.kind === "error") this.settle(message.id, (waiter) => waiter.reject(RuntimeError.fromData(message.error)));
    }

    private settle(id: number, how: (waiter: {resolve(value: unknown): void, reject(error: RuntimeError): void}) => void): void {
        const waiter = this.waiters.get(id);
        assert.ok(waiter, `a second answer for request ${id}`);
        this.waiters.delete(id);
        how(waiter);
    }
}

const cancelled = (error: unknown) => error instanceof RuntimeError && error.code === "cancelled";

/** Waits until the factory has been asked for `count` loads. */
async function loadsStarted(factory: FakeFactory, count: number): Promise<void> {
    for (let i = 0; i < 500 && factory.loads.length < count; i++) await delay(2);
    assert.equal(factory.loads.length, count);
}

describe("runtime host", function () {
    describe("loads", function () {
        it("two loads in a row: the first is aborted and answered cancelled, the second serves, one engine at a time", async function () {
            const h = new Harness(new FakeFactory());
            const first = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            const second = h.request("load", loadParams("/models/b.gguf"));
            assert.equal(h.factory.loads[0].signal?.aborted, true, "the superseded load's signal was not aborted");
            await assert.rejects(first.result, cancelled);
            await loadsStarted(h.factory, 2);
            h.factory.loads[1].succeed();
            assert.equal((await second.result).modelPath, "/models/b.gguf");
            assert.equal((await h.request("status", {}).result).model?.modelPath, "/models/b.gguf");
            assert.equal(h.factory.maxAlive, 1);
        });

        it("three loads in a row: the middle one never starts, only the last engine is alive", async function () {
            const h = new Harness(new FakeFactory({honoursSignal: false}));
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            const b = h.request("load", loadParams("/models/b.gguf"));
            const c = h.request("load", loadParams("/models/c.gguf"));
            // The first cannot be interrupted: its engine arrives after the abort and must be disposed at once.
            h.factory.loads[0].succeed();
            await assert.rejects(a.result, cancelled);
            await assert.rejects(b.result, cancelled);
            await loadsStarted(h.factory, 2);
            assert.equal(h.factory.loads[1].params.modelPath, "/models/c.gguf", "the superseded middle load was started");
            assert.equal(h.factory.loads[0].engine?.disposed, true, "the losing engine was not disposed");
            h.factory.loads[1].succeed();
            assert.equal((await c.result).modelPath, "/models/c.gguf");
            assert.equal(h.factory.maxAlive, 1, "two engines were alive at once");
            assert.deepEqual(h.factory.alive.map((engine) => engine.modelPath), ["/models/c.gguf"]);
        });

        it("a superseded load's late failure changes nothing: the newer model stays loaded", async function () {
            const h = new Harness(new FakeFactory({honoursSignal: false}));
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            const b = h.request("load", loadParams("/models/b.gguf"));
            h.factory.loads[0].fail(new RuntimeError("badModel", "could not load /models/a.gguf: broken tensor data", "/models/a.gguf"));
            await assert.rejects(a.result, cancelled);
            await loadsStarted(h.factory, 2);
            h.factory.loads[1].succeed();
            await b.result;
            assert.equal((await h.request("status", {}).result).model?.modelPath, "/models/b.gguf");
            assert.equal(h.of("error").filter((m) => m.error.code === "badModel").length, 0, "the superseded failure reached the client");
        });

        it("a superseded load's late success changes nothing: its engine is disposed, the newer one serves", async function () {
            const h = new Harness(new FakeFactory({honoursSignal: false}));
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            const b = h.request("load", loadParams("/models/b.gguf"));
            h.factory.loads[0].succeed();
            await assert.rejects(a.result, cancelled);
            await loadsStarted(h.factory, 2);
            h.factory.loads[1].succeed();
            await b.result;
            assert.equal(h.factory.loads[0].engine?.disposed, true);
            assert.equal(h.factory.loads[1].engine?.disposed, false);
            assert.equal((await h.request("status", {}).result).model?.modelPath, "/models/b.gguf");
        });

        it("a new load stops the old engine's work, disposes it, then loads", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0}));
            await h.request("load", loadParams("/models/a.gguf")).result;
            const old = h.factory.engines[0];
            const chat = h.request("chat", {messages: [{role: "user", content: "long"}], maxTokens: 100_000, reasoning: false});
            while (old.calls.length === 0) await delay(2);
            await h.request("load", loadParams("/models/b.gguf")).result;
            assert.equal((await chat.result).stopReason, "cancelled");
            assert.equal(old.disposed, true);
            assert.equal(h.factory.maxAlive, 1);
        });

        it("a failed load leaves no model and names the file; the next load works", async function () {
            const h = new Harness(new FakeFactory());
            const a = h.request("load", loadParams("/models/bad.gguf"));
            await loadsStarted(h.factory, 1);
            h.factory.loads[0].fail(new RuntimeError("badModel", "not a GGUF file: /models/bad.gguf", "/models/bad.gguf"));
            await assert.rejects(a.result, (error: unknown) => error instanceof RuntimeError && error.code === "badModel" && error.path === "/models/bad.gguf");
            await assert.rejects(h.request("status", {}).result, (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");
            const b = h.request("load", loadParams("/models/good.gguf"));
            await loadsStarted(h.factory, 2);
            h.factory.loads[1].succeed();
            assert.equal((await b.result).modelPath, "/models/good.gguf");
        });

        it("reports a load's progress in whole percents, then its model", async function () {
            const h = new Harness(new FakeFactory());
            const load = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            for (const fraction of [0.1, 0.104, 0.5, 0.5, 0.999, 1]) h.factory.loads[0].progress(fraction);
            h.factory.loads[0].succeed();
            await load.result;
            assert.deepEqual(h.of("progress").map((m) => [m.id, m.progress]), [[load.id, 0.1], [load.id, 0.5], [load.id, 0.99], [load.id, 1]]);
        });

        it("a cancel for a load's id aborts the engine's load and answers cancelled", async function () {
            const h = new Harness(new FakeFactory());
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            h.cancel(a.id);
            assert.equal(h.factory.loads[0].signal?.aborted, true);
            await assert.rejects(a.result, cancelled);
            await assert.rejects(h.request("complete", {context: "", prefix: "x", suffix: "", maxTokens: 1, stop: []}).result,
                (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded" && /No model/.test(error.message));
        });

        it("requests during a load are refused as still loading, never served by the old engine", async function () {
            const h = new Harness(new FakeFactory());
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            h.factory.loads[0].succeed();
            await a.result;
            const b = h.request("load", loadParams("/models/b.gguf"));
            await assert.rejects(h.request("complete", {context: "", prefix: "x", suffix: "", maxTokens: 1, stop: []}).result,
                (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded" && /still loading/.test(error.message));
            assert.equal(h.factory.engines[0].calls.length, 0);
            await loadsStarted(h.factory, 2);
            h.factory.loads[1].succeed();
            await b.result;
        });
    });

    describe("requests", function () {
        it("a newer completion supersedes the running one; a chat runs beside them untouched", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0, engine: {tokenMs: 2}}));
            await h.request("load", loadParams("/models/a.gguf")).result;
            const chat = h.request("chat", {messages: [{role: "user", content: "q"}], maxTokens: 40, reasoning: false});
            const old = h.request("complete", {context: "", prefix: "old", suffix: "", maxTokens: 100_000, stop: []});
            while (h.of("chunk").filter((m) => m.id === old.id).length === 0) await delay(2);
            const newer = h.request("complete", {context: "", prefix: "new", suffix: "", maxTokens: 3, stop: []});
            assert.equal((await old.result).stopReason, "cancelled");
            assert.equal((await newer.result).stats.generatedTokens, 3);
            const chatResult = await chat.result;
            assert.equal(chatResult.stopReason, "maxTokens");
            assert.equal(chatResult.stats.generatedTokens, 40);
            const streamed = h.of("chunk").filter((m) => m.id === chat.id).map((m) => m.chunk.text).join("");
            assert.equal(streamed, chatResult.text, "the chat's chunks do not add up to its result");
        });

        it("streams all of a result's text when a newer completion's cancel races its last token", async function () {
            const factory = new FakeFactory({autoMs: 0});
            const h = new Harness(factory);
            await h.request("load", loadParams("/models/a.gguf")).result;
            // Text decoded, then the abort lands before the stream's next flush, and the engine still returns it all.
            factory.engines[0].complete = async (params, control) => {
                control.onText(params.prefix);
                await new Promise((resolve) => control.signal.addEventListener("abort", resolve, {once: true}));
                return {text: params.prefix, stopReason: "maxTokens", stats: {
                    promptTokens: 1, reusedPromptTokens: 0, generatedTokens: 1, timeToFirstTokenMs: 0, totalMs: 0, tokensPerSecond: 0,
                    drafter: "none", draftedTokens: 0, acceptedTokens: 0
                }};
            };
            const old = h.request("complete", {context: "", prefix: "abc", suffix: "", maxTokens: 1, stop: []});
            const newer = h.request("complete", {context: "", prefix: "de", suffix: "", maxTokens: 1, stop: []});
            assert.equal((await old.result).text, "abc");
            newer.result.catch(() => undefined);
            assert.equal(h.of("chunk").filter((m) => m.id === old.id).map((m) => m.chunk.text).join(""), "abc");
        });

        it("a cancel message stops a running request", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0}));
            await h.request("load", loadParams("/models/a.gguf")).result;
            const chat = h.request("chat", {messages: [{role: "user", content: "q"}], maxTokens: 100_000, reasoning: false});
            while (h.of("chunk").length === 0) await delay(2);
            h.cancel(chat.id);
            assert.equal((await chat.result).stopReason, "cancelled");
        });

        it("token counts and the machine answer", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0}));
            assert.equal((await h.request("machine", {gpu: "off"}).result).gpu, false);
            await h.request("load", loadParams("/models/a.gguf")).result;
            assert.deepEqual((await h.request("tokenCount", {texts: ["abc", ""]}).result).counts, [3, 0]);
        });
    });

    describe("malformed messages", function () {
        it("logs and drops a malformed message, never throwing", function () {
            const h = new Harness(new FakeFactory());
            const junk: unknown[] = [null, 42, "hello", [], {}, {kind: "explode"}, {kind: "request", id: "1", method: "load", params: {}},
                {kind: "request", id: 1, method: "format", params: {}}, {kind: "cancel"}, {kind: "hello", version: "1"}];
            for (const message of junk) assert.doesNotThrow(() => h.host.receive(message));
            const warnings = h.of("log").filter((m) => m.level === "warn" && /malformed/.test(m.message));
            assert.equal(warnings.length, junk.length);
            assert.match(warnings[6].message, /request\.id/);
            assert.match(warnings[7].message, /request\.method/);
            assert.equal(h.of("result").length + h.of("error").length + h.of("hello").length, 0, "a malformed message was acted on");
        });

        it("answers a request with malformed parameters invalidRequest, naming the field", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0}));
            const bad: Array<[Method, unknown, RegExp]> = [
                ["load", {...loadParams("/m.gguf"), engine: "gpt"}, /params\.engine/],
                ["load", {...loadParams("/m.gguf"), contextSize: -1}, /params\.contextSize/],
                ["load", {...loadParams("/m.gguf"), endpoint: {url: 5, model: ""}}, /params\.endpoint\.url/],
                ["complete", {context: "", prefix: "x", suffix: "", maxTokens: 8, stop: ["a", 3]}, /params\.stop\[1\]/],
                ["chat", {messages: [{role: "tool", content: "x"}], maxTokens: 8, reasoning: false}, /params\.messages\[0\]\.role/],
                ["tokenCount", {texts: "abc"}, /params\.texts/],
                ["machine", {}, /params\.gpu/],
                ["status", null, /params/]
            ];
            for (const [method, params, field] of bad) {
                const {result} = h.request(method, params as never);
                await assert.rejects(result, (error: unknown) => error instanceof RuntimeError && error.code === "invalidRequest" && field.test(error.message));
            }
            assert.equal(h.factory.loads.length, 0, "a malformed load reached the engine factory");
        });

        it("ignores a second request with an id already in progress", async function () {
            const h = new Harness(new FakeFactory());
            h.host.receive({kind: "request", id: 7, method: "load", params: loadParams("/models/a.gguf")});
            await loadsStarted(h.factory, 1);
            h.host.receive({kind: "request", id: 7, method: "load", params: loadParams("/models/b.gguf")});
            await delay(10);
            assert.equal(h.factory.loads.length, 1);
            assert.ok(h.of("log").some((m) => m.level === "warn" && /id 7/.test(m.message)));
        });
    });

    describe("heartbeat", function () {
        it("beats while a load or request is in progress, with how many, and stops when idle", async function () {
            const h = new Harness(new FakeFactory(), 10);
            await delay(40);
            assert.equal(h.of("heartbeat").length, 0, "an idle host sent heartbeats");
            const a = h.request("load", loadParams("/models/a.gguf"));
            await delay(45);
            const duringLoad = h.of("heartbeat");
            assert.ok(duringLoad.length >= 2, `${duringLoad.length} heartbeats during a 45 ms load`);
            assert.ok(duringLoad.every((m) => m.busy === 1));
            const status = h.request("machine", {gpu: "off"});
            await status.result;
            h.factory.loads[0].succeed();
            await a.result;
            const count = h.of("heartbeat").length;
            await delay(40);
            assert.equal(h.of("heartbeat").length, count, "heartbeats went on after the work ended");
        });
    });

    describe("shutdown", function () {
        it("stops the work, disposes the engine and exits 0", async function () {
            const h = new Harness(new FakeFactory({autoMs: 0}));
            await h.request("load", loadParams("/models/a.gguf")).result;
            const chat = h.request("chat", {messages: [{role: "user", content: "q"}], maxTokens: 100_000, reasoning: false});
            while (h.of("chunk").length === 0) await delay(2);
            h.host.receive({kind: "shutdown"});
            assert.equal((await chat.result).stopReason, "cancelled");
            while (h.exitCode === undefined) await delay(2);
            assert.equal(h.exitCode, 0);
            assert.equal(h.factory.engines[0].disposed, true);
        });

        it("aborts a load in progress and disposes what it still returns", async function () {
            const h = new Harness(new FakeFactory({honoursSignal: false}));
            const a = h.request("load", loadParams("/models/a.gguf"));
            await loadsStarted(h.factory, 1);
            h.host.receive({kind: "shutdown"});
            assert.equal(h.factory.loads[0].signal?.aborted, true);
            h.factory.loads[0].succeed();
            await assert.rejects(a.result, cancelled);
            while (h.exitCode === undefined) await delay(2);
            assert.equal(h.factory.alive.length, 0);
        });
    });
});

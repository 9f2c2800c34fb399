// The bundled runtime host (dist/runtime-host.mjs) spoken to directly over IPC, without RuntimeClient's own
// checks: malformed messages are logged and dropped and the process lives on, malformed parameters are answered
// invalidRequest, and heartbeats come every HEARTBEAT_INTERVAL_MS while it works, none while it is idle.
import assert from "node:assert/strict";
import {fork, type ChildProcess} from "node:child_process";
import path from "node:path";
import {HEARTBEAT_INTERVAL_MS, PROTOCOL_VERSION, isHostMessage, type HostMessage, type LoadParams} from "../../src/runtime/protocol";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");

class RawHost {
    readonly child: ChildProcess;
    readonly received: Array<HostMessage & {at: number}> = [];
    private listeners: Array<() => void> = [];

    constructor() {
        this.child = fork(hostPath, [], {stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced"});
        this.child.on("message", (message) => {
            assert.ok(isHostMessage(message), `the host sent a malformed message: ${JSON.stringify(message)}`);
            this.received.push({...message, at: performance.now()});
            for (const listener of this.listeners) listener();
        });
    }

    send(message: unknown): void {
        this.child.send(message as object);
    }

    /** Resolves with the first message (from now on, or already received when `past`) that `match` accepts. */
    next(match: (message: HostMessage) => boolean, timeoutMs = 120_000): Promise<HostMessage & {at: number}> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("no such message from the host")), timeoutMs);
            const check = () => {
                const found = this.received.find(match);
                if (!found) return;
                clearTimeout(timer);
                this.listeners = this.listeners.filter((listener) => listener !== check);
                resolve(found);
            };
            this.listeners.push(check);
            check();
        });
    }

    async close(): Promise<void> {
        if (this.child.exitCode !== null) return;
        const exited = new Promise((resolve) => this.child.once("exit", resolve));
        this.send({kind: "shutdown"});
        await exited;
    }
}

describe("runtime host over raw IPC", function () {
    let host: RawHost;
    before(() => ensureTestModels());
    afterEach(async () => { await host?.close(); });

    it("logs and drops malformed messages, answers malformed parameters, and keeps running", async function () {
        host = new RawHost();
        for (const junk of [null, 7, "text", [], {kind: "request", id: -3, method: "status", params: {}}, {kind: "request", id: 1, method: "eval", params: {}},
            {kind: "cancel", id: "x"}, {kind: "launch"}])
            host.send(junk);
        host.send({kind: "request", id: 2, method: "complete", params: {context: "", prefix: 5, suffix: "", maxTokens: 1, stop: []}});
        const refused = await host.next((m) => m.kind === "error" && m.id === 2);
        assert.ok(refused.kind === "error" && refused.error.code === "invalidRequest" && /params\.prefix/.test(refused.error.message), JSON.stringify(refused));
        host.send({kind: "hello", version: PROTOCOL_VERSION});
        await host.next((m) => m.kind === "hello");
        const warnings = host.received.filter((m) => m.kind === "log" && m.level === "warn" && /ignored a malformed message/.test(m.message));
        assert.equal(warnings.length, 8, JSON.stringify(warnings));
        assert.equal(host.child.exitCode, null, "a malformed message ended the process");
    });

    it("beats while a chat answer streams, with the number of requests in progress, and stays silent when idle", async function () {
        host = new RawHost();
        // llama-target: its answers never end, so the stream outlasts three beats (gemma4-target's end after 48 tokens).
        const load: LoadParams = {engine: "embedded", modelPath: testModelPath("llama-target"), drafterMode: "off", maxDraftTokens: 8, contextSize: 4096, gpu: "off", threads: 1};
        host.send({kind: "request", id: 1, method: "load", params: load});
        const loaded = await host.next((m) => (m.kind === "result" || m.kind === "error") && m.id === 1).catch((error: Error) => {
            throw new Error(`${error.message}; received ${JSON.stringify(host.received).slice(0, 2000)}`);
        });
        assert.equal(loaded.kind, "result", JSON.stringify(loaded));
        host.send({kind: "request", id: 2, method: "chat", params: {messages: [{role: "user", content: "Explain everything."}], maxTokens: 3000, reasoning: false}});
        const streaming = await host.next((m) => (m.kind === "chunk" || m.kind === "error") && m.id === 2);
        assert.equal(streaming.kind, "chunk", JSON.stringify(streaming));
        const streamingSince = performance.now();
        const beats = () => host.received.filter((m) => m.kind === "heartbeat" && m.at >= streamingSince);
        while (beats().length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.ok(beats().every((m) => m.kind === "heartbeat" && m.busy === 1), JSON.stringify(beats()));
        const [first, , third] = beats();
        // Three beats cannot come sooner than two intervals apart; a generous upper bound for a busy machine.
        assert.ok(third.at - first.at >= 2 * HEARTBEAT_INTERVAL_MS * 0.9 && third.at - first.at < 2 * HEARTBEAT_INTERVAL_MS * 5, `${third.at - first.at} ms`);
        host.send({kind: "cancel", id: 2});
        const done = await host.next((m) => (m.kind === "result" || m.kind === "error") && m.id === 2);
        const idleSince = done.at;
        await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_INTERVAL_MS));
        assert.deepEqual(host.received.filter((m) => m.kind === "heartbeat" && m.at > idleSince), [], "an idle host went on beating");
    });
});

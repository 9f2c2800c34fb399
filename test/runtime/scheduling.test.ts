// The runtime's scheduler through the real process, on the embedded engine with real llama.cpp: a newer
// completion supersedes the one in flight (and drops any still waiting), a completion neither waits behind nor
// cancels a long chat answer, and token counts are answered while a chat streams.
import assert from "node:assert/strict";
import path from "node:path";
import {RuntimeClient} from "../../src/runtime/client";
import {RuntimeError, type GenerationResult, type LoadParams} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");
const params: LoadParams = {engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8, contextSize: 4096, gpu: "off", threads: 1};
const request = {context: "", prefix: "export function createTokenizer(model) {", suffix: "", stop: []};
const longChat = {messages: [{role: "user" as const, content: "Explain everything."}], reasoning: false};
/** gemma4-target's chat answer: its tokens before the <turn|> that ends it. */
const chatAnswerLength = () => ensureTestModels().gemma4.chatAnswer.tokens.length - 1;

describe("scheduling (runtime process)", function () {
    let client: RuntimeClient;

    before(async function () {
        ensureTestModels();
        client = new RuntimeClient({hostPath, log: silentLogger});
        await client.load(params);
    });

    after(async function () { await client?.dispose(); });

    /** Starts a request and resolves `started` at its first streamed chunk. */
    function streaming<T>(run: (onText: () => void) => Promise<T>): {done: Promise<T>, started: Promise<void>, chunks: () => number} {
        let count = 0;
        let first!: () => void;
        const started = new Promise<void>((resolve) => { first = resolve; });
        const done = run(() => { if (++count === 1) first(); });
        return {done, started, chunks: () => count};
    }

    it("lets a newer completion supersede the one in flight", async function () {
        const old = streaming((onText) => client.complete({...request, maxTokens: 4000}, {onText}));
        await old.started;
        const newer = await client.complete({...request, maxTokens: 8});
        const superseded = await old.done;
        assert.equal(superseded.stopReason, "cancelled");
        assert.ok(superseded.stats.generatedTokens < 4000);
        assert.equal(newer.stopReason, "maxTokens");
        assert.equal(newer.stats.generatedTokens, 8);
    });

    it("drops a completion that a newer one supersedes before it started", async function () {
        const running = streaming((onText) => client.complete({...request, maxTokens: 4000}, {onText}));
        await running.started;
        const queued = client.complete({...request, prefix: "const a = ", maxTokens: 8});
        const dropped = assert.rejects(queued, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled");
        const newest = client.complete({...request, prefix: "const b = ", maxTokens: 8});
        await dropped;
        assert.equal((await newest).stats.generatedTokens, 8);
        assert.equal((await running.done).stopReason, "cancelled");
    });

    it("serves completions while a long chat answer streams, and never cancels the chat", async function () {
        const chat = streaming((onText) => client.chat({...longChat, maxTokens: 256}, {onText}));
        await chat.started;
        let chatDone = false;
        void chat.done.finally(() => { chatDone = true; });
        const completions: GenerationResult[] = [];
        for (const prefix of ["const tokens = model.", "const tokens = model.tok", "const tokens = model.tokenize("])
            completions.push(await client.complete({...request, prefix, maxTokens: 4}));
        assert.equal(chatDone, false, "the chat answer ended before the completions: the test proves nothing");
        assert.ok(completions.every((result) => result.stopReason === "maxTokens" && result.stats.generatedTokens === 4));
        // The whole answer, ended by the model's own <turn|> where models.json says.
        const answer = await chat.done;
        assert.equal(answer.stopReason, "eos");
        assert.equal(answer.stats.generatedTokens, chatAnswerLength());
    });

    it("answers token counts while a chat streams", async function () {
        const chat = streaming((onText) => client.chat({...longChat, maxTokens: 256}, {onText}));
        await chat.started;
        let chatDone = false;
        void chat.done.finally(() => { chatDone = true; });
        const [count] = await client.tokenCount(["export function createTokenizer(model) {"]);
        assert.ok(count > 0);
        assert.equal(chatDone, false, "the token count waited for the chat");
        assert.equal((await chat.done).stats.generatedTokens, chatAnswerLength());
    });
});

// The chat session's road for one question, with a scripted backend in place of the runtime and the index (the
// e2e suite runs the same session on the real ones): it waits for the model and says so, plans the window,
// stores the context in the turn, streams the answer, stops at once, reports failures, and saves the history.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {ChatHistory, type KeyValueStore} from "../../../src/chat/history";
import {ChatSession, UserError, type ChatBackend} from "../../../src/chat/session";
import type {ChatMessage} from "../../../src/runtime/protocol";
import type {ToWebview} from "../../../src/webview/messages";

class MemoryStore implements KeyValueStore {
    private readonly values = new Map<string, string>();
    get<T>(key: string): T | undefined { const v = this.values.get(key); return v === undefined ? undefined : JSON.parse(v) as T; }
    async update(key: string, value: unknown): Promise<void> { this.values.set(key, JSON.stringify(value)); }
}

interface Script {
    ready?: (onWaiting: (t: string) => void, signal: AbortSignal) => Promise<void>;
    chunks?: string[];
    chunkMs?: number;
    fail?: Error;
    window?: number;
}

function harness(script: Script = {}) {
    const posted: ToWebview[] = [];
    const requests: ChatMessage[][] = [];
    const budgets: number[] = [];
    let ids = 0;
    const backend: ChatBackend = {
        whenModelReady: script.ready ?? (async () => undefined),
        limits: () => ({contextSettingTokens: 1000, modelContextTokens: script.window ?? 8192, answerTokens: 512, reasoning: false}),
        countTokens: async (texts) => texts.map((t) => Math.ceil(t.length / 4)),
        gatherContext: async (request) => {
            budgets.push(request.budget);
            return {text: `// src/a.ts:1-2\nfunction a() {}\n`, sources: [{path: "/w/src/a.ts", label: "src/a.ts:1-2", startLine: 0, endLine: 1}]};
        },
        generate: async (messages, options) => {
            requests.push(messages);
            if (script.fail) throw script.fail;
            for (const chunk of script.chunks ?? ["Hello", " world"]) {
                await new Promise((resolve) => setTimeout(resolve, script.chunkMs ?? 1));
                if (options.signal.aborted) throw new Error("cancelled");
                options.onText(chunk);
            }
            return {};
        }
    };
    const store = new MemoryStore();
    const session = new ChatSession({backend, history: new ChatHistory(store), post: (m) => posted.push(m), newId: () => `id${ids++}`, now: () => 1000 + ids});
    return {session, posted, requests, budgets, store, script};
}

describe("chat: session", () => {
    it("streams an answer into the turn, with its context and sources, and saves the conversation", async () => {
        const {session, posted, requests, budgets, store} = harness();
        await session.ask({display: "What is a?"});
        const turn = session.current.turns[0];
        assert.equal(turn.status, "done");
        assert.equal(turn.answer, "Hello world");
        assert.deepEqual(turn.sources.map((s) => s.label), ["src/a.ts:1-2"]);
        assert.match(requests[0].at(-1)!.content, /<context>\n\/\/ src\/a\.ts:1-2/);
        assert.equal(budgets[0], 1000, "the setting, since the window has room");
        assert.deepEqual(posted.filter((m) => m.type === "chunk").map((m) => (m as {text: string}).text), ["Hello", " world"]);
        assert.equal(new ChatHistory(store).get(session.current.id)?.turns[0].answer, "Hello world");
    });

    it("a follow-up's prompt starts with the first prompt and its answer", async () => {
        const {session, requests} = harness();
        await session.ask({display: "first"});
        await session.ask({display: "second"});
        assert.deepEqual(requests[1].slice(0, requests[0].length), requests[0]);
        assert.deepEqual(requests[1][requests[0].length], {role: "assistant", content: "Hello world"});
    });

    it("while the model loads, the turn says it waits, then is answered", async () => {
        let release!: () => void;
        const {session, posted} = harness({ready: (onWaiting) => { onWaiting("Waiting for the model to load…"); return new Promise<void>((r) => { release = r; }); }});
        const asked = session.ask({display: "q"});
        await new Promise((r) => setTimeout(r, 5));
        const waiting = posted.filter((m) => m.type === "turn").map((m) => (m as {turn: {waiting?: string}}).turn.waiting);
        assert.ok(waiting.includes("Waiting for the model to load…"));
        release();
        await asked;
        assert.equal(session.current.turns[0].status, "done");
    });

    it("with no model the turn fails with the backend's words", async () => {
        const {session} = harness({ready: async () => { throw new UserError("No model is loaded: choose one."); }});
        await session.ask({display: "q"});
        assert.equal(session.current.turns[0].status, "error");
        assert.equal(session.current.turns[0].error, "No model is loaded: choose one.");
    });

    it("a runtime failure is reported, and the failed turn is left out of the next prompt", async () => {
        const h = harness({fail: new Error("engine exploded")});
        await h.session.ask({display: "q1"});
        assert.equal(h.session.current.turns[0].error, "Hearth could not answer: engine exploded");
        delete h.script.fail;
        await h.session.ask({display: "q2"});
        assert.deepEqual(h.requests[1].map((m) => m.role), ["system", "user"]);
        assert.ok(!h.requests[1].some((m) => m.content.includes("q1")));
    });

    it("stop ends the answer at once: the turn keeps what arrived and nothing more is added", async () => {
        const {session} = harness({chunks: ["a", "b", "c", "d", "e", "f"], chunkMs: 20});
        const asked = session.ask({display: "long"});
        await new Promise((r) => setTimeout(r, 50));
        session.stop();
        const turn = session.current.turns[0];
        assert.equal(turn.status, "stopped");
        const kept = turn.answer;
        await asked;
        assert.equal(turn.answer, kept);
        assert.ok(kept.length < 6);
        assert.equal(session.busy, false);
    });

    it("a second question while one is answered is refused with a notice", async () => {
        const {session, posted} = harness({chunkMs: 10});
        const first = session.ask({display: "one"});
        await session.ask({display: "two"});
        await first;
        assert.equal(session.current.turns.length, 1);
        assert.ok(posted.some((m) => m.type === "notice"));
    });

    it("a conversation that outgrows the window drops its oldest turns and the view is told", async () => {
        const {session, posted} = harness({window: 2048, chunks: ["x".repeat(2000)]});
        for (let i = 0; i < 5; i++) await session.ask({display: `question ${i}`});
        assert.ok(session.current.firstKeptTurn > 0);
        const views = posted.filter((m) => m.type === "conversation").map((m) => (m as {conversation: {droppedTurns: number}}).conversation.droppedTurns);
        assert.ok(views.some((n) => n > 0));
    });

    it("new chat, reopen from the history, delete and clear", async () => {
        const {session} = harness();
        await session.ask({display: "first conversation"});
        const firstId = session.current.id;
        await session.newChat();
        await session.ask({display: "second conversation"});
        assert.deepEqual(session.historyItems().map((i) => i.title), ["second conversation", "first conversation"]);
        assert.equal(await session.open(firstId), true);
        assert.equal(session.current.turns[0].display, "first conversation");
        await session.deleteConversation(firstId);
        assert.equal(session.current.turns.length, 0, "deleting the open conversation starts a new one");
        assert.deepEqual(session.historyItems().map((i) => i.title), ["second conversation"]);
        await session.clearHistory();
        assert.deepEqual(session.historyItems(), []);
    });

    it("context a caller brings (Explain) is used as is, and shown as the turn's sources", async () => {
        const {session, budgets, requests} = harness();
        await session.ask({display: "Explain `a`", prompt: "Explain this code", context: {text: "function a() {}\n", sources: [{path: "/w/a.ts", label: "a.ts:1-1", startLine: 0, endLine: 0}]}});
        assert.equal(budgets.length, 0, "nothing gathered");
        assert.match(requests[0].at(-1)!.content, /<context>\nfunction a\(\) \{\}\n<\/context>\n\nExplain this code$/);
        assert.equal(session.current.turns[0].display, "Explain `a`");
    });
});

// The runtime's one scheduler, driving a fake engine that decodes on a timer: the newest completion supersedes
// the rest, interactive work runs first in first out and is never cancelled by a completion, background work
// yields to completions, cancels reach queued and running work, and dispose stops everything.
import assert from "node:assert/strict";
import {RuntimeError, type GenerationResult} from "../../../src/runtime/protocol";
import {Scheduler, type Priority, type Task} from "../../../src/runtime/host/scheduler";
import {FakeEngine, delay} from "./fakeEngine";

const isCancelled = (error: unknown) => error instanceof RuntimeError && error.code === "cancelled";

describe("scheduler", function () {
    let scheduler: Scheduler;
    let engine: FakeEngine;

    beforeEach(function () {
        scheduler = new Scheduler();
        engine = new FakeEngine("fake.gguf", {tokenMs: 2});
    });

    afterEach(async function () {
        await scheduler.dispose();
    });

    /** A completion of `tokens` tokens, calling `onToken` with each token's index. */
    function complete(label: string, tokens: number, onToken: (index: number) => void = () => {}): Task<GenerationResult> {
        let index = 0;
        return scheduler.schedule("completion", (signal) =>
            engine.complete({context: "", prefix: label, suffix: "", maxTokens: tokens, stop: []}, {signal, onText: () => onToken(index++)}));
    }

    function chat(label: string, tokens: number, onToken: (index: number) => void = () => {}): Task<GenerationResult> {
        let index = 0;
        return scheduler.schedule("interactive", (signal) =>
            engine.chat({messages: [{role: "user", content: label}], maxTokens: tokens, reasoning: false}, {signal, onText: () => onToken(index++)}));
    }

    function firstToken(schedule: (onToken: (index: number) => void) => Task<GenerationResult>): {task: Task<GenerationResult>, started: Promise<void>} {
        let started!: () => void;
        const promise = new Promise<void>((resolve) => { started = resolve; });
        const task = schedule((index) => { if (index === 0) started(); });
        return {task, started: promise};
    }

    describe("completions", function () {
        it("a newer completion aborts the running one, which stops before the newer starts on the sequence", async function () {
            const old = firstToken((onToken) => complete("old", 10_000, onToken));
            await old.started;
            const newer = complete("new", 5);
            const superseded = await old.task.result;
            assert.equal(superseded.stopReason, "cancelled");
            assert.ok(superseded.stats.generatedTokens < 10_000);
            const result = await newer.result;
            assert.equal(result.stopReason, "maxTokens");
            assert.equal(result.stats.generatedTokens, 5);
            assert.deepEqual(engine.labels("complete"), ["old", "new"]);
            assert.equal(engine.maxConcurrent.get("complete"), 1, "two completions ran on the sequence at once");
            const [first, second] = engine.calls;
            assert.ok(second.startedAt >= first.endedAt!, "the newer completion started before the superseded one stopped");
        });

        it("drops waiting completions at once when a newer one arrives: only the newest runs", async function () {
            const running = firstToken((onToken) => complete("a", 10_000, onToken));
            await running.started;
            const waiting1 = complete("b", 5);
            const waiting2 = complete("c", 5);
            const dropped = Promise.all([assert.rejects(waiting1.result, isCancelled), assert.rejects(waiting2.result, isCancelled)]);
            const newest = complete("d", 5);
            await dropped;
            assert.equal((await running.task.result).stopReason, "cancelled");
            assert.equal((await newest.result).stats.generatedTokens, 5);
            assert.deepEqual(engine.labels("complete"), ["a", "d"], "a superseded completion ran anyway");
        });

        it("never waits behind a long chat answer, and never cancels it", async function () {
            const longChat = firstToken((onToken) => chat("long", 400, onToken));
            await longChat.started;
            const completions: GenerationResult[] = [];
            for (const label of ["k1", "k2", "k3"]) completions.push(await complete(label, 3).result);
            const chatCall = engine.calls.find((call) => call.method === "chat")!;
            assert.equal(chatCall.endedAt, undefined, "the chat ended before the completions: the test proves nothing");
            assert.ok(completions.every((result) => result.stopReason === "maxTokens" && result.stats.generatedTokens === 3));
            longChat.task.cancel();
            assert.equal((await longChat.task.result).stopReason, "cancelled");
        });
    });

    describe("interactive", function () {
        it("runs first in, first out, one at a time", async function () {
            const tasks = ["q1", "q2", "q3"].map((label) => chat(label, 4));
            const results = await Promise.all(tasks.map((task) => task.result));
            assert.deepEqual(engine.labels("chat"), ["q1", "q2", "q3"]);
            assert.ok(results.every((result) => result.stopReason === "maxTokens"));
            assert.equal(engine.maxConcurrent.get("chat"), 1);
            const chats = engine.calls.filter((call) => call.method === "chat");
            for (let i = 1; i < chats.length; i++) assert.ok(chats[i].startedAt >= chats[i - 1].endedAt!);
        });

        it("a completion cancels neither the running nor the waiting chat", async function () {
            const first = firstToken((onToken) => chat("first", 30, onToken));
            await first.started;
            const second = chat("second", 5);
            await complete("typing", 2).result;
            await complete("typing more", 2).result;
            assert.equal((await first.task.result).stopReason, "maxTokens");
            assert.equal((await second.result).stopReason, "maxTokens");
        });
    });

    describe("priority", function () {
        it("background work waits while a completion runs or waits, then runs in order", async function () {
            const order: string[] = [];
            const background = (label: string) => scheduler.schedule("background", async () => {
                order.push(label);
                return engine.tokenCount([label]);
            });
            const running = firstToken((onToken) => complete("c1", 20, onToken));
            await running.started;
            const counts1 = background("count1");
            const waitingCompletion = complete("c2", 20);
            const counts2 = background("count2");
            await delay(10);
            assert.deepEqual(order, [], "background work started while a completion was running");
            await waitingCompletion.result;
            assert.deepEqual(await counts1.result, [6]);
            assert.deepEqual(await counts2.result, [6]);
            assert.deepEqual(order, ["count1", "count2"]);
            const completionEnd = engine.calls.filter((call) => call.method === "complete").at(-1)!.endedAt!;
            const firstCount = engine.calls.find((call) => call.method === "tokenCount")!;
            assert.ok(firstCount.startedAt >= completionEnd, "a token count ran before the waiting completion");
        });

        it("background work does not wait behind a chat answer", async function () {
            const longChat = firstToken((onToken) => chat("long", 400, onToken));
            await longChat.started;
            assert.deepEqual(await scheduler.schedule("background", () => engine.tokenCount(["abc"])).result, [3]);
            assert.equal(engine.calls.find((call) => call.method === "chat")!.endedAt, undefined);
            longChat.task.cancel();
            await longChat.task.result;
        });

        it("runs the three lanes side by side, one job per lane", async function () {
            const seen: Priority[] = [];
            const hold = (priority: Priority) => scheduler.schedule(priority, async (signal) => {
                seen.push(priority);
                while (!signal.aborted) await delay(2);
                return priority;
            });
            const chatTask = hold("interactive");
            const completionTask = hold("completion");
            await delay(10);
            assert.deepEqual(seen.sort(), ["completion", "interactive"]);
            assert.equal(scheduler.size, 2);
            chatTask.cancel();
            completionTask.cancel();
            assert.equal(await chatTask.result, "interactive");
            assert.equal(await completionTask.result, "completion");
        });
    });

    describe("cancel", function () {
        it("a cancelled waiting task never runs and rejects as cancelled", async function () {
            const running = firstToken((onToken) => chat("running", 50, onToken));
            await running.started;
            const waiting = chat("waiting", 5);
            const after = chat("after", 2);
            waiting.cancel("the user closed the chat");
            await assert.rejects(waiting.result, (error: unknown) => isCancelled(error) && /closed the chat/.test((error as Error).message));
            await running.task.result;
            await after.result;
            assert.deepEqual(engine.labels("chat"), ["running", "after"]);
        });

        it("a cancelled running task sees its signal within one token and the lane goes on", async function () {
            let tokens = 0;
            const running = chat("long", 10_000, () => { if (++tokens === 3) running.cancel(); });
            const result = await running.result;
            assert.equal(result.stopReason, "cancelled");
            assert.ok(result.stats.generatedTokens <= 4, `${result.stats.generatedTokens} tokens after the cancel`);
            assert.equal((await chat("next", 2).result).stopReason, "maxTokens");
        });

        it("cancelAll drops the waiting and aborts the running; idle() resolves once they have stopped", async function () {
            const c = firstToken((onToken) => complete("c", 10_000, onToken));
            const i = firstToken((onToken) => chat("i", 10_000, onToken));
            await Promise.all([c.started, i.started]);
            const waiting = chat("waiting", 5);
            const background = scheduler.schedule("background", () => engine.tokenCount(["x"]));
            const dropped = Promise.all([assert.rejects(waiting.result, isCancelled), assert.rejects(background.result, isCancelled)]);
            scheduler.cancelAll("A new model is loading.");
            await dropped;
            await scheduler.idle();
            assert.equal(scheduler.size, 0);
            assert.ok(engine.calls.every((call) => call.endedAt !== undefined), "idle() resolved while work was running");
            assert.equal((await c.task.result).stopReason, "cancelled");
            assert.equal((await i.task.result).stopReason, "cancelled");
        });

        it("a work function that throws, even synchronously, rejects its task and frees its lane", async function () {
            const failing = scheduler.schedule("interactive", () => { throw new RuntimeError("modelNotLoaded", "No model is loaded yet."); });
            await assert.rejects(failing.result, (error: unknown) => error instanceof RuntimeError && error.code === "modelNotLoaded");
            assert.equal((await chat("after", 1).result).stats.generatedTokens, 1);
        });
    });

    describe("dispose", function () {
        it("stops running work, drops the waiting, refuses new work, and resolves when all has stopped", async function () {
            const running = firstToken((onToken) => chat("running", 10_000, onToken));
            await running.started;
            const waiting = chat("waiting", 5);
            const dropped = assert.rejects(waiting.result, isCancelled);
            await scheduler.dispose("shutting down");
            assert.ok(engine.calls.every((call) => call.endedAt !== undefined));
            assert.equal((await running.task.result).stopReason, "cancelled");
            await dropped;
            await assert.rejects(complete("late", 1).result, (error: unknown) => isCancelled(error) && /shutting down/.test((error as Error).message));
            assert.deepEqual(engine.labels("complete"), []);
        });
    });
});

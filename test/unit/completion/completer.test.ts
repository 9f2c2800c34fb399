import assert from "node:assert/strict";
import {Completer, type CompletionBackend, type CompletionDocument, type GenerateRequest, type PromptStyle} from "../../../src/completion/completer";
import type {Shape} from "../../../src/completion/multiline";

/** A scripted model: answers each request with chunks, `gapMs` apart; records what it was asked and whether it was aborted. */
class ScriptedBackend implements CompletionBackend {
    style: PromptStyle | undefined = "fim";
    shapeAt: Shape = "singleLine";
    gapMs = 5;
    requests: Array<{request: GenerateRequest, aborted: boolean}> = [];
    constructor(public answer: (request: GenerateRequest) => string[]) {}

    promptStyle() { return this.style; }
    async shape() { return this.shapeAt; }
    async context() { return "// lib.ts:1-1\nexport const pi = 3.14;\n"; }

    generate(request: GenerateRequest, control: {signal: AbortSignal, onText(text: string): void}): Promise<string> {
        const record = {request, aborted: false};
        this.requests.push(record);
        const chunks = this.answer(request);
        return new Promise<string>((resolve, reject) => {
            let text = "";
            let i = 0;
            const next = () => {
                if (control.signal.aborted) { record.aborted = true; reject(Object.assign(new Error("cancelled"), {name: "AbortError"})); return; }
                if (i === chunks.length) { resolve(text); return; }
                let chunk = chunks[i++];
                const stopAt = Math.min(...request.stop.map((s) => (text + chunk).indexOf(s)).filter((n) => n >= 0));
                if (Number.isFinite(stopAt)) { chunk = (text + chunk).slice(text.length, stopAt); control.onText(chunk); resolve(text + chunk); return; }
                text += chunk;
                control.onText(chunk);
                setTimeout(next, this.gapMs);
            };
            setTimeout(next, this.gapMs);
        });
    }
}

const options = {debounce: {minMs: 0, maxMs: 0}, maxTokens: 64, softDeadlineMs: 10_000, hardDeadlineMs: 20_000};
const doc = (text: string, languageId = "typescript"): CompletionDocument => {
    const offset = text.indexOf("█");
    return {path: "/w/a.ts", displayPath: "a.ts", languageId, text: text.replace("█", ""), offset, indentUnit: "    "};
};
const live = () => new AbortController().signal;
let clock = 0;
const trigger = () => ({at: (clock += 1000), explicit: false});

describe("completer", () => {
    it("shows nothing while no model is ready", async () => {
        const backend = new ScriptedBackend(() => ["x"]);
        backend.style = undefined;
        assert.equal(await new Completer(backend, options).provide(doc("a = █"), trigger(), live()), undefined);
        assert.equal(backend.requests.length, 0);
    });

    it("asks once, post-processes, and answers again from the cache and while typing into it", async () => {
        const backend = new ScriptedBackend(() => ["items", ".length;", "\nconsole.log(1);"]);
        const completer = new Completer(backend, options);
        assert.equal(await completer.provide(doc("const n = █\n"), trigger(), live()), "items.length;");
        // At the end of a line the runtime is asked to stop at a newline after text (an answer may start with one);
        // this backend, like an engine that cannot, streams on, and the Completer stops it.
        assert.deepEqual(backend.requests[0].request.stop, []);
        assert.equal(backend.requests[0].request.stopAtLineEnd, true);
        assert.equal(backend.requests[0].aborted, true, "the model went on after the line ended");
        assert.equal(await completer.provide(doc("const n = █\n"), trigger(), live()), "items.length;");
        assert.equal(await completer.provide(doc("const n = ite█\n"), trigger(), live()), "ms.length;");
        assert.equal(backend.requests.length, 1);
        assert.equal(completer.counters.cacheHits, 2);
    });

    it("asks again after the prompt style or the settings change, rather than showing the old style's answer", async () => {
        const backend = new ScriptedBackend((r) => [r.instruct ? "instructed;" : "filled;"]);
        const completer = new Completer(backend, options);
        assert.equal(await completer.provide(doc("const n = █\n"), trigger(), live()), "filled;");
        backend.style = "instruct";
        assert.equal(await completer.provide(doc("const n = █\n"), trigger(), live()), "instructed;");
        completer.configure({...options, maxTokens: 32});
        assert.equal(await completer.provide(doc("const n = █\n"), trigger(), live()), "instructed;");
        assert.equal(backend.requests.length, 3);
        assert.equal(completer.counters.cacheHits, 0);
    });

    it("keeps a single line the model starts with a newline, at the end of a line; stops at once where text follows", async () => {
        const backend = new ScriptedBackend(() => ["\n", "    return total;", "\n}", "\nmore();"]);
        const completer = new Completer(backend, options);
        const shown = await completer.provide(doc("function sum() {\n    let total = 0;█\n}\n"), trigger(), live());
        // At the end of a line the runtime is asked to stop at a newline after text (an answer may start with one);
        // this backend, like an engine that cannot, streams on, and the Completer stops it.
        assert.deepEqual(backend.requests[0].request.stop, []);
        assert.equal(backend.requests[0].request.stopAtLineEnd, true);
        assert.equal(backend.requests[0].aborted, true, "the model went on after the line ended");
        assert.equal(shown?.trim(), "return total;");
        assert.ok(shown?.startsWith("\n"), JSON.stringify(shown));
        const streamed = new ScriptedBackend(() => ["\n", "    return total;", "\n}"]);
        assert.equal(await new Completer(streamed, options).provide(doc("const n = █ + 1;\n"), trigger(), live()), undefined);
        assert.deepEqual(streamed.requests[0].request.stop, ["\n"], "a break before text that follows the cursor is no suggestion: the runtime stops there");
        assert.equal(streamed.requests[0].request.stopAtLineEnd, false);
    });

    it("cancels a superseded request through to the model at once", async () => {
        const backend = new ScriptedBackend((r) => r.prefix.endsWith("a") ? ["alpha", "beta", "gamma", "delta", "end"] : ["1;"]);
        backend.gapMs = 20;
        const completer = new Completer(backend, options);
        const vscodeToken = new AbortController();
        const first = completer.provide(doc("x = a█\n"), trigger(), vscodeToken.signal);
        await new Promise((r) => setTimeout(r, 30));
        vscodeToken.abort();
        const second = await completer.provide(doc("x = b█\n"), trigger(), live());
        assert.equal(await first, undefined);
        assert.equal(second, "1;");
        assert.equal(backend.requests[0].aborted, true);
        assert.equal(completer.counters.cancelled, 1);
    });

    it("reuses the request in flight when the keystroke types what it is producing", async () => {
        const backend = new ScriptedBackend(() => ["com", "pute", "(1", ");"]);
        backend.gapMs = 15;
        const completer = new Completer(backend, options);
        const token = new AbortController();
        const first = completer.provide(doc("x = █\n"), trigger(), token.signal);
        await new Promise((r) => setTimeout(r, 25));
        token.abort();
        const second = await completer.provide(doc("x = co█\n"), trigger(), live());
        assert.equal(await first, undefined);
        assert.equal(second, "mpute(1);");
        assert.equal(backend.requests.length, 1);
        assert.equal(backend.requests[0].aborted, false);
        assert.equal(completer.counters.reused, 1);
    });

    it("asks again when keystrokes made while nothing had streamed yet do not fit the answer", async () => {
        // A slow prompt: the whole word is typed before the first chunk, so every keystroke waits on that request.
        const backend = new ScriptedBackend((r) => r.prefix.endsWith("trim") ? ["Start", "();"] : ["items", ";"]);
        backend.gapMs = 40;
        const completer = new Completer(backend, options);
        const token = new AbortController();
        const first = completer.provide(doc("x = █\n"), trigger(), token.signal);
        await new Promise((r) => setTimeout(r, 5));
        token.abort();
        const second = await completer.provide(doc("x = trim█\n"), trigger(), live());
        assert.equal(await first, undefined);
        assert.equal(second, "Start();");
        assert.equal(completer.counters.reused, 1);
        assert.equal(backend.requests.length, 2);
        assert.ok(backend.requests[1].request.prefix.endsWith("x = trim"));
    });

    it("stops a multi-line answer once it leaves its block", async () => {
        const backend = new ScriptedBackend(() => ["\n    return a + b;", "\n}", "\n\nfunction next() {", "\n    return 0;", "\n}\n"]);
        backend.shapeAt = "multiline";
        const completer = new Completer(backend, options);
        const shown = await completer.provide(doc("function add(a, b) {█\n}\n"), trigger(), live());
        assert.equal(shown, "\n    return a + b;");
        assert.equal(backend.requests[0].aborted, true, "the model was stopped early");
        assert.deepEqual(backend.requests[0].request.stop, []);
    });

    it("shows what has streamed at the soft deadline and stops at the hard one", async () => {
        const backend = new ScriptedBackend(() => ["\n    a();", "\n    b();", ...Array.from({length: 50}, () => "\n    c();")]);
        backend.shapeAt = "multiline";
        backend.gapMs = 20;
        const completer = new Completer(backend, {...options, softDeadlineMs: 60, hardDeadlineMs: 150});
        const shown = await completer.provide(doc("function f() {█\n}\n"), trigger(), live());
        assert.ok(shown !== undefined && shown.startsWith("\n    a();"), String(shown));
        assert.ok(shown.split("\n").length < 10, "shown before the answer was done");
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(backend.requests[0].aborted, true, "the hard deadline stopped the model");
    });

    it("shows the first text worth showing when nothing had streamed by the soft deadline", async () => {
        // The prompt outlasts the soft deadline; then a long single-line answer streams.
        const backend = new ScriptedBackend(() => ["com", "pute", ...Array.from({length: 40}, (_, i) => `, v${i}`)]);
        backend.gapMs = 40;
        const completer = new Completer(backend, {...options, softDeadlineMs: 10, hardDeadlineMs: 10_000});
        const shown = await completer.provide(doc("y = █\n"), trigger(), live());
        assert.ok(shown !== undefined && shown.startsWith("com") && shown.length < 20, `shown early: ${shown}`);
        assert.equal(backend.requests[0].aborted, false, "the model goes on");
        completer.dispose();
    });

    it("uses the instruct prompt and parser for models without FIM", async () => {
        const backend = new ScriptedBackend(() => ["const n = items.length;", "\n```"]);
        backend.style = "instruct";
        const completer = new Completer(backend, options);
        assert.equal(await completer.provide(doc("    const n = █\n"), trigger(), live()), "items.length;");
        const request = backend.requests[0].request;
        assert.ok(request.instruct?.prefill.endsWith("    const n = "));
        assert.ok(request.instruct?.user.includes("export const pi"));
        assert.ok(request.stop.includes("\n```"));
    });

    it("prefetches the next suggestion after an accept, so the next Tab does not wait", async () => {
        let n = 0;
        const backend = new ScriptedBackend(() => [n++ === 0 ? "first();" : "second();"]);
        const completer = new Completer(backend, options);
        const before = doc("█\n");
        assert.equal(await completer.provide(before, trigger(), live()), "first();");
        completer.accepted(before, "first();");
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(backend.requests.length, 2);
        assert.equal(completer.counters.prefetched, 1);
        assert.equal(await completer.provide(doc("first();█\n"), trigger(), live()), "second();");
        assert.equal(backend.requests.length, 2, "answered from the prefetch");
    });
});

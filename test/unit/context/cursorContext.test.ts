// A cursor's context as the completion prompt gets it: the same text while the user types in one scope (so the
// runtime keeps its KV cache), recomputed when the cursor leaves the scope or another file changes; labels in the
// prompt language's comments; a budget that reserves the prompt's windows and the answer; cancellation that
// reaches the worker's retrieval.
import assert from "node:assert/strict";
import path from "node:path";
import {after, before, describe, it} from "mocha";
import {completionBudgetStep, completionContextBudget} from "../../../src/context/budget";
import {CancelledError, cancelFlag, isCancelled} from "../../../src/context/cancel";
import {commentLine, commentSyntax, commentSyntaxOfPath} from "../../../src/context/commentSyntax";
import type {ContextEngine} from "../../../src/context/engine";
import {CursorContextSource} from "../../../src/context/cursorContextSource";
import {HeldContexts} from "../../../src/context/heldContexts";
import {pack, promptOrder, renderContext, renderSnippetIn} from "../../../src/context/pack";
import {retrieveForCursor} from "../../../src/context/retrieveCursor";
import {estimateTokens, type TokenCounter} from "../../../src/context/tokenCount";
import type {CursorContext, CursorRequest, PackResult, Snippet} from "../../../src/context/types";
import {IndexWorkerClient} from "../../../src/context/worker/client";
import {copyFixture, defaultOptions, indexedEngine, positionAfter, type Workspace} from "./fixture";

/** One token per character: budgets exact. */
const charCounter: TokenCounter = {count: (t) => t.length, exact: true};

describe("context: the cursor's context across keystrokes", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => {
        ws = copyFixture();
        // A long function, so that the prompt's window starts inside it.
        const body = Array.from({length: 150}, (_, i) => `    total += area({kind: "square", size: ${i}});`).join("\n");
        ws.write("ts/src/long.ts", `import {area} from "./geometry";\nimport * as util from "./util";\n\nexport function sumAll(): number {\n    let total = 0;\n${body}\n    return util.clamp(total, 0, 1e9);\n}\n\nexport function other(): number {\n    return 1;\n}\n`);
        engine = await indexedEngine(ws);
    });
    after(() => ws.remove());

    const rel = "ts/src/main.ts";
    const ask = (text: string, needle: string, extra: Partial<CursorRequest> = {}): Promise<CursorContext> => {
        const at = positionAfter(text, needle);
        return engine.cursorContext({path: ws.file(rel), text, ...at, budgetTokens: 2048, pack: true, window: {startLine: 0, endLine: at.line + 40}, ...extra});
    };

    it("gives the same context, the same object, for every keystroke inside one function", async () => {
        const original = ws.read(rel);
        const first = await ask(original, "total += ");
        const keystrokes = ["a", "ar", "are", "area(sh", "area(shape);\n        total += "];
        const typed = keystrokes.map((t) => original.replace("total += area(shape);", `total += ${t}area(shape);`));
        for (const [i, text] of typed.entries()) {
            const next = await ask(text, `total += ${keystrokes[i]}`);
            assert.equal(next.key, first.key, "same scope, same key");
            assert.equal(next.packed, first.packed, "the very same pack");
        }
        assert.ok(first.packed!.snippets.length > 0);
        assert.equal(renderContext(first.packed!), renderContext((await ask(typed[2], "total += a")).packed!));
        assert.deepEqual(first.scope, {startLine: 3, endLine: 9});
    });

    it("does no retrieval when the caller already holds the key", async () => {
        const text = ws.read(rel);
        const first = await ask(text, "total += ");
        const again = await ask(text, "total += ", {knownKey: first.key});
        assert.equal(again.key, first.key);
        assert.equal(again.packed, undefined);
        assert.equal(again.ranked, undefined);
    });

    it("recomputes when the cursor leaves its scope", async () => {
        const text = ws.read(rel);
        const inTotal = await ask(text, "total += ");
        const inCircle = await ask(text, "return new ");
        assert.notEqual(inCircle.key, inTotal.key);
        assert.deepEqual(inCircle.scope, {startLine: 11, endLine: 13});
    });

    it("recomputes when another file of the index changes, and shows what changed", async () => {
        const text = ws.read(rel);
        const before = await ask(text, "total += ");
        ws.write("ts/src/util/index.ts", `${ws.read("ts/src/util/index.ts")}\nexport function lerp(a: number, b: number, t: number): number {\n    return a + (b - a) * t;\n}\n`);
        await engine.updateFile(ws.file("ts/src/util/index.ts"));
        const after = await ask(text, "total += ");
        assert.notEqual(after.key, before.key);
        assert.ok(!before.packed!.snippets.some((s) => s.symbol === "lerp"));
        assert.ok(after.packed!.snippets.some((s) => s.symbol === "lerp"), after.packed!.snippets.map((s) => s.label).join(", "));
    });

    it("leaves out what the prompt's window shows; the scope keeps only its lines above the window", async () => {
        const file = "ts/src/long.ts";
        const text = ws.read(file);
        const lines = text.split("\n");
        const line = 120;
        const result = await engine.cursorContext({
            path: ws.file(file), text, line, column: 4, budgetTokens: 8192, pack: true, window: {startLine: 96, endLine: 160}
        });
        const own = result.packed!.snippets.filter((s) => s.path === ws.file(file));
        const scope = own.find((s) => s.source === "scope")!;
        assert.equal(scope.startLine, 3, "from the function's signature");
        assert.ok(scope.endLine <= 95, `scope ends at ${scope.endLine}`);
        assert.ok(own.every((s) => s.endLine < 96 || s.startLine > 160), own.map((s) => s.label).join(", "));
        assert.ok(lines[scope.startLine].startsWith("export function sumAll"));
    });

    it("adds the language server's definitions, only from files the policy allows", async () => {
        ws.write(".env", "API_TOKEN=abc123\n");
        ws.write("ts/src/.hearthignore", "hidden.ts\n");
        ws.write("ts/src/hidden.ts", "export function hidden(): number {\n    return 1;\n}\n");
        await engine.indexFolders([ws.root]);
        const text = ws.read(rel);
        const result = await engine.cursorContext({
            path: ws.file(rel), text, ...positionAfter(text, "total += "), budgetTokens: 4096, pack: true,
            definitionHints: [
                {path: ws.file("ts/src/geometry.ts"), line: 14, kind: "typeDefinition"},
                {path: ws.file(".env"), line: 0, kind: "definition"},
                {path: ws.file("ts/src/hidden.ts"), line: 0, kind: "definition"},
                {path: "/etc/hosts", line: 0, kind: "definition"}
            ]
        });
        const fromServer = result.packed!.snippets.filter((s) => s.source === "languageServer");
        assert.deepEqual(fromServer.map((s) => s.label), ["ts/src/geometry.ts:15-22"]);
        assert.ok(result.packed!.snippets.every((s) => !s.path.endsWith(".env") && !s.path.endsWith("hidden.ts") && s.path !== "/etc/hosts"));
    });

    it("renders in a stable order, by path and line, whatever the scores", () => {
        const snippets: Snippet[] = [
            {path: "/w/b.ts", startLine: 5, endLine: 6, text: "b2\nb2", score: 90, source: "definition"},
            {path: "/w/a.ts", startLine: 9, endLine: 9, text: "a9", score: 10, source: "imported"},
            {path: "/w/b.ts", startLine: 1, endLine: 1, text: "b1", score: 50, source: "used"},
            {path: "/w/a.ts", startLine: 2, endLine: 2, text: "a2", score: 70, source: "sameModule"}
        ];
        const display = (p: string): string => path.posix.basename(p);
        const one = pack(snippets, {budgetTokens: 1000, displayPath: display});
        const other = pack(snippets.map((s, i) => ({...s, score: 100 - s.score + i})), {budgetTokens: 1000, displayPath: display});
        assert.deepEqual(promptOrder(one.snippets).map((s) => s.label), ["a.ts:3-3", "a.ts:10-10", "b.ts:2-2", "b.ts:6-7"]);
        assert.equal(renderContext(one), renderContext(other));
        assert.equal(renderContext(one), "// a.ts:3-3\na2\n// a.ts:10-10\na9\n// b.ts:2-2\nb1\n// b.ts:6-7\nb2\nb2\n");
    });

    it("labels snippets in the prompt language's comment syntax, and counts the labels as rendered", async () => {
        const text = ws.read("py/app.py");
        const result = await engine.cursorContext({
            path: ws.file("py/app.py"), text, ...positionAfter(text, "tax = "), budgetTokens: 2048, pack: true, languageId: "python"
        });
        const hash = commentSyntax("python");
        const rendered = renderContext(result.packed!, hash);
        const labelLines = rendered.split("\n").filter((l) => /^\S+:\d+-\d+/.test(l.replace(/^(# |\/\/ )/, "")) && /:\d+-\d+$/.test(l));
        assert.ok(labelLines.length > 0 && labelLines.every((l) => l.startsWith("# ")), rendered);
        for (const s of result.packed!.snippets) assert.equal(s.tokens, estimateTokens(renderSnippetIn(s, hash)));
    });
});

describe("context: comment syntax of labels", () => {
    it("knows each language's line comment, and a block comment where there is none", () => {
        for (const id of ["python", "ruby", "shellscript", "bash", "yaml", "perl", "r", "dockerfile", "makefile", "powershell"]) assert.equal(commentSyntax(id).open, "# ", id);
        for (const id of ["sql", "lua", "haskell"]) assert.equal(commentSyntax(id).open, "-- ", id);
        for (const id of ["typescript", "javascript", "go", "rust", "java", "c", "cpp", "csharp", "php", "swift", "kotlin", "unknown-language", undefined]) {
            assert.deepEqual(commentSyntax(id), {open: "// ", close: ""}, String(id));
        }
        assert.equal(commentLine("a.html:1-2", commentSyntax("html")), "<!-- a.html:1-2 -->");
        assert.equal(commentLine("a.css:1-2", commentSyntax("css")), "/* a.css:1-2 */");
        assert.equal(commentLine("x:1-1", commentSyntax("clojure")), ";; x:1-1");
        assert.equal(commentSyntaxOfPath("/w/py/app.py").open, "# ");
        assert.equal(commentSyntaxOfPath("/w/Makefile").open, "# ");
        assert.equal(commentSyntaxOfPath("/w/db/schema.sql").open, "-- ");
        assert.equal(commentSyntaxOfPath("/w/src/main.ts").open, "// ");
    });

    it("packs with the comment syntax's labels counted exactly", () => {
        const snippets: Snippet[] = [{path: "/w/a.py", startLine: 0, endLine: 1, text: "def f():\n    pass", score: 1, source: "definition"}];
        const result = pack(snippets, {budgetTokens: 1000, counter: charCounter, comment: commentSyntax("html")});
        assert.equal(result.snippets[0].tokens, "<!-- /w/a.py:1-2 -->\ndef f():\n    pass\n".length);
    });
});

describe("context: a completion's context budget", () => {
    const inputs = {settingTokens: 4096, answerTokens: 128, count: (t: string) => t.length};

    it("is the setting when the model's context has room for it", () => {
        assert.equal(completionContextBudget({...inputs, modelContextTokens: 131072, prefix: "x".repeat(5000), suffix: "y".repeat(1000)}), 4096);
        assert.equal(completionContextBudget({...inputs, modelContextTokens: 0, prefix: "x".repeat(5000), suffix: ""}), 4096);
    });

    it("reserves the prefix window, the suffix window, the prompt's own text and the answer", () => {
        const budget = completionContextBudget({...inputs, modelContextTokens: 8192, prefix: "x".repeat(3000), suffix: "y".repeat(1000)});
        const room = 8192 - 128 - 3000 - 1000;
        assert.ok(budget < room && budget > room - 160 - completionBudgetStep, `budget ${budget}, room ${room}`);
        assert.equal(budget % completionBudgetStep, 0);
        assert.equal(completionContextBudget({...inputs, modelContextTokens: 4096, prefix: "x".repeat(4000), suffix: ""}), 0);
    });

    it("stays the same while the user types (it moves in steps)", () => {
        const at = (prefixLength: number): number =>
            completionContextBudget({...inputs, modelContextTokens: 8192, prefix: "x".repeat(prefixLength), suffix: "y".repeat(1000)});
        const budgets = new Set(Array.from({length: 20}, (_, i) => at(3000 + i)));
        assert.equal(budgets.size, 1, `one keystroke after another: ${[...budgets]}`);
    });
});

describe("context: a superseded request stops its retrieval", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    it("sets the shared flag when the signal aborts", () => {
        const controller = new AbortController();
        const flag = cancelFlag(controller.signal);
        assert.equal(isCancelled(flag), false);
        controller.abort();
        assert.equal(isCancelled(flag), true);
        assert.equal(isCancelled(cancelFlag(AbortSignal.abort())), true);
        assert.equal(cancelFlag(undefined), undefined);
    });

    it("stops at the next check: the sources left are skipped and the running one ends", async () => {
        const text = ws.read("ts/src/main.ts");
        const request: CursorRequest = {path: ws.file("ts/src/main.ts"), text, ...positionAfter(text, "total += "), budgetTokens: 4096, timeBudgetMs: 5000};
        await engine.rankForCursor(request); // syncs the document
        const full = retrieveForCursor(engine.indexer, request);
        let checks = 0;
        const cut = retrieveForCursor(engine.indexer, request, {cancelled: () => ++checks > 2});
        assert.ok(cut.length < full.length / 2, `${cut.length} of ${full.length} snippets after cancelling`);
        assert.ok(checks < 15, `${checks} checks`);
    });

    it("a cancelled request rejects, in process and through the worker, and the next one is answered", async () => {
        const text = ws.read("go/main.go");
        const request: CursorRequest = {path: ws.file("go/main.go"), text, ...positionAfter(text, "geo."), budgetTokens: 1024, pack: true};
        await assert.rejects(engine.cursorContext({...request, cancel: cancelFlag(AbortSignal.abort())}), CancelledError);
        const client = await IndexWorkerClient.start({...defaultOptions, parseHelpers: 0}, {workerFile: path.resolve(__dirname, "../../../src/context/worker/main.ts")});
        try {
            await client.indexFolders([ws.root]);
            const controller = new AbortController();
            const pending = client.call("cursorContext", {...request, cancel: cancelFlag(controller.signal)});
            controller.abort();
            await assert.rejects(pending, /cancelled/);
            const answered: CursorContext = await client.call("cursorContext", request);
            assert.ok(answered.packed!.snippets.some((s) => s.symbol === "Distance"), answered.packed!.snippets.map((s) => s.label).join(", "));
        } finally {
            await client.dispose();
        }
    });
});

describe("context: contexts held by the adapter", () => {
    const packed: PackResult = {snippets: [], usedTokens: 0, budgetTokens: 10, dropped: 0};

    it("guesses the cursor is still in scope while lines are typed into it, and hands back the same pack", () => {
        const held = new HeldContexts();
        held.set("/w/a.ts", {key: "k", packed, scope: {startLine: 10, endLine: 20}, lineCount: 100, hints: []});
        assert.equal(held.likelyInScope("/w/a.ts", 15, 100), true);
        assert.equal(held.likelyInScope("/w/a.ts", 22, 103), true, "three lines typed in the scope");
        assert.equal(held.likelyInScope("/w/a.ts", 30, 100), false);
        assert.equal(held.likelyInScope("/w/b.ts", 15, 100), false);
        assert.equal(held.confirm("/w/a.ts", {startLine: 10, endLine: 23}, 103), packed);
        assert.equal(held.likelyInScope("/w/a.ts", 23, 103), true);
    });
});

describe("context: the completion side's cursor contexts (CursorContextSource over the real engine)", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    it("asks the language server and retrieves once per scope; in the scope the worker only checks the key and the pack is the same", async () => {
        const asked: CursorRequest[] = [];
        let hintCalls = 0;
        const source = new CursorContextSource({
            ask: async (request) => { asked.push(request); return engine.cursorContext(request); },
            packer: () => undefined
        });
        const rel = "ts/src/main.ts";
        const original = ws.read(rel);
        const at = (text: string, needle: string) => source.contextFor({
            request: {path: ws.file(rel), text, ...positionAfter(text, needle), budgetTokens: 2048, languageId: "typescript"},
            lineCount: text.split("\n").length,
            hints: async () => { hintCalls++; return []; }
        });
        const first = await at(original, "total += ");
        assert.ok(first.snippets.length > 0);
        const typed = original.replace("total += area(shape);", "total += ar area(shape);");
        assert.equal(await at(typed, "total += ar"), first, "the very same pack while typing in the scope");
        assert.equal(asked[0].knownKey, undefined);
        assert.ok(asked[1].knownKey, "the second keystroke sent the key it holds");
        assert.equal(hintCalls, 1, "the language server was asked once for the scope");
        const elsewhere = await at(original, "return new ");
        assert.notEqual(elsewhere, first);
        assert.equal(hintCalls, 2, "leaving the scope asks again");
        assert.equal(asked.every((r) => r.pack === true), true, "with no model tokenizer the worker packs");
    });
});

describe("context: a document the cursor is in keeps its syntax tree", function () {
    this.timeout(120000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    it("keeps the tree of an unchanged document once a completion asks for its context, not for a question", async () => {
        const rel = "ts/src/main.ts";
        const text = ws.read(rel);
        await engine.rankForQuestion({question: "what is total?", current: {path: ws.file(rel), text, line: 0}, openEditors: [], budgetTokens: 2048});
        assert.equal(engine.indexer.hasLiveTree(ws.file(rel)), false, "a question over the file parses nothing more");
        // Pre-warming asks with the text as it is on disk: nothing changed, but the first keystroke will.
        await engine.cursorContext({path: ws.file(rel), text, ...positionAfter(text, "total += "), budgetTokens: 2048, pack: true});
        assert.equal(engine.indexer.hasLiveTree(ws.file(rel)), true);
        const typed = text.replace("total += area(shape);", "total += a area(shape);");
        const next = await engine.cursorContext({path: ws.file(rel), text: typed, ...positionAfter(typed, "total += a"), budgetTokens: 2048, pack: true});
        assert.ok(next.packed && next.packed.snippets.length > 0, "the incrementally parsed document still gets its context");
    });
});

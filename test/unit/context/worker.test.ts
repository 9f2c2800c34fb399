// The index worker thread, as the extension runs it: indexing with progress, retrieval answered over messages,
// the persisted index reused by a second worker, and the bundled script (dist/) when it has been built.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {after, before, describe, it} from "mocha";
import type {IndexProgress} from "../../../src/context/types";
import {contentHash} from "../../../src/context/analyzeFile";
import {runFileJob} from "../../../src/context/fileJob";
import {languageOf} from "../../../src/context/languages";
import {GrammarSet} from "../../../src/context/parser";
import {IndexWorkerClient} from "../../../src/context/worker/client";
import {ParsePool} from "../../../src/context/worker/parsePool";
import {copyFixture, defaultOptions, positionAfter, type Workspace} from "./fixture";

describe("context: index worker", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    let ws: Workspace;
    let storageDir: string;
    before(() => { ws = copyFixture(); storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-worker-store-")); });
    after(() => { ws.remove(); fs.rmSync(storageDir, {recursive: true, force: true}); });

    let run = 0;
    const exercise = async (workerFile?: string): Promise<void> => {
        run++;
        const progress: IndexProgress[] = [];
        const client = await IndexWorkerClient.start({...defaultOptions, storageDir, parseHelpers: 1}, {workerFile, onProgress: (p) => progress.push(p)});
        try {
            const stats = await client.indexFolders([ws.root]);
            assert.ok(stats.files >= 30, `indexed ${stats.files} files`);
            assert.ok(progress.at(-1)?.finished, "progress ends finished");
            const text = ws.read("go/main.go");
            const result = await client.call("contextForCursor", {path: ws.file("go/main.go"), text, ...positionAfter(text, "geo.Distance("), budgetTokens: 1024});
            assert.ok(result.snippets.some((s) => s.label === "go/geo/geo.go:17-19" && s.source === "definition"), result.snippets.map((s) => s.label).join(", "));

            ws.write(`sh/extra${run}.sh`, `deploy_all${run}() {\n    echo deploying\n}\n`);
            assert.equal(await client.call("updateFile", ws.file(`sh/extra${run}.sh`)), "indexed");
            const question = await client.call("contextForQuestion", {question: `what does deploy_all${run} do?`, budgetTokens: 1024});
            assert.ok(question.snippets.some((s) => s.path === ws.file(`sh/extra${run}.sh`)));
            // The completion's tree shape is answered here too, and follows the document as it is typed into.
            const body = "def area(r):\n";
            assert.equal(await client.call("shapeAt", {path: ws.file("py/typed.py"), languageId: "python", text: body, offset: body.indexOf("\n")}), "multiline");
            const call = "def area(r):\n    return compute(r, \n";
            assert.equal(await client.call("shapeAt", {path: ws.file("py/typed.py"), languageId: "python", text: call, offset: call.indexOf(", ") + 2}), "singleLine");
            // The refactors' syntax questions are answered here as well: the extension host parses nothing.
            const geometry = ws.read("ts/src/geometry.ts");
            const cursor = geometry.indexOf("TAU * this.size");
            const target = await client.call("refactorTarget", {path: ws.file("ts/src/geometry.ts"), text: geometry, start: cursor, end: cursor});
            assert.deepEqual([target?.kind, target?.name], ["method", "circumference"]);
            const {names} = await client.call("refactorNames", {path: ws.file("ts/src/geometry.ts"), text: geometry, start: target!.start, end: target!.end});
            assert.ok(names.used.includes("TAU"), names.used.join(", "));
            const method = geometry.slice(target!.start, target!.end);
            assert.equal(await client.call("codeChange", {language: "typescript", before: method, after: `/** The distance around. */\n${method}`}), undefined);
            assert.match((await client.call("codeChange", {language: "typescript", before: method, after: method.replace("TAU", "Math.PI")}))!, /Math/);
            await client.call("save");
        } finally {
            await client.dispose();
        }
    };

    it("indexes off the main thread and answers cursor and question requests (from source)", async () => {
        await exercise(path.resolve(__dirname, "../../../src/context/worker/main.ts"));
    });

    it("a restarted worker reuses the persisted index", async () => {
        const client = await IndexWorkerClient.start({...defaultOptions, storageDir});
        try {
            const stats = await client.indexFolders([ws.root]);
            assert.equal(stats.reparsed, 0);
            assert.equal(stats.reused, stats.files);
        } finally {
            await client.dispose();
        }
    });

    it("the bundled worker (dist/context-worker.js) finds its grammars in dist/grammars", async function () {
        const bundled = path.resolve(__dirname, "../../../dist/context-worker.js");
        if (!fs.existsSync(bundled) || !fs.existsSync(path.resolve(__dirname, "../../../dist/grammars/tree-sitter.wasm"))) {
            console.log("    dist/ is not built (node esbuild.mjs)");
            this.skip();
        }
        await exercise(bundled);
    });

    it("a parse helper thread analyses a file exactly as the indexing thread does", async () => {
        const pool = new ParsePool(1);
        try {
            const grammars = await GrammarSet.create();
            for (const rel of ["cpp/matrix.cpp", "py/pricing/tax.py", "README.md"]) {
                const job = {path: ws.file(rel), language: languageOf(rel)!};
                const remote = pool.tryRun(job);
                assert.ok(remote, "an idle helper takes the job");
                const [there, here] = await Promise.all([remote, runFileJob(grammars, job, false)]);
                assert.deepEqual(there, here);
                assert.equal(there.kind, "analyzed");
            }
            const unchanged = await pool.tryRun({path: ws.file("go/main.go"), language: "go", knownHash: contentHash(ws.read("go/main.go"))});
            assert.equal(unchanged?.kind, "unchanged", "a known hash is not parsed again");
        } finally {
            await pool.dispose();
        }
    });

    it("a request to a stopped worker fails with a clear message", async () => {
        const client = await IndexWorkerClient.start(defaultOptions);
        await client.dispose();
        await assert.rejects(client.call("save"), /index worker was disposed/);
    });
});

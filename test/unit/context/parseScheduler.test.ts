// Bulk parsing across threads (parseScheduler.ts, parsePool.ts): with real parse helper threads the index is the
// one a single thread builds, in the same order; each grammar of a small run is compiled by one thread; a helper
// that stops mid-run loses nothing; and grammars compiled in a thread stay for its next index.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {after, before, describe, it} from "mocha";
import {runFileJob, type FileJob, type FileJobResult} from "../../../src/context/fileJob";
import {Indexer, parseHelpersFor} from "../../../src/context/indexer";
import {isParsedLanguage, languageOf} from "../../../src/context/languages";
import {GrammarSet} from "../../../src/context/parser";
import {runScheduled, type ScheduledJob} from "../../../src/context/parseScheduler";
import {ParsePool, type ParseLane} from "../../../src/context/worker/parsePool";
import {copyFixture, defaultOptions, type Workspace} from "./fixture";

/** Every indexable file of the workspace, as bulk-indexing jobs in path order. */
function jobsOf(ws: Workspace): ScheduledJob[] {
    const files = (fs.readdirSync(ws.root, {recursive: true}) as string[]).map((rel) => rel.split(path.sep).join("/")).sort();
    return files.flatMap((rel) => {
        const language = languageOf(rel);
        const stat = fs.statSync(ws.file(rel));
        return language && stat.isFile() ? [{job: {path: ws.file(rel), language}, bytes: stat.size}] : [];
    });
}

function localLane(grammars: GrammarSet): ParseLane {
    return {languages: new Set(), isReady: () => true, queued: () => 0, run: (job: FileJob) => runFileJob(grammars, job, false)};
}

const noPause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("context: parsing on several threads", function () {
    // Real parsing in worker threads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    let ws: Workspace;
    let grammars: GrammarSet;
    before(async () => { ws = copyFixture(); grammars = await GrammarSet.create(); });
    after(() => ws.remove());

    it("delivers every result in job order, as one thread computes it, with each grammar compiled by one thread", async () => {
        const jobs = jobsOf(ws);
        const alone: FileJobResult[] = [];
        for (const {job} of jobs) alone.push(await runFileJob(grammars, job, false));

        const pool = new ParsePool(1);
        try {
            await pool.whenReady(); // a helper still starting gets no work, and this test is about sharing it
            const local = localLane(grammars);
            const order: number[] = [];
            const results: FileJobResult[] = [];
            await runScheduled(jobs, {
                local, helpers: pool.lanes, grammarBytes: (language) => isParsedLanguage(language) ? grammars.wasmBytes(language) : 0,
                deliver: (index, result) => { order.push(index); results.push(result); }, pause: noPause
            });
            assert.deepEqual(order, jobs.map((_, i) => i));
            assert.deepEqual(results, alone);
            const [helper] = pool.lanes;
            const compiledThere = [...helper.languages].filter(isParsedLanguage);
            const compiledHere = [...local.languages].filter(isParsedLanguage);
            assert.ok(compiledThere.length > 0 && compiledHere.length > 0, `both threads parse (here: ${compiledHere}, there: ${compiledThere})`);
            assert.deepEqual(compiledThere.filter((l) => local.languages.has(l)), [], "no grammar compiled twice");
        } finally {
            await pool.dispose();
        }
    });

    it("parses the jobs of a helper that stops mid-run on the indexing thread", async () => {
        const jobs = jobsOf(ws);
        const pool = new ParsePool(1);
        await pool.whenReady();
        const [helper] = pool.lanes;
        let sent = 0;
        // The helper thread is stopped once it holds its second job: that job and every later one are done here.
        const stopping: ParseLane = {
            languages: helper.languages, isReady: () => helper.isReady(), queued: () => helper.queued(),
            run: (job) => { const result = helper.run(job); if (++sent === 2) void pool.dispose(); return result; }
        };
        const results: FileJobResult[] = [];
        await runScheduled(jobs, {
            local: localLane(grammars), helpers: [stopping], grammarBytes: (language) => isParsedLanguage(language) ? grammars.wasmBytes(language) : 0,
            deliver: (_, result) => results.push(result), pause: noPause
        });
        assert.equal(results.length, jobs.length);
        assert.ok(sent >= 2, "the helper was given work before it stopped");
        for (const [i, {job}] of jobs.entries()) assert.deepEqual(results[i], await runFileJob(grammars, job, false), job.path);
    });

    it("an indexer with parse helpers builds the index a single thread builds, in the same order", async () => {
        // Enough source for helpers (parseHelpersFor), in four languages and plain text, calling each other.
        const big = copyFixture();
        try {
            // Each code file carries a few kilobytes of functions of its own, so the whole is over a megabyte.
            const filler = (make: (k: number) => string): string => Array.from({length: 64}, (_, k) => make(k)).join("");
            for (let i = 0; i < 90; i++) {
                big.write(`gen/ts/m${i}.ts`, `import {py${i}} from "./n${i}";\nexport function ts${i}(x: number): number {\n    return ts${(i + 1) % 90}(x) + ${i};\n}\n`
                    + filler((k) => `function tsLocal${i}_${k}(value: number): number {\n    return value * ${k} + ${i};\n}\n`));
                big.write(`gen/py/m${i}.py`, `from .n${i} import ts${i}\n\ndef py${i}(x):\n    return py${(i + 7) % 90}(x) * ${i}\n`
                    + filler((k) => `\ndef py_local_${i}_${k}(value):\n    return value * ${k} + ${i}\n`));
                big.write(`gen/go/m${i}.go`, `package gen\n\nfunc Go${i}(x int) int {\n\treturn Go${(i + 3) % 90}(x) - ${i}\n}\n`
                    + filler((k) => `\nfunc goLocal${i}_${k}(value int) int {\n\treturn value*${k} + ${i}\n}\n`));
                big.write(`gen/sh/m${i}.sh`, `run_${i}() {\n    run_${(i + 5) % 90} "$@"\n}\n`);
                big.write(`gen/doc/m${i}.md`, `# Module ${i}\n\nSee ts${i}, py${i} and Go${i}.\n`);
            }
            const options = {...defaultOptions, parseHelpers: 1};
            const single = new Indexer(grammars, {...options, parseHelpers: 0});
            const helped = new Indexer(grammars, options);
            const [one, two] = [await single.indexFolders([big.root]), await helped.indexFolders([big.root])];
            const bytes = [...single.index.allFiles()].reduce((sum, file) => sum + file.size, 0);
            assert.equal(parseHelpersFor(bytes, options), 1, `${bytes} bytes to parse start a helper`);
            assert.deepEqual(two, one);
            assert.deepEqual([...helped.index.allFiles()], [...single.index.allFiles()]);
            for (const file of single.index.allFiles()) {
                for (const def of file.symbols.definitions) assert.deepEqual(helped.index.definitionsNamed(def.name), single.index.definitionsNamed(def.name));
            }
        } finally {
            big.remove();
        }
    });

    it("keeps a thread's compiled grammars for its next index", async () => {
        const again = await GrammarSet.create();
        assert.equal(again, grammars, "one grammar set per thread and wasm folder");
        assert.ok(grammars.languages().includes("go"), "the go grammar compiled above is still loaded");
    });
});

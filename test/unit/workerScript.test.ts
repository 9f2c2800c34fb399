import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {once} from "node:events";
import {startWorker} from "../../src/workerScript";

// Mocha runs with `--import=tsx`: the parent's Node options are what a bundled thread must not inherit.
describe("startWorker", () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-worker-")); });
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    async function answer(file: string): Promise<unknown> {
        const worker = startWorker(file, {workerData: "hello"});
        try {
            const [message] = await once(worker, "message") as [unknown];
            return message;
        } finally {
            await worker.terminate();
        }
    }

    it("starts a bundle without the parent's Node options", async () => {
        assert.ok(process.execArgv.some((arg) => arg.includes("tsx")), "the test runner itself runs with tsx");
        const file = path.join(dir, "bundle.js");
        fs.writeFileSync(file, `const {parentPort, workerData} = require("node:worker_threads");
parentPort.postMessage({execArgv: process.execArgv, data: workerData});`);
        assert.deepEqual(await answer(file), {execArgv: [], data: "hello"});
    });

    it("loads a TypeScript entry through tsx, with its worker data", async () => {
        const file = path.join(dir, "entry.ts");
        fs.writeFileSync(file, `import {parentPort, workerData} from "node:worker_threads";
const typed: string = workerData;
parentPort!.postMessage({data: typed});`);
        assert.deepEqual(await answer(file), {data: "hello"});
    });
});

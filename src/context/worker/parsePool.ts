// Parse helper threads for the first indexing of a workspace. The indexer hands a job to a helper with room,
// and parses in its own thread while all helpers are busy; helpers stop when indexing ends.
import path from "node:path";
import {Worker} from "node:worker_threads";
import type {FileJob, FileJobResult} from "../fileJob";
import {workerScript} from "../../workerScript";

/** Jobs queued per helper, so a helper never waits for the next one. */
const depth = 2;

export class ParsePool {
    private readonly helpers: Array<{worker: Worker, inFlight: number}> = [];
    private readonly pending = new Map<number, {resolve: (r: FileJobResult) => void, reject: (e: Error) => void, helper: {inFlight: number}}>();
    private nextId = 1;

    constructor(count: number, wasmDir?: string) {
        const file = helperFile();
        for (let i = 0; i < count; i++) {
            const worker = file.endsWith(".ts")
                ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, {eval: true, workerData: {wasmDir}})
                : new Worker(file, {workerData: {wasmDir}});
            const helper = {worker, inFlight: 0};
            worker.on("message", ({id, result, error}: {id: number, result?: FileJobResult, error?: string}) => {
                const job = this.pending.get(id);
                if (!job) return;
                this.pending.delete(id);
                job.helper.inFlight--;
                if (error !== undefined) job.reject(new Error(error)); else job.resolve(result!);
            });
            worker.on("error", (error) => this.failAll(helper, error));
            this.helpers.push(helper);
        }
    }

    /** A job for a helper with room, or undefined when every helper is busy (the caller parses it itself). */
    tryRun(job: FileJob): Promise<FileJobResult> | undefined {
        const helper = this.helpers.find((h) => h.inFlight < depth);
        if (!helper) return undefined;
        helper.inFlight++;
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, {resolve, reject, helper});
            helper.worker.postMessage({id, job});
        });
    }

    async dispose(): Promise<void> {
        await Promise.all(this.helpers.map((h) => h.worker.terminate()));
    }

    private failAll(helper: {inFlight: number}, error: Error): void {
        for (const [id, job] of this.pending) {
            if (job.helper !== helper) continue;
            this.pending.delete(id);
            job.reject(new Error(`Hearth parse helper crashed: ${error.message}`));
        }
        helper.inFlight = depth; // never used again
    }
}

function helperFile(): string {
    return workerScript(path.dirname(__filename), "context-parser.js", "parseHelper.ts", "parse helper");
}

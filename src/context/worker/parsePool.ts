// Parse helper threads for bulk indexing. Each helper is a lane that the indexer's scheduler hands jobs to;
// a helper remembers which grammars it has been given work in, since it compiles each of them itself.
import path from "node:path";
import type {Worker} from "node:worker_threads";
import type {FileJob, FileJobResult} from "../fileJob";
import {startWorker, workerScript} from "../../workerScript";

/** Jobs `tryRun` queues per helper, so a helper never waits for the next one. */
const depth = 2;

/** Jobs queued per helper at most: the scheduler queues by bytes, to keep a helper busy through a long parse here. */
const maxQueued = 64;

/** A thread that parses file jobs: a helper here, or the indexing thread itself (see parseScheduler.ts). */
export interface ParseLane {
    /** Languages whose grammar this lane has compiled or been given a job in. */
    readonly languages: Set<string>;
    /** Whether it takes jobs now: a helper still starting, or one that crashed, does not. */
    isReady(): boolean;
    /** Jobs it was given and has not answered yet. */
    queued(): number;
    run(job: FileJob): Promise<FileJobResult>;
}

class Helper implements ParseLane {
    readonly languages = new Set<string>();
    inFlight = 0;
    broken = false;
    /** Its tree-sitter runtime is up: a helper still starting would hold jobs the indexing thread could parse. */
    private ready = false;
    private resolveStarted!: () => void;
    readonly started = new Promise<void>((resolve) => { this.resolveStarted = resolve; });

    constructor(readonly worker: Worker, private readonly send: (helper: Helper, job: FileJob) => Promise<FileJobResult>) {}

    markReady(): void {
        this.ready = true;
        this.resolveStarted();
    }

    isReady(): boolean {
        return this.ready && !this.broken;
    }

    queued(): number {
        return this.inFlight;
    }

    canQueue(limit: number): boolean {
        return !this.broken && this.inFlight < limit;
    }

    run(job: FileJob): Promise<FileJobResult> {
        this.languages.add(job.language);
        return this.send(this, job);
    }
}

export class ParsePool {
    private readonly helpers: Helper[] = [];
    private readonly pending = new Map<number, {resolve: (r: FileJobResult) => void, reject: (e: Error) => void, helper: Helper}>();
    private nextId = 1;

    constructor(count: number, wasmDir?: string) {
        const file = helperFile();
        for (let i = 0; i < count; i++) {
            const worker = startWorker(file, {workerData: {wasmDir}});
            const helper = new Helper(worker, (h, job) => this.send(h, job));
            worker.on("message", ({id, result, error, ready}: {id: number, result?: FileJobResult, error?: string, ready?: true}) => {
                if (ready) { helper.markReady(); return; }
                const job = this.pending.get(id);
                if (!job) return;
                this.pending.delete(id);
                job.helper.inFlight--;
                if (error !== undefined) job.reject(new Error(error)); else job.resolve(result!);
            });
            worker.on("error", (error) => this.failAll(helper, error));
            worker.on("exit", (code) => this.failAll(helper, new Error(`it stopped (exit code ${code})`)));
            this.helpers.push(helper);
        }
    }

    /** Resolves once every helper that has not crashed can parse. */
    async whenReady(): Promise<void> {
        await Promise.all(this.helpers.map((h) => Promise.race([h.started, new Promise<void>((resolve) => h.worker.once("exit", () => resolve()))])));
    }

    /** The helpers, for the scheduler. */
    get lanes(): readonly ParseLane[] {
        return this.helpers;
    }

    /**
     * A job for a helper with room, started or not (one that already has the job's grammar first), or undefined
     * when every helper is busy (the caller parses it itself).
     */
    tryRun(job: FileJob): Promise<FileJobResult> | undefined {
        const free = this.helpers.filter((h) => h.canQueue(depth));
        const helper = free.find((h) => h.languages.has(job.language)) ?? free[0];
        return helper?.run(job);
    }

    async dispose(): Promise<void> {
        await Promise.all(this.helpers.map((h) => h.worker.terminate()));
    }

    private send(helper: Helper, job: FileJob): Promise<FileJobResult> {
        if (!helper.canQueue(maxQueued)) return Promise.reject(new Error("Hearth parse helper has no room for another job"));
        helper.inFlight++;
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, {resolve, reject, helper});
            helper.worker.postMessage({id, job});
        });
    }

    private failAll(helper: Helper, error: Error): void {
        helper.broken = true; // never used again, and its grammars are no longer anyone's
        helper.languages.clear();
        for (const [id, job] of this.pending) {
            if (job.helper !== helper) continue;
            this.pending.delete(id);
            job.reject(new Error(`Hearth parse helper crashed: ${error.message}`));
        }
    }
}

function helperFile(): string {
    return workerScript(path.dirname(__filename), "context-parser.js", "parseHelper.ts", "parse helper");
}

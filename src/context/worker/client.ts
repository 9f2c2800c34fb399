// The extension host's side of the index worker: starts the thread, sends typed requests, and turns replies
// back into promises. Imports no vscode, so tests and benchmarks use it as the extension does.
import path from "node:path";
import type {Worker} from "node:worker_threads";
import type {IndexOptions, IndexProgress} from "../types";
import type {MethodName, WorkerEvent, WorkerMethods, WorkerRequest, WorkerResponse, WorkerStartData} from "./protocol";
import {startWorker, workerScript} from "../../workerScript";

export interface WorkerClientOptions {
    /** Built worker script; default: dist/context-worker.js next to the bundle, else the TypeScript source. */
    workerFile?: string;
    wasmDir?: string;
    onProgress?: (progress: IndexProgress) => void;
    onLog?: (level: "info" | "warn" | "error", message: string) => void;
}

type Pending = {resolve: (value: unknown) => void, reject: (error: Error) => void};

export class IndexWorkerClient {
    private readonly pending = new Map<number, Pending>();
    private nextId = 1;
    private exited: Error | undefined;

    private constructor(private readonly worker: Worker, private readonly options: WorkerClientOptions) {
        worker.on("message", (message: WorkerResponse | WorkerEvent) => this.receive(message));
        worker.on("error", (error) => this.fail(new Error(`Hearth index worker crashed: ${error.message}`)));
        worker.on("exit", (code) => this.fail(new Error(`Hearth index worker stopped (exit code ${code})`)));
    }

    static async start(indexOptions: IndexOptions, options: WorkerClientOptions = {}): Promise<IndexWorkerClient> {
        const data: WorkerStartData = {options: indexOptions, wasmDir: options.wasmDir};
        const file = options.workerFile ?? defaultWorkerFile();
        return new IndexWorkerClient(startWorker(file, {workerData: data}), options);
    }

    call<M extends MethodName>(method: M, ...params: Parameters<WorkerMethods[M]>): Promise<Awaited<ReturnType<WorkerMethods[M]>>> {
        if (this.exited) return Promise.reject(this.exited);
        const id = this.nextId++;
        const request: WorkerRequest<M> = {id, method, params};
        return new Promise((resolve, reject) => {
            this.pending.set(id, {resolve: resolve as (value: unknown) => void, reject});
            this.worker.postMessage(request);
        });
    }

    indexFolders(roots: string[]): Promise<Awaited<ReturnType<WorkerMethods["indexFolders"]>>> {
        return this.call("indexFolders", roots);
    }

    async dispose(): Promise<void> {
        this.exited ??= new Error("Hearth index worker was disposed");
        await this.worker.terminate();
    }

    private receive(message: WorkerResponse | WorkerEvent): void {
        if ("event" in message) {
            if (message.event === "progress") this.options.onProgress?.(message.progress);
            else this.options.onLog?.(message.level, message.message);
            return;
        }
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if ("error" in message) pending.reject(new Error(message.error));
        else pending.resolve(message.result);
    }

    private fail(error: Error): void {
        this.exited ??= error;
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
    }
}

export function defaultWorkerFile(): string {
    return workerScript(path.dirname(__filename), "context-worker.js", "main.ts", "index worker");
}

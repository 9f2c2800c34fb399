// Finds a worker thread's script and starts it: the bundle beside the running code (dist/), or, when running
// from source (tests and benchmarks under tsx), the TypeScript file beside the calling module.
import fs from "node:fs";
import path from "node:path";
import {Worker, type WorkerOptions} from "node:worker_threads";

export function workerScript(callerDir: string, bundledName: string, sourceName: string, what: string): string {
    const bundled = path.join(callerDir, bundledName);
    if (fs.existsSync(bundled)) return bundled;
    const source = path.join(callerDir, sourceName);
    if (fs.existsSync(source)) return source;
    throw new Error(`Hearth: the ${what} script is missing (looked for ${bundled} and ${source})`);
}

/**
 * Starts the thread of `file`. A TypeScript entry is loaded through tsx's require hook. A bundle needs no loader,
 * so it does not inherit its parent's Node options: under a test runner's or benchmark's `--import tsx`, every
 * thread would otherwise start tsx's module hooks too, about 100 ms before it answers its first message.
 */
export function startWorker(file: string, options: WorkerOptions): Worker {
    return file.endsWith(".ts")
        ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, {...options, eval: true})
        : new Worker(file, {...options, execArgv: []});
}

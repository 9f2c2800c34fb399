// Runs discoverModels in a short-lived worker thread, so the header reads never block the caller's thread.
import fs from "node:fs";
import path from "node:path";
import {Worker} from "node:worker_threads";
import type {DiscoveredModel, DiscoverOptions} from "./discovery";

export interface DiscoverOffThreadOptions extends Omit<DiscoverOptions, "signal"> {
    /** Built worker script; default: dist/models-discovery.js beside the bundle, else the TypeScript source. */
    workerFile?: string;
}

export function discoverModelsOffThread(options: DiscoverOffThreadOptions): Promise<DiscoveredModel[]> {
    const {workerFile, ...discoverOptions} = options;
    const file = workerFile ?? defaultDiscoveryWorkerFile();
    const worker = file.endsWith(".ts")
        // From source (tests, benchmarks): load the TypeScript entry through tsx's require hook.
        ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, {eval: true, workerData: discoverOptions})
        : new Worker(file, {workerData: discoverOptions});
    return new Promise((resolve, reject) => {
        let settled = false;
        const settle = (action: () => void) => {
            if (settled) return;
            settled = true;
            action();
            void worker.terminate();
        };
        worker.on("message", (message: {models?: DiscoveredModel[], error?: string}) =>
            settle(() => message.models !== undefined ? resolve(message.models) : reject(new Error(`Looking for models on disk failed: ${message.error}`))));
        worker.on("error", (error) => settle(() => reject(new Error(`Hearth's model discovery thread failed: ${error.message}`))));
        worker.on("exit", (code) => settle(() => reject(new Error(`Hearth's model discovery thread stopped (exit code ${code})`))));
    });
}

export function defaultDiscoveryWorkerFile(): string {
    const dir = path.dirname(__filename); // dist/ in the bundle, src/runtime/models/ from source
    const bundled = path.join(dir, "models-discovery.js");
    if (fs.existsSync(bundled)) return bundled;
    const source = path.join(dir, "discoveryWorker.ts");
    if (fs.existsSync(source)) return source;
    throw new Error(`Hearth: the model discovery script is missing (looked for ${bundled} and ${source})`);
}

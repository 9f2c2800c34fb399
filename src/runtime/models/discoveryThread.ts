// Runs discoverModels in a short-lived worker thread, so the header reads never block the caller's thread.
import path from "node:path";
import {Worker} from "node:worker_threads";
import type {DiscoveredModel, DiscoverOptions} from "./discovery";
import {workerScript} from "../../workerScript";

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
    return workerScript(path.dirname(__filename), "models-discovery.js", "discoveryWorker.ts", "model discovery");
}

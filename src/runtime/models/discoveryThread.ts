// Reads GGUF headers in a short-lived worker thread (discoveryWorker.ts), so the caller's thread never parses one:
// discovery, and validate.ts's verdicts for the extension host (the model picker, the download check). The worker
// runs the very functions the runtime runs, so a file is judged the same on both sides; a refusal comes back as
// the same RuntimeError("badModel") naming the file and the reason.
import path from "node:path";
import {RuntimeError, type RuntimeErrorData} from "../protocol";
import type {GgufCandidate} from "./findGgufFiles";
import type {DiscoveredModel, DiscoverOptions} from "./discovery";
import type {CheckedFile, ValidatedModels, ValidateRequest} from "./validate";
import {startWorker, workerScript} from "../../workerScript";

/** One job for the thread; its result is what the same call returns in-process. */
export type ModelsTask =
    | {task: "discover", options: Omit<DiscoverOptions, "signal">}
    | {task: "classifyMainModel", candidate: GgufCandidate}
    | {task: "validate", request: ValidateRequest}
    | {task: "checkMainModel", path: string}
    | {task: "checkDrafterAlone", path: string, kind: "mtp" | "draftModel"};

/** Well above what the reader's budget lets a header take (gguf/reader.ts DEFAULT_GGUF_LIMITS). */
const WORKER_HEAP_MB = 1024;

export interface OffThreadOptions {
    /** Built worker script; default: dist/models-discovery.js beside the bundle, else the TypeScript source. */
    workerFile?: string;
}

export interface DiscoverOffThreadOptions extends Omit<DiscoverOptions, "signal">, OffThreadOptions {}

export function discoverModelsOffThread(options: DiscoverOffThreadOptions): Promise<DiscoveredModel[]> {
    const {workerFile, ...discoverOptions} = options;
    return runOffThread<DiscoveredModel[]>({task: "discover", options: discoverOptions}, {workerFile}, "Looking for models on disk failed");
}

/** A file the user picked as the main model: refused as checkMainModel refuses, else described as discovery would. */
export function classifyMainModelOffThread(candidate: GgufCandidate, options: OffThreadOptions = {}): Promise<DiscoveredModel> {
    return runOffThread<DiscoveredModel>({task: "classifyMainModel", candidate}, options, `Reading ${candidate.path} failed`);
}

/** validateModelFiles off the caller's thread: the verdict, or its RuntimeError("badModel"). */
export function validateModelFilesOffThread(request: ValidateRequest, options: OffThreadOptions = {}): Promise<ValidatedModels> {
    return runOffThread<ValidatedModels>({task: "validate", request}, options, `Checking ${request.modelPath} failed`);
}

export function checkMainModelOffThread(filePath: string, options: OffThreadOptions = {}): Promise<CheckedFile> {
    return runOffThread<CheckedFile>({task: "checkMainModel", path: filePath}, options, `Checking ${filePath} failed`);
}

export function checkDrafterAloneOffThread(filePath: string, kind: "mtp" | "draftModel", options: OffThreadOptions = {}): Promise<CheckedFile> {
    return runOffThread<CheckedFile>({task: "checkDrafterAlone", path: filePath, kind}, options, `Checking ${filePath} failed`);
}

function runOffThread<T>(task: ModelsTask, options: OffThreadOptions, failure: string): Promise<T> {
    const file = options.workerFile ?? defaultDiscoveryWorkerFile();
    // A heap limit of its own: should a header ever get past the reader's budget, the thread dies, not the host.
    const settings = {workerData: task, resourceLimits: {maxOldGenerationSizeMb: WORKER_HEAP_MB}};
    const worker = startWorker(file, settings);
    return new Promise((resolve, reject) => {
        let settled = false;
        const settle = (action: () => void) => {
            if (settled) return;
            settled = true;
            action();
            void worker.terminate();
        };
        worker.on("message", (message: {result?: T, refusal?: RuntimeErrorData, error?: string}) => settle(() => {
            if (message.refusal !== undefined) reject(RuntimeError.fromData(message.refusal));
            else if (message.error !== undefined) reject(new Error(`${failure}: ${message.error}`));
            else resolve(message.result as T);
        }));
        worker.on("error", (error) => settle(() => reject(new Error(`Hearth's model-files thread failed: ${error.message}`))));
        worker.on("exit", (code) => settle(() => reject(new Error(`Hearth's model-files thread stopped (exit code ${code})`))));
    });
}

export function defaultDiscoveryWorkerFile(): string {
    return workerScript(path.dirname(__filename), "models-discovery.js", "discoveryWorker.ts", "model discovery");
}

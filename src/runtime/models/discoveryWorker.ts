// Entry point of the model-files thread (bundled as dist/models-discovery.js): every GGUF header the extension
// host needs read is read here (discovery, the picker's checks, the download check). A Gemma-sized header takes a
// few hundred milliseconds of synchronous work, which must not happen on the extension host's thread, where it
// would freeze every extension. One task per thread, given in workerData (discoveryThread.ts).
import {parentPort, workerData} from "node:worker_threads";
import {RuntimeError} from "../protocol";
import {classify, discoverModels} from "./discovery";
import type {ModelsTask} from "./discoveryThread";
import {checkDrafterAlone, checkMainModel, validateModelFiles} from "./validate";

const port = parentPort;
if (port === null) throw new Error("discoveryWorker.ts runs only as a worker thread");

async function run(task: ModelsTask): Promise<unknown> {
    switch (task.task) {
        case "discover": return discoverModels(task.options);
        case "classifyMainModel":
            checkMainModel(task.candidate.path);
            return classify(task.candidate);
        case "validate": return validateModelFiles(task.request);
        case "checkMainModel": return checkMainModel(task.path);
        case "checkDrafterAlone": return checkDrafterAlone(task.path, task.kind);
    }
}

run(workerData as ModelsTask).then(
    (result) => port.postMessage({result}),
    (error: unknown) => port.postMessage(error instanceof RuntimeError
        ? {refusal: error.toData()}
        : {error: error instanceof Error ? error.message : String(error)})
);

// Entry point of the discovery thread (bundled as dist/models-discovery.js): reading a Gemma-sized GGUF header
// takes a few hundred milliseconds of synchronous work, which must not happen on the extension host's thread.
import {parentPort, workerData} from "node:worker_threads";
import {discoverModels, type DiscoverOptions} from "./discovery";

const port = parentPort;
if (port === null) throw new Error("discoveryWorker.ts runs only as a worker thread");
discoverModels(workerData as DiscoverOptions).then(
    (models) => port.postMessage({models}),
    (error: unknown) => port.postMessage({error: error instanceof Error ? error.message : String(error)})
);

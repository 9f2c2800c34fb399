// Entry point of a parse helper thread (bundled as dist/context-parser.js): runs file jobs for the indexer so
// that the first indexing of a workspace uses more than one core.
import {parentPort, workerData} from "node:worker_threads";
import {runFileJob, type FileJob} from "../fileJob";
import {GrammarSet} from "../parser";

if (parentPort) {
    const port = parentPort;
    const grammars = GrammarSet.create((workerData as {wasmDir?: string}).wasmDir);
    // The indexer hands this thread work only once it can parse: until then the indexing thread does it.
    void grammars.then(() => port.postMessage({ready: true}), () => undefined);
    port.on("message", async ({id, job}: {id: number, job: FileJob}) => {
        try {
            port.postMessage({id, result: await runFileJob(await grammars, job, false)});
        } catch (error) {
            port.postMessage({id, error: (error as Error).message});
        }
    });
}

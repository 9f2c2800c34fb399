// One node-llama-cpp `Llama` per process per GPU choice: `getLlama()` loads the native backend and takes about
// a second, so every engine (and every test in one mocha process) shares it.
import type {Llama} from "node-llama-cpp";
import type {LoadParams} from "../../protocol";
import {loadNodeLlamaCpp} from "./nodeLlamaCpp";

export type LogSink = (level: "info" | "warn" | "error", message: string) => void;

const instances = new Map<string, Promise<Llama>>();
let sink: LogSink = () => {};

/** Where llama.cpp's own warnings and errors go; the latest engine to load sets it. */
export function setLlamaLogSink(log: LogSink): void {
    sink = log;
}

export function sharedLlama(gpu: LoadParams["gpu"]): Promise<Llama> {
    let instance = instances.get(gpu);
    if (instance === undefined) {
        instance = loadNodeLlamaCpp().then(({getLlama, LlamaLogLevel}) => getLlama({
            gpu: gpu === "off" ? false : gpu,
            // Prebuilt binaries only: building llama.cpp inside the editor would take minutes and need a toolchain.
            build: "never",
            logLevel: LlamaLogLevel.warn,
            logger: (level, message) => {
                if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) sink("error", message.trim());
                else if (level === LlamaLogLevel.warn) sink("warn", message.trim());
            }
        }));
        instance.catch(() => instances.delete(gpu));
        instances.set(gpu, instance);
    }
    return instance;
}

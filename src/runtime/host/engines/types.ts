// What every inference engine in the runtime process offers. The host (runtimeHost.ts, scheduler.ts) decides
// what runs when: it calls complete() at most once at a time, and chat() at most once at a time, so an engine
// only generates, never queues or supersedes. Engines never see the IPC layer, so they are tested directly.
import type {ChatParams, CompleteParams, GenerationResult, LoadParams, ModelInfo, RuntimeStatus} from "../../protocol";

export interface GenerationControl {
    /** Aborted when the client cancels, a newer completion supersedes this one, or a new model loads; checked every decode step. */
    signal: AbortSignal;
    /** Streams text as it is decoded (already detokenized, never splitting a UTF-8 character). */
    onText(text: string): void;
}

export interface Engine {
    readonly info: ModelInfo;
    complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult>;
    chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult>;
    /** Token counts with the model's own tokenizer, for packing context under a budget. */
    tokenCount(texts: string[]): Promise<number[]>;
    status(): RuntimeStatus;
    dispose(): Promise<void>;
}

/**
 * Loads a model and returns the engine that serves it; throws RuntimeError("badModel", …, path) on bad files.
 * `signal` aborts the load (a newer load superseded it, or the client cancelled it): the factory passes it on
 * to whatever waits (node-llama-cpp's loadSignal, the llama-server start, HTTP calls), frees what it has loaded
 * so far, and rejects promptly; the host answers the load "cancelled" whatever the factory then throws, and
 * disposes an engine that arrives after the abort.
 */
export type EngineFactory = (
    params: LoadParams,
    log: (level: "info" | "warn" | "error", message: string) => void,
    signal?: AbortSignal,
    /** How much of the model file has been read (0 to 1), where the engine can tell. */
    onProgress?: (fraction: number) => void
) => Promise<Engine>;

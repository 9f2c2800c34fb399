// What every inference engine in the runtime process offers. main.ts dispatches protocol requests to one
// Engine; engines never see the IPC layer, so they are tested directly.
import type {ChatParams, CompleteParams, GenerationResult, LoadParams, ModelInfo, RuntimeStatus} from "../../protocol";

export interface GenerationControl {
    /** Aborted when the client cancels or a newer request supersedes this one; checked every decode step. */
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

/** Loads a model and returns the engine that serves it; throws RuntimeError("badModel", …, path) on bad files. */
export type EngineFactory = (params: LoadParams, log: (level: "info" | "warn" | "error", message: string) => void) => Promise<Engine>;

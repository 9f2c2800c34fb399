// The typed messages between the extension (runtime/client) and the runtime child process (runtime/host).
// Both sides import this file, so a message's shape can change in one place only. No vscode, no native code.

/** Bumped on any incompatible change; the handshake refuses a host that speaks another version. */
export const PROTOCOL_VERSION = 1;

export type DrafterKind = "mtp" | "draftModel" | "promptLookup" | "none";
export type EngineName = "embedded" | "llamaServer" | "openaiCompatible";
export type StopReason = "eos" | "maxTokens" | "stopString" | "cancelled";

/** What the runtime should load. Paths are absolute; the client resolves settings and catalog ids first. */
export interface LoadParams {
    engine: EngineName;
    modelPath: string;
    /** A gemma4-assistant MTP drafter (llama-server only) or a same-vocabulary draft model. */
    drafterPath?: string;
    drafterMode: "auto" | "mtp" | "draftModel" | "promptLookup" | "off";
    maxDraftTokens: number;
    /** 0: from the model file, capped by memory. */
    contextSize: number;
    gpu: "auto" | "cuda" | "vulkan" | "metal" | "off";
    /** 0: the runtime chooses. */
    threads: number;
    llamaServerPath?: string;
    /** A user-configured OpenAI-compatible endpoint; its API key comes from VS Code's SecretStorage. */
    endpoint?: {url: string, model: string, apiKey?: string};
}

/** Facts about the loaded model, taken from the GGUF itself. */
export interface ModelInfo {
    engine: EngineName;
    modelPath: string;
    architecture: string;
    contextSize: number;
    trainContextSize: number;
    vocabSize: number;
    hasFim: boolean;
    chatWrapper: string;
    drafter: DrafterKind;
    drafterPath?: string;
}

/** Fill-in-the-middle request: the engine wraps these in the model's own FIM tokens. */
export interface CompleteParams {
    /** Packed workspace context placed before the file's prefix (already labelled by context/pack). */
    context: string;
    prefix: string;
    suffix: string;
    maxTokens: number;
    /** Generation ends before any of these strings; the stop string itself is not returned. */
    stop: string[];
}

export interface ChatMessage {
    role: "system" | "user" | "assistant";
    content: string;
}

export interface ChatParams {
    messages: ChatMessage[];
    maxTokens: number;
    /** Gemma 4's thinking; off by default. */
    reasoning: boolean;
}

export interface GenerationStats {
    promptTokens: number;
    /** Prompt tokens whose KV state was reused from the previous request on the same sequence. */
    reusedPromptTokens: number;
    generatedTokens: number;
    timeToFirstTokenMs: number;
    totalMs: number;
    tokensPerSecond: number;
    drafter: DrafterKind;
    draftedTokens: number;
    acceptedTokens: number;
}

export interface GenerationResult {
    text: string;
    stopReason: StopReason;
    stats: GenerationStats;
}

export interface RuntimeStatus {
    model?: ModelInfo;
    /** Totals since load, per drafter, so the UI can show acceptance rate and speed. */
    totals: {requests: number, generatedTokens: number, draftedTokens: number, acceptedTokens: number, decodeMs: number};
}

/** What the runtime process sees of the machine's accelerators: only it may load the native library. */
export interface MachineInfo {
    /** The backend llama.cpp picked ("cuda", "vulkan", "metal"), or false for CPU only. */
    gpu: string | false;
    gpuDevices: string[];
    vramTotalBytes: number;
    vramFreeBytes: number;
    /** Apple silicon and other unified-memory machines: VRAM and RAM are the same memory. */
    unifiedMemory: boolean;
}

/** Every request method with its parameters, its final result and the chunks it streams before it. */
export interface Methods {
    load: {params: LoadParams, result: ModelInfo, chunk: never};
    complete: {params: CompleteParams, result: GenerationResult, chunk: TextChunk};
    chat: {params: ChatParams, result: GenerationResult, chunk: TextChunk};
    tokenCount: {params: {texts: string[]}, result: {counts: number[]}, chunk: never};
    status: {params: Record<string, never>, result: RuntimeStatus, chunk: never};
    machine: {params: {gpu: LoadParams["gpu"]}, result: MachineInfo, chunk: never};
}
export type Method = keyof Methods;

export interface TextChunk {
    text: string;
}

export type ErrorCode =
    | "cancelled"
    | "protocolMismatch"
    | "invalidRequest"
    | "modelNotLoaded"
    | "badModel"
    | "engineFailed"
    | "runtimeCrashed"
    | "timeout";

export interface RuntimeErrorData {
    code: ErrorCode;
    message: string;
    /** The file a badModel error is about, so the user sees which one. */
    path?: string;
}

// ── Messages ────────────────────────────────────────────────────────────────────────────────────────

export type ClientMessage =
    | {kind: "hello", version: number}
    | {kind: "request", id: number, method: Method, params: unknown}
    | {kind: "cancel", id: number}
    | {kind: "shutdown"};

export type HostMessage =
    | {kind: "hello", version: number, pid: number}
    | {kind: "chunk", id: number, chunk: TextChunk}
    | {kind: "result", id: number, result: unknown}
    | {kind: "error", id: number, error: RuntimeErrorData}
    | {kind: "log", level: "info" | "warn" | "error", message: string};

/** An error that crossed the process boundary, with its code kept. */
export class RuntimeError extends Error {
    constructor(readonly code: ErrorCode, message: string, readonly path?: string) {
        super(message);
        this.name = "RuntimeError";
    }

    toData(): RuntimeErrorData {
        return {code: this.code, message: this.message, ...(this.path !== undefined ? {path: this.path} : {})};
    }

    static fromData(data: RuntimeErrorData): RuntimeError {
        return new RuntimeError(data.code, data.message, data.path);
    }
}

/** Narrows an unknown IPC payload to a host message; anything else is a protocol violation. */
export function isHostMessage(value: unknown): value is HostMessage {
    if (typeof value !== "object" || value === null) return false;
    const kind = (value as {kind?: unknown}).kind;
    return kind === "hello" || kind === "chunk" || kind === "result" || kind === "error" || kind === "log";
}

export function isClientMessage(value: unknown): value is ClientMessage {
    if (typeof value !== "object" || value === null) return false;
    const kind = (value as {kind?: unknown}).kind;
    return kind === "hello" || kind === "request" || kind === "cancel" || kind === "shutdown";
}

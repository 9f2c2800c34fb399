// The typed messages between the extension (runtime/client) and the runtime child process (runtime/host).
// Both sides import this file, so a message's shape can change in one place only. No vscode, no native code.
import type {DrafterMode, EngineKind, GpuChoice} from "../config";

/** Bumped on any incompatible change; the handshake refuses a host that speaks another version. */
export const PROTOCOL_VERSION = 1;

export type DrafterKind = "mtp" | "draftModel" | "promptLookup" | "none";
export type StopReason = "eos" | "maxTokens" | "stopString" | "cancelled";

/** What the runtime should load. Paths are absolute; the client resolves settings and catalog ids first. */
export interface LoadParams {
    engine: EngineKind;
    modelPath: string;
    /** A gemma4-assistant MTP drafter (llama-server only) or a same-vocabulary draft model. */
    drafterPath?: string;
    drafterMode: DrafterMode;
    maxDraftTokens: number;
    /** 0: from the model file, capped by memory. */
    contextSize: number;
    gpu: GpuChoice;
    /** 0: the runtime chooses. */
    threads: number;
    llamaServerPath?: string;
    /** A user-configured OpenAI-compatible endpoint; its API key comes from VS Code's SecretStorage. */
    endpoint?: {url: string, model: string, apiKey?: string};
}

/** Facts about the loaded model, taken from the GGUF itself. */
export interface ModelInfo {
    engine: EngineKind;
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

/**
 * An inline-completion request. Fill-in-the-middle: the engine wraps context, prefix and suffix in the model's own
 * FIM tokens. With `instruct` (models without FIM tokens, such as real Gemma 4) the engine renders a chat turn
 * instead: the user turn, then the model's turn already holding `prefill`, which the model continues.
 */
export interface CompleteParams {
    /** Packed workspace context placed before the file's prefix (already labelled by context/pack). */
    context: string;
    prefix: string;
    suffix: string;
    maxTokens: number;
    /** Generation ends before any of these strings; the stop string itself is not returned. */
    stop: string[];
    /**
     * A single-line suggestion: generation ends at the first newline that follows text (a newline before any text
     * is kept, the model often breaks the line first). The newline is not returned. Engines that cannot stop there
     * ignore it, so the caller still checks.
     */
    stopAtLineEnd?: boolean;
    instruct?: InstructCompletion;
}

export interface InstructCompletion {
    user: string;
    prefill: string;
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
    /**
     * The answer repeats much of the prompt (a rewrite of code it holds): draft by prompt lookup over the prompt
     * for this request, even where a draft model is loaded (unless drafting is off). Output is unchanged either way.
     * The embedded engine honours it; llama-server and endpoints draft as they are configured.
     */
    promptLookup?: boolean;
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

export const ERROR_CODES = [
    "cancelled", "protocolMismatch", "invalidRequest", "modelNotLoaded", "badModel", "engineFailed", "runtimeCrashed", "timeout"
] as const;
export type ErrorCode = typeof ERROR_CODES[number];

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
    /** How much of the model a load has read (0 to 1), in whole percent steps. */
    | {kind: "progress", id: number, progress: number}
    | {kind: "result", id: number, result: unknown}
    | {kind: "error", id: number, error: RuntimeErrorData}
    | {kind: "log", level: "info" | "warn" | "error", message: string}
    /** Sent every HEARTBEAT_INTERVAL_MS while the host works on a load or request: silence means a hung native call. */
    | {kind: "heartbeat", busy: number};

/** How often a working host says it is alive; the client allows several missed beats before it calls it hung. */
export const HEARTBEAT_INTERVAL_MS = 1000;

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

// ── Validation ──────────────────────────────────────────────────────────────────────────────────────
// Both sides check every message field by field before acting on it: a malformed one is logged and dropped,
// never thrown inside a handler. The checks live beside the types so a shape changes in one place; the
// mapped types below make the compiler refuse a check table that misses a field, a kind or a method.

/** Undefined when `value` fits; otherwise what is wrong, naming the field by its path (`at`). */
type Check = (value: unknown, at: string) => string | undefined;
type Fields<T> = {[K in keyof T]-?: Check};

const text: Check = (value, at) => typeof value === "string" ? undefined : `${at} is not a string`;
const flag: Check = (value, at) => typeof value === "boolean" ? undefined : `${at} is not a boolean`;
/** Ids and counters. */
const index: Check = (value, at) => Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `${at} is not a non-negative integer`;
/** Sizes from settings, which VS Code lets be fractional; the engines round them. */
const amount: Check = (value, at) => typeof value === "number" && Number.isFinite(value) && value >= 0 ? undefined : `${at} is not a non-negative number`;
const anything: Check = () => undefined;

function oneOf(values: Record<string, true> | readonly string[]): Check {
    const allowed = Array.isArray(values) ? values : Object.keys(values);
    return (value, at) => typeof value === "string" && allowed.includes(value) ? undefined : `${at} is not one of ${allowed.join(", ")}`;
}

function optional(check: Check): Check {
    return (value, at) => value === undefined ? undefined : check(value, at);
}

function listOf(check: Check): Check {
    return (value, at) => {
        if (!Array.isArray(value)) return `${at} is not an array`;
        for (const [i, item] of value.entries()) {
            const problem = check(item, `${at}[${i}]`);
            if (problem !== undefined) return problem;
        }
        return undefined;
    };
}

function shape<T>(fields: Fields<T>): Check {
    return (value, at) => {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return `${at} is not an object`;
        for (const [key, check] of Object.entries(fields) as Array<[string, Check]>) {
            const problem = check((value as Record<string, unknown>)[key], `${at}.${key}`);
            if (problem !== undefined) return problem;
        }
        return undefined;
    };
}

// Records rather than arrays: adding a kind to config.ts without adding it here is a compile error.
const ENGINE_KINDS: Record<EngineKind, true> = {embedded: true, llamaServer: true, openaiCompatible: true};
const DRAFTER_MODES: Record<DrafterMode, true> = {auto: true, mtp: true, draftModel: true, promptLookup: true, off: true};
const GPU_CHOICES: Record<GpuChoice, true> = {auto: true, cuda: true, vulkan: true, metal: true, off: true};
const ROLES: Record<ChatMessage["role"], true> = {system: true, user: true, assistant: true};
const LOG_LEVELS: Record<Extract<HostMessage, {kind: "log"}>["level"], true> = {info: true, warn: true, error: true};

const paramChecks: {[M in Method]: Check} = {
    load: shape<LoadParams>({
        engine: oneOf(ENGINE_KINDS), modelPath: text, drafterPath: optional(text), drafterMode: oneOf(DRAFTER_MODES),
        maxDraftTokens: amount, contextSize: amount, gpu: oneOf(GPU_CHOICES), threads: amount, llamaServerPath: optional(text),
        endpoint: optional(shape<NonNullable<LoadParams["endpoint"]>>({url: text, model: text, apiKey: optional(text)}))
    }),
    complete: shape<CompleteParams>({
        context: text, prefix: text, suffix: text, maxTokens: amount, stop: listOf(text), stopAtLineEnd: optional(flag),
        instruct: optional(shape<InstructCompletion>({user: text, prefill: text}))
    }),
    chat: shape<ChatParams>({
        messages: listOf(shape<ChatMessage>({role: oneOf(ROLES), content: text})), maxTokens: amount, reasoning: flag, promptLookup: optional(flag)
    }),
    tokenCount: shape<Methods["tokenCount"]["params"]>({texts: listOf(text)}),
    status: shape<object>({}),
    machine: shape<Methods["machine"]["params"]>({gpu: oneOf(GPU_CHOICES)})
};

type Shapes<Message extends {kind: string}> = {[K in Message["kind"]]: Fields<Omit<Extract<Message, {kind: K}>, "kind">>};

const clientShapes: Shapes<ClientMessage> = {
    hello: {version: index},
    request: {id: index, method: oneOf(Object.keys(paramChecks)), params: anything},
    cancel: {id: index},
    shutdown: {}
};

const hostShapes: Shapes<HostMessage> = {
    hello: {version: index, pid: index},
    chunk: {id: index, chunk: shape<TextChunk>({text})},
    progress: {id: index, progress: (value, at) => typeof value === "number" && value >= 0 && value <= 1 ? undefined : `${at} is not a fraction`},
    result: {id: index, result: anything},
    error: {id: index, error: shape<RuntimeErrorData>({code: oneOf(ERROR_CODES), message: text, path: optional(text)})},
    log: {level: oneOf(LOG_LEVELS), message: text},
    heartbeat: {busy: index}
};

function messageProblem(shapes: Record<string, Fields<object>>, value: unknown): string | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "the message is not an object";
    const kind = (value as {kind?: unknown}).kind;
    if (typeof kind !== "string" || !Object.hasOwn(shapes, kind)) return `unknown message kind ${JSON.stringify(kind)}`;
    return shape(shapes[kind])(value, kind);
}

/** What is wrong with an IPC payload the host sent, or undefined when it is a well-formed HostMessage. */
export function hostMessageProblem(value: unknown): string | undefined {
    return messageProblem(hostShapes, value);
}

/** What is wrong with an IPC payload the client sent, or undefined when it is a well-formed ClientMessage. */
export function clientMessageProblem(value: unknown): string | undefined {
    return messageProblem(clientShapes, value);
}

/** Narrows an unknown IPC payload to a host message; anything else is a protocol violation. */
export function isHostMessage(value: unknown): value is HostMessage {
    return hostMessageProblem(value) === undefined;
}

export function isClientMessage(value: unknown): value is ClientMessage {
    return clientMessageProblem(value) === undefined;
}

/** What is wrong with a request's parameters for its method (checked by the host before it runs anything). */
export function paramsProblem<M extends Method>(method: M, params: unknown): string | undefined {
    return paramChecks[method](params, "params");
}

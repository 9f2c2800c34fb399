// A stand-in engine for scheduler and host tests: it "decodes" one token per `tokenMs` on a timer, honours
// its signal within one token like the real engines, and records what ran, in what order and how many at once,
// so tests can check what the scheduler let run. The real engines are tested on real models in test/runtime.
import type {ChatParams, CompleteParams, GenerationResult, LoadParams, ModelInfo, RuntimeStatus} from "../../../src/runtime/protocol";
import {RuntimeError} from "../../../src/runtime/protocol";
import type {Engine, EngineFactory, GenerationControl} from "../../../src/runtime/host/engines/types";

export interface FakeEngineOptions {
    tokenMs?: number;
}

export interface CallRecord {
    method: "complete" | "chat" | "tokenCount";
    label: string;
    startedAt: number;
    endedAt?: number;
    tokens: number;
    stopReason?: string;
}

export class FakeEngine implements Engine {
    readonly info: ModelInfo;
    readonly calls: CallRecord[] = [];
    disposed = false;
    private readonly running = new Map<string, number>();
    /** The most generations of one method that ever ran at once: the scheduler must keep it at 1. */
    readonly maxConcurrent = new Map<string, number>();
    private readonly tokenMs: number;

    constructor(readonly modelPath: string, options: FakeEngineOptions = {}) {
        this.tokenMs = options.tokenMs ?? 2;
        this.info = {
            engine: "embedded", modelPath, architecture: "fake", contextSize: 4096, trainContextSize: 4096, vocabSize: 16,
            hasFim: false, chatWrapper: "none", drafter: "none"
        };
    }

    complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult> {
        return this.generate("complete", params.prefix, params.maxTokens, control);
    }

    chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult> {
        return this.generate("chat", params.messages.at(-1)?.content ?? "", params.maxTokens, control);
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        this.calls.push({method: "tokenCount", label: texts.join("|"), startedAt: performance.now(), endedAt: performance.now(), tokens: 0});
        return texts.map((text) => text.length);
    }

    status(): RuntimeStatus {
        return {model: this.info, totals: {requests: this.calls.length, generatedTokens: 0, draftedTokens: 0, acceptedTokens: 0, decodeMs: 0}};
    }

    async dispose(): Promise<void> {
        this.disposed = true;
    }

    /** Calls of one method, in the order they started. */
    labels(method: CallRecord["method"]): string[] {
        return this.calls.filter((call) => call.method === method).map((call) => call.label);
    }

    private async generate(method: "complete" | "chat", label: string, maxTokens: number, control: GenerationControl): Promise<GenerationResult> {
        if (this.disposed) throw new RuntimeError("engineFailed", "generation on a disposed engine");
        const record: CallRecord = {method, label, startedAt: performance.now(), tokens: 0};
        this.calls.push(record);
        const now = (this.running.get(method) ?? 0) + 1;
        this.running.set(method, now);
        this.maxConcurrent.set(method, Math.max(now, this.maxConcurrent.get(method) ?? 0));
        try {
            let text = "";
            while (record.tokens < maxTokens && !control.signal.aborted) {
                await delay(this.tokenMs);
                if (control.signal.aborted) break;
                record.tokens++;
                text += "x";
                control.onText("x");
            }
            record.stopReason = control.signal.aborted ? "cancelled" : "maxTokens";
            return {
                text,
                stopReason: control.signal.aborted ? "cancelled" : "maxTokens",
                stats: {
                    promptTokens: 1, reusedPromptTokens: 0, generatedTokens: record.tokens, timeToFirstTokenMs: this.tokenMs,
                    totalMs: performance.now() - record.startedAt, tokensPerSecond: 0, drafter: "none", draftedTokens: 0, acceptedTokens: 0
                }
            };
        } finally {
            record.endedAt = performance.now();
            this.running.set(method, (this.running.get(method) ?? 1) - 1);
        }
    }
}

export interface FakeLoad {
    params: LoadParams;
    signal: AbortSignal | undefined;
    /** Reports how far the load is, as an engine reading its file does. */
    progress(fraction: number): void;
    /** Settles the load: with an engine, or with a failure. */
    succeed(): void;
    fail(error: Error): void;
    engine?: FakeEngine;
}

/**
 * A factory whose loads finish only when the test says so (or after `autoMs`), so tests can line up loads.
 * `honoursSignal: false` plays an engine that cannot be interrupted: its outcome arrives after the abort.
 */
export class FakeFactory {
    readonly loads: FakeLoad[] = [];
    readonly engines: FakeEngine[] = [];
    /** The most engines ever alive (created and not disposed) at once. */
    maxAlive = 0;

    constructor(private readonly options: {autoMs?: number, honoursSignal?: boolean, engine?: FakeEngineOptions} = {}) {}

    get alive(): FakeEngine[] {
        return this.engines.filter((engine) => !engine.disposed);
    }

    readonly create: EngineFactory = (params, _log, signal, onProgress) => new Promise<Engine>((resolve, reject) => {
        const load: FakeLoad = {
            params,
            signal,
            progress: (fraction) => onProgress?.(fraction),
            succeed: () => {
                const engine = new FakeEngine(params.modelPath, this.options.engine);
                load.engine = engine;
                this.engines.push(engine);
                this.maxAlive = Math.max(this.maxAlive, this.alive.length);
                resolve(engine);
            },
            fail: (error) => reject(error)
        };
        this.loads.push(load);
        if (this.options.honoursSignal !== false)
            signal?.addEventListener("abort", () => reject(new Error("load aborted")), {once: true});
        if (this.options.autoMs !== undefined) setTimeout(() => load.succeed(), this.options.autoMs);
    });
}

export function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

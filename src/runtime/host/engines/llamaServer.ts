// The llama-server engine: llama.cpp's own server on 127.0.0.1, the only way to run Gemma 4's MTP drafters
// (gemma4-assistant), which need the target's hidden states inside llama.cpp's speculative loop.
// Requests go over HTTP with streaming; the server keeps each slot's KV cache between requests (cache_prompt).
import fs from "node:fs";
import {RuntimeError, type ChatParams, type CompleteParams, type DrafterKind, type GenerationResult, type LoadParams, type ModelInfo, type RuntimeStatus, type StopReason} from "../../protocol";
import {findLlamaServerBinary} from "../../llamaServerBinary";
import {readGgufFacts, type GgufFacts} from "./ggufFacts";
import {GenerationTotals, statsFromTimings, type RequestClock, type ServerTimings} from "./generationTotals";
import {HttpClient, HttpError} from "./http";
import {SINGLE_THREAD_MODEL_BYTES} from "./loadChoices";
import {LlamaServerProcess} from "./llamaServerProcess";
import type {Engine, EngineFactory, GenerationControl} from "./types";

/** Context used when the settings say 0 ("from the model"): the trained context, capped to bound memory. */
const DEFAULT_CONTEXT_CAP = 32768;

type Log = Parameters<EngineFactory>[1];

interface DrafterChoice {
    kind: DrafterKind;
    path?: string;
    args: string[];
}

export const createLlamaServerEngine: EngineFactory = async (params, log) => {
    const binary = findLlamaServerBinary(params.llamaServerPath || undefined);
    if (!binary.found) throw new RuntimeError("engineFailed", binary.reason);
    const facts = readGgufFacts(params.modelPath);
    const drafter = chooseDrafter(params);
    const args = serverArgs(params, facts, drafter);
    const server = await LlamaServerProcess.start({binary: binary.path, args, log});
    try {
        const http = new HttpClient({baseUrl: server.baseUrl, timeoutMs: 600_000});
        const models = await http.getJson<{data?: Array<{meta?: {n_ctx?: number, n_ctx_train?: number, n_vocab?: number}}>}>("/v1/models");
        const meta = models.data?.[0]?.meta ?? {};
        const drafterKind = await checkSpeculation(http, server, params, drafter, log);
        const info: ModelInfo = {
            engine: "llamaServer",
            modelPath: params.modelPath,
            architecture: facts.architecture,
            contextSize: meta.n_ctx ?? contextSizeFor(params, facts),
            trainContextSize: meta.n_ctx_train ?? facts.trainContextSize,
            vocabSize: meta.n_vocab ?? facts.vocabSize,
            hasFim: facts.fim !== undefined,
            chatWrapper: facts.hasChatTemplate ? "gguf-jinja (llama-server)" : "none",
            drafter: drafterKind,
            ...(drafter.path && drafterKind !== "none" ? {drafterPath: drafter.path} : {})
        };
        log("info", `llama-server engine: ${facts.architecture}, context ${info.contextSize}, drafter ${drafterKind}` +
            `${info.drafterPath ? ` (${info.drafterPath})` : ""}, binary from ${binary.source} (${binary.path})`);
        return new LlamaServerEngine(info, facts, server, http);
    } catch (error) {
        await server.stop();
        throw error;
    }
};

/** Which speculative decoding the server runs, from the settings and the drafter GGUF's architecture. */
function chooseDrafter(params: LoadParams): DrafterChoice {
    const nMax = ["--spec-draft-n-max", String(Math.max(1, params.maxDraftTokens))];
    if (params.drafterMode === "off") return {kind: "none", args: []};
    if (params.drafterMode === "promptLookup") return {kind: "promptLookup", args: ["--spec-type", "ngram-simple", ...nMax]};
    if (!params.drafterPath) {
        if (params.drafterMode === "mtp" || params.drafterMode === "draftModel")
            throw new RuntimeError("badModel", `The ${params.drafterMode} drafter needs a drafter GGUF (hearth.drafter.path), and none was given.`);
        return {kind: "none", args: []};
    }
    const drafter = readGgufFacts(params.drafterPath);
    const isMtp = drafter.isMtpDrafter;
    if (params.drafterMode === "mtp" && !isMtp)
        throw new RuntimeError("badModel", `${params.drafterPath} is a ${drafter.architecture} model, not a Gemma 4 MTP drafter (gemma4-assistant).`, params.drafterPath);
    if (params.drafterMode === "draftModel" && isMtp)
        throw new RuntimeError("badModel", `${params.drafterPath} is a Gemma 4 MTP drafter (${drafter.architecture}); choose the mtp drafter mode for it.`, params.drafterPath);
    const specType = isMtp ? "draft-mtp" : "draft-simple";
    return {kind: isMtp ? "mtp" : "draftModel", path: params.drafterPath, args: ["--spec-type", specType, "--model-draft", params.drafterPath, ...nMax]};
}

/**
 * llama-server goes on without speculation when its drafter fails to initialise (say, a drafter for another
 * target), so ask it. A drafter the user asked for by name must work; under "auto" we say so and run plain.
 */
async function checkSpeculation(http: HttpClient, server: LlamaServerProcess, params: LoadParams, drafter: DrafterChoice, log: Log): Promise<DrafterKind> {
    if (drafter.kind === "none") return "none";
    const slots = await http.getJson<Array<{speculative?: boolean}>>("/slots");
    if (slots.every((slot) => slot.speculative === true)) return drafter.kind;
    const why = server.lastOutput().split("\n").filter((line) => /specul|draft|mtp/i.test(line)).slice(-6).join("\n");
    const message = `llama-server could not run the ${drafter.kind} drafter${drafter.path ? ` ${drafter.path}` : ""}:\n${why || server.lastOutput()}`;
    if (params.drafterMode !== "auto") throw new RuntimeError("badModel", message, drafter.path ?? params.modelPath);
    log("warn", `${message}\nRunning without speculative decoding.`);
    return "none";
}

/**
 * The embedded engine's rule (loadChoices.ts): small models decode fastest on one thread. Measured here on the
 * generated gemma4 target: 176 tokens/s on one thread against about 20 with llama-server's default of all cores,
 * on a machine busy with other work. Larger models get the server's default, every core.
 */
function threadArgs(params: LoadParams): string[] {
    if (params.threads > 0) return ["--threads", String(Math.floor(params.threads))];
    let size = Infinity;
    try {
        size = fs.statSync(params.modelPath).size;
    } catch {
        // readGgufFacts has already reported an unreadable file
    }
    return size < SINGLE_THREAD_MODEL_BYTES ? ["--threads", "1"] : [];
}

function contextSizeFor(params: LoadParams, facts: GgufFacts): number {
    if (params.contextSize > 0) return params.contextSize;
    return Math.min(facts.trainContextSize || DEFAULT_CONTEXT_CAP, DEFAULT_CONTEXT_CAP);
}

/** The flags llama-server runs with (host and port are added by LlamaServerProcess). */
export function serverArgs(params: LoadParams, facts: GgufFacts, drafter: DrafterChoice): string[] {
    return [
        "--model", params.modelPath,
        "--ctx-size", String(contextSizeFor(params, facts)),
        ...threadArgs(params),
        ...(params.gpu === "off" ? ["--n-gpu-layers", "0"] : []),
        // Two slots sharing one KV pool: inline completions and chat each keep their own prefix cache.
        "--parallel", "2", "--kv-unified",
        // /slots tells whether speculation initialised and whether a cancelled request has stopped.
        "--slots", "--no-webui", "--offline",
        ...drafter.args
    ];
}

export class LlamaServerEngine implements Engine {
    private readonly totals = new GenerationTotals();

    constructor(
        readonly info: ModelInfo,
        private readonly facts: GgufFacts,
        private readonly server: LlamaServerProcess,
        private readonly http: HttpClient
    ) {}

    /** The server's process id and address (tests check it is gone after dispose; benchmarks read /slots). */
    get pid(): number {
        return this.server.pid;
    }

    get baseUrl(): string {
        return this.server.baseUrl;
    }

    async complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult> {
        // The embedded engine's layout (fimPrompt.ts): [BOS] <PRE> context+prefix <SUF> suffix <MID>, the FIM
        // tokens given as ids. The leading "" makes the server add BOS as the model asks. Without FIM tokens,
        // context+prefix is a plain prompt.
        const fim = this.facts.fim;
        const prompt = fim
            ? ["", fim.prefix, params.context + params.prefix, fim.suffix, params.suffix, fim.middle]
            : params.context + params.prefix;
        return await this.generate("/completion", {
            prompt,
            n_predict: params.maxTokens,
            stop: params.stop,
            ...GREEDY
        }, control, (event) => {
            const data = event as {content?: string, stop?: boolean, stop_type?: string, timings?: ServerTimings, tokens_evaluated?: number};
            return {text: data.content ?? "", timings: data.timings, done: data.stop === true, stopReason: completionStopReason(data.stop_type)};
        });
    }

    async chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult> {
        return await this.generate("/v1/chat/completions", {
            messages: params.messages,
            max_tokens: params.maxTokens,
            // The server renders the GGUF's own chat template; thinking only when asked for.
            chat_template_kwargs: {enable_thinking: params.reasoning},
            ...GREEDY
        }, control, (event) => {
            const data = event as {choices?: Array<{delta?: {content?: string | null}, finish_reason?: string | null}>, timings?: ServerTimings};
            const choice = data.choices?.[0];
            const finish = choice?.finish_reason ?? undefined;
            return {text: choice?.delta?.content ?? "", timings: data.timings, done: false, stopReason: finish ? chatStopReason(finish) : undefined};
        });
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        return await Promise.all(texts.map(async (text) => {
            const result = await this.request(() => this.http.postJson<{tokens: unknown[]}>("/tokenize", {content: text, add_special: false, parse_special: false}));
            return result.tokens.length;
        }));
    }

    status(): RuntimeStatus {
        return this.totals.status(this.info);
    }

    async dispose(): Promise<void> {
        await this.server.stop();
    }

    /** One streamed request; `read` turns each event into text, timings and the end of the stream. */
    private async generate(
        path: string,
        body: Record<string, unknown>,
        control: GenerationControl,
        read: (event: unknown) => {text: string, timings?: ServerTimings, done: boolean, stopReason?: StopReason}
    ): Promise<GenerationResult> {
        if (control.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
        const clock: RequestClock = {startedAt: performance.now()};
        let text = "";
        let timings: ServerTimings | undefined;
        let stopReason: StopReason = "eos";
        let chunks = 0;
        await this.request(() => this.http.postSse(path, {...body, stream: true, cache_prompt: true}, control.signal, (event) => {
            const piece = read(event);
            if (piece.timings) timings = piece.timings;
            if (piece.stopReason) stopReason = piece.stopReason;
            if (piece.text) {
                clock.firstTextAt ??= performance.now();
                text += piece.text;
                chunks += 1;
                control.onText(piece.text);
            }
        }));
        if (control.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
        const stats = statsFromTimings(timings, {promptTokens: 0, generatedTokens: chunks}, clock, this.info.drafter);
        this.totals.add(stats, timings?.predicted_ms ?? stats.totalMs);
        return {text, stopReason, stats};
    }

    /** Runs a request; a failure caused by the server having died says so, with its last output. */
    private async request<T>(send: () => Promise<T>): Promise<T> {
        try {
            return await send();
        } catch (error) {
            if (!this.server.running) throw new RuntimeError("engineFailed", this.server.describeExit());
            if (error instanceof HttpError) throw new RuntimeError(error.status === 400 ? "invalidRequest" : "engineFailed", error.message);
            throw error;
        }
    }
}

/** Deterministic decoding: inline completions must not flicker, and speculation then reproduces plain output exactly. */
const GREEDY = {temperature: 0, top_k: 1, seed: 0};

function completionStopReason(stopType: string | undefined): StopReason | undefined {
    switch (stopType) {
        case "eos": return "eos";
        case "limit": return "maxTokens";
        case "word": return "stopString";
        default: return undefined;
    }
}

function chatStopReason(finishReason: string): StopReason {
    return finishReason === "length" ? "maxTokens" : "eos";
}

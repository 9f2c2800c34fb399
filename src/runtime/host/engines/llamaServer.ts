// The llama-server engine: llama.cpp's own server on 127.0.0.1, the only way to run Gemma 4's MTP drafters
// (gemma4-assistant), which need the target's hidden states inside llama.cpp's speculative loop.
// Requests go over HTTP with streaming; the server keeps each slot's KV cache between requests (cache_prompt).
// The model files were judged by models/validate.ts before this runs: the engine takes that verdict (the facts
// and the drafter's kind) and checks nothing itself. What only llama.cpp can tell, whether the drafter actually
// runs, it asks the server (/slots), which answers only to the key this process holds.
import {RuntimeError, type ChatParams, type CompleteParams, type DrafterKind, type GenerationResult, type LoadParams, type ModelInfo, type RuntimeStatus, type StopReason} from "../../protocol";
import {findLlamaServerBinary} from "../../llamaServerBinary";
import type {GgufModelFacts} from "../../models/gguf";
import {validateModelFiles, type ValidatedModels} from "../../models/validate";
import {GenerationTotals, statsFromTimings, type RequestClock, type ServerTimings} from "./generationTotals";
import {HttpClient, HttpError} from "./http";
import {SINGLE_THREAD_MODEL_BYTES} from "./loadChoices";
import {LlamaServerProcess} from "./llamaServerProcess";
import type {Engine, EngineFactory, GenerationControl} from "./types";
import {ReasoningMarkers, type ChatChoice} from "../../reasoning";
import {lineEnd} from "../textStream";

/** Context used when the settings say 0 ("from the model"): the trained context, capped to bound memory. */
const DEFAULT_CONTEXT_CAP = 32768;

type Log = Parameters<EngineFactory>[1];

/** How the server drafts: the flags, and the drafter file when there is one. */
export interface ServerDrafter {
    kind: DrafterKind;
    path?: string;
    args: string[];
}

/** FIM token ids, when the model has all three. */
type FimIds = {prefix: number, suffix: number, middle: number};

/** Starts llama-server on the files validate.ts accepted: `checked` is its verdict on `params` (judged here when a caller has none). */
export async function createLlamaServerEngine(
    params: LoadParams, log: Log, signal?: AbortSignal, checked: ValidatedModels = validateModelFiles(params)
): Promise<LlamaServerEngine> {
    const binary = findLlamaServerBinary(params.llamaServerPath || undefined);
    if (!binary.found) throw new RuntimeError("engineFailed", binary.reason);
    const facts = checked.model.facts;
    const drafter = serverDrafter(params, checked);
    const args = serverArgs(params, facts, drafter);
    signal?.throwIfAborted();
    // A load cancelled while the server starts kills it there and then.
    const server = await LlamaServerProcess.start({binary: binary.path, args, log, signal});
    try {
        signal?.throwIfAborted();
        const http = serverClient(server);
        const models = await http.getJson<{data?: Array<{meta?: {n_ctx?: number, n_ctx_train?: number, n_vocab?: number}}>}>("/v1/models", signal);
        const meta = models.data?.[0]?.meta ?? {};
        const drafterKind = await confirmSpeculation(http, server, params.drafterMode, drafter, log, signal);
        signal?.throwIfAborted();
        const fim = fimIds(facts);
        const info: ModelInfo = {
            engine: "llamaServer",
            modelPath: params.modelPath,
            architecture: facts.architecture,
            contextSize: meta.n_ctx ?? contextSizeFor(params, facts),
            trainContextSize: meta.n_ctx_train ?? facts.contextLength ?? 0,
            vocabSize: meta.n_vocab ?? facts.vocabSize,
            hasFim: fim !== undefined,
            chatWrapper: facts.hasChatTemplate ? "gguf-jinja (llama-server)" : "none",
            drafter: drafterKind,
            ...(drafter.path && drafterKind !== "none" ? {drafterPath: drafter.path} : {})
        };
        log("info", `llama-server engine: ${facts.architecture}, context ${info.contextSize}, drafter ${drafterKind}` +
            `${info.drafterPath ? ` (${info.drafterPath})` : ""}, binary from ${binary.source} (${binary.path})`);
        return new LlamaServerEngine(info, fim, server, http);
    } catch (error) {
        await server.stop();
        throw error;
    }
}

/** The engine's own client of its server: every request carries the key of this start. */
export function serverClient(server: LlamaServerProcess): HttpClient {
    return new HttpClient({baseUrl: server.baseUrl, apiKey: server.apiKey, timeoutMs: 600_000});
}

/** Which speculative decoding the server runs: the settings' mode, and the drafter's kind as validate.ts found it. */
function serverDrafter(params: LoadParams, checked: ValidatedModels): ServerDrafter {
    const nMax = ["--spec-draft-n-max", String(Math.max(1, params.maxDraftTokens))];
    if (params.drafterMode === "off") return {kind: "none", args: []};
    if (params.drafterMode === "promptLookup") return {kind: "promptLookup", args: ["--spec-type", "ngram-simple", ...nMax]};
    const drafter = checked.drafter;
    if (drafter === undefined) {
        if (params.drafterMode === "mtp" || params.drafterMode === "draftModel")
            throw new RuntimeError("badModel", `The ${params.drafterMode} drafter needs a drafter GGUF (hearth.drafter.path), and none was given.`);
        return {kind: "none", args: []};
    }
    // Prompt lookup first, then the drafter model: llama.cpp tries its speculators in that order each step, and
    // ngram-simple drafts only where the last 12 tokens repeat text in view. So a Rewrite or Add Documentation,
    // whose answer repeats its target, drafts from the prompt, and everything else from the drafter. (This
    // llama-server takes no speculative settings per request.)
    const specType = drafter.kind === "mtp" ? "draft-mtp" : "draft-simple";
    return {kind: drafter.kind, path: drafter.path, args: ["--spec-type", `ngram-simple,${specType}`, "--model-draft", drafter.path, ...nMax]};
}

/**
 * llama-server goes on without speculation when its drafter fails to initialise (a drafter llama.cpp itself
 * cannot use, for a reason the header does not show), so ask it. A drafter the user asked for by name must
 * work; under "auto" we say so and run plain. Returns the drafter kind that runs.
 */
export async function confirmSpeculation(
    http: HttpClient, server: LlamaServerProcess, drafterMode: LoadParams["drafterMode"], drafter: ServerDrafter, log: Log,
    signal?: AbortSignal
): Promise<DrafterKind> {
    if (drafter.kind === "none") return "none";
    const slots = await http.getJson<Array<{speculative?: boolean}>>("/slots", signal);
    if (slots.every((slot) => slot.speculative === true)) return drafter.kind;
    const why = server.lastOutput().split("\n").filter((line) => /specul|draft|mtp/i.test(line)).slice(-6).join("\n");
    const message = `llama-server could not run the ${drafter.kind} drafter${drafter.path ? ` ${drafter.path}` : ""}:\n${why || server.lastOutput()}`;
    if (drafterMode !== "auto") throw new RuntimeError("badModel", message, drafter.path);
    log("warn", `${message}\nRunning without speculative decoding.`);
    return "none";
}

/**
 * The embedded engine's rule (loadChoices.ts): small models decode fastest on one thread. Measured here on the
 * generated gemma4 target: 176 tokens/s on one thread against about 20 with llama-server's default of all cores,
 * on a machine busy with other work. Larger models get the server's default, every core.
 */
function threadArgs(params: LoadParams, facts: GgufModelFacts): string[] {
    if (params.threads > 0) return ["--threads", String(Math.floor(params.threads))];
    return facts.fileSize < SINGLE_THREAD_MODEL_BYTES ? ["--threads", "1"] : [];
}

function contextSizeFor(params: LoadParams, facts: GgufModelFacts): number {
    if (params.contextSize > 0) return params.contextSize;
    return Math.min(facts.contextLength || DEFAULT_CONTEXT_CAP, DEFAULT_CONTEXT_CAP);
}

function fimIds(facts: GgufModelFacts): FimIds | undefined {
    const {prefix, suffix, middle} = facts.fimTokens;
    return prefix !== undefined && suffix !== undefined && middle !== undefined ? {prefix, suffix, middle} : undefined;
}

/** The flags llama-server runs with (LlamaServerProcess adds host, port and the API key). */
export function serverArgs(params: LoadParams, facts: GgufModelFacts, drafter: ServerDrafter): string[] {
    return [
        "--model", params.modelPath,
        "--ctx-size", String(contextSizeFor(params, facts)),
        ...threadArgs(params, facts),
        ...(params.gpu === "off" ? ["--n-gpu-layers", "0"] : []),
        // Two slots sharing one KV pool: inline completions and chat each keep their own prefix cache.
        "--parallel", "2", "--kv-unified",
        // /slots tells whether speculation initialised and whether a cancelled request has stopped; like every
        // endpoint but /health it answers only to this start's API key.
        "--slots", "--no-webui", "--offline",
        ...drafter.args
    ];
}

export class LlamaServerEngine implements Engine {
    private readonly totals = new GenerationTotals();

    constructor(
        readonly info: ModelInfo,
        private readonly fim: FimIds | undefined,
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

    /** The key the server demands of every request but /health (tests and benchmarks that talk to it need it). */
    get apiKey(): string {
        return this.server.apiKey;
    }

    async complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult> {
        // The embedded engine's layout (fimPrompt.ts): [BOS] <PRE> context+prefix <SUF> suffix <MID>, the FIM
        // tokens given as ids. The leading "" makes the server add BOS as the model asks. Without FIM tokens,
        // context+prefix is a plain prompt.
        const fim = this.fim;
        const prompt = params.instruct
            ? await this.instructPrompt(params.instruct, control.signal)
            : fim
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
        }, params.stopAtLineEnd === true);
    }

    /**
     * An instruct completion's prompt: the server renders the user turn with the GGUF's own chat template (its
     * generation prompt opens the model's turn) and the code so far is appended, for the model to continue.
     */
    private async instructPrompt(instruct: NonNullable<CompleteParams["instruct"]>, signal: AbortSignal): Promise<string> {
        const rendered = await this.request(() => this.http.postJson<{prompt?: unknown}>("/apply-template", {
            messages: [{role: "user", content: instruct.user}],
            chat_template_kwargs: {enable_thinking: false}
        }, signal));
        if (typeof rendered.prompt !== "string") throw new RuntimeError("engineFailed", "llama-server's /apply-template returned no prompt");
        return rendered.prompt + instruct.prefill;
    }

    async chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult> {
        const markers = new ReasoningMarkers();
        return await this.generate("/v1/chat/completions", {
            messages: params.messages,
            max_tokens: params.maxTokens,
            // The server renders the GGUF's own chat template; thinking only when asked for.
            chat_template_kwargs: {enable_thinking: params.reasoning},
            ...GREEDY
        }, control, (event) => {
            const data = event as {choices?: ChatChoice[], timings?: ServerTimings};
            const choice = data.choices?.[0];
            const finish = choice?.finish_reason ?? undefined;
            // Reasoning comes apart from the answer (reasoning_content): back into the stream, between its markers.
            return {text: markers.choice(choice), timings: data.timings, done: false, stopReason: finish ? chatStopReason(finish) : undefined};
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
        read: (event: unknown) => {text: string, timings?: ServerTimings, done: boolean, stopReason?: StopReason},
        /** Ends the stream at the first newline after text (the server has no such stop): a single-line suggestion. */
        stopAtLineEnd = false
    ): Promise<GenerationResult> {
        if (control.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
        const clock: RequestClock = {startedAt: performance.now()};
        let text = "";
        let timings: ServerTimings | undefined;
        let stopReason: StopReason = "eos";
        let chunks = 0;
        const lineEnded = new AbortController();
        try {
            await this.request(() => this.http.postSse(path, {...body, stream: true, cache_prompt: true}, AbortSignal.any([control.signal, lineEnded.signal]), (event) => {
                if (lineEnded.signal.aborted) return;
                const piece = read(event);
                if (piece.timings) timings = piece.timings;
                if (piece.stopReason) stopReason = piece.stopReason;
                let added = piece.text;
                const cut = stopAtLineEnd ? lineEnd(text + added) : undefined;
                if (cut !== undefined) added = (text + added).slice(text.length, cut);
                if (added) {
                    clock.firstTextAt ??= performance.now();
                    text += added;
                    chunks += 1;
                    control.onText(added);
                }
                if (cut !== undefined) {
                    stopReason = "stopString";
                    lineEnded.abort();
                }
            }));
        } catch (error) {
            // Our own stop at the line's end closes the stream; anything else is a failure.
            if (!lineEnded.signal.aborted || control.signal.aborted) throw error;
        }
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

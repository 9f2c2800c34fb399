// A user-configured OpenAI-compatible endpoint (a team's llama-server, vLLM): off unless the user chose it,
// since code is sent there. /v1/completions for inline completions, /v1/chat/completions for chat, streamed
// through the same HTTP client as the llama-server engine.
import {RuntimeError, type ChatParams, type CompleteParams, type GenerationResult, type ModelInfo, type RuntimeStatus, type StopReason} from "../../protocol";
import {checkEndpointUrl, environmentApiKeyFor} from "../../endpointPolicy";
import {GenerationTotals, statsFromTimings, type RequestClock, type ServerTimings} from "./generationTotals";
import {HttpClient, HttpError} from "./http";
import type {Engine, EngineFactory, GenerationControl} from "./types";
import {ReasoningMarkers, type ChatChoice} from "../../reasoning";
import {lineEnd} from "../textStream";

/** Characters per token when the endpoint offers no tokenizer: a deliberate over-count for code. */
const CHARS_PER_TOKEN_ESTIMATE = 3;

// FIM token texts to try, in order; a set is used only if each text is one token for the endpoint's tokenizer.
const FIM_TEXT_SETS = [
    {prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>"},
    {prefix: "<fim_prefix>", suffix: "<fim_suffix>", middle: "<fim_middle>"},
    {prefix: "<PRE>", suffix: "<SUF>", middle: "<MID>"}
];

type Tokenize = (text: string) => Promise<number | undefined>;

export const createOpenAiCompatibleEngine: EngineFactory = async (params, log, signal) => {
    const endpoint = params.endpoint;
    if (!endpoint?.url) throw new RuntimeError("invalidRequest", "The openaiCompatible engine needs an endpoint URL (hearth.endpoint.url).");
    // The same rules the extension applies (plain http only to this machine), kept here for any other caller.
    const checked = checkEndpointUrl(endpoint.url);
    if (!checked.ok) throw new RuntimeError("invalidRequest", checked.reason);
    const baseUrl = checked.baseUrl;
    // The key the user stored in VS Code for this origin; the environment's key serves scripts and benchmarks,
    // and only for the origin it names.
    const apiKey = params.endpoint?.apiKey || environmentApiKeyFor(checked.origin, process.env);
    const http = new HttpClient({baseUrl, apiKey, timeoutMs: 120_000});
    log("warn", `OpenAI-compatible endpoint in use: prompts (your code) are sent to ${baseUrl}.`);

    const models = await http.getJson<{data?: Array<{id: string, max_model_len?: number, meta?: {n_ctx?: number, n_ctx_train?: number, n_vocab?: number}}>}>("/v1/models", signal)
        .catch((error: Error) => { signal?.throwIfAborted(); throw new RuntimeError("engineFailed", `The endpoint ${baseUrl} did not list its models: ${error.message}`); });
    const listed = models.data ?? [];
    const model = endpoint.model || listed[0]?.id;
    if (!model) throw new RuntimeError("engineFailed", `The endpoint ${baseUrl} lists no model and hearth.endpoint.model is empty.`);
    const entry = listed.find((candidate) => candidate.id === model) ?? listed[0];
    if (endpoint.model && !listed.some((candidate) => candidate.id === endpoint.model))
        log("warn", `The endpoint lists ${listed.map((candidate) => candidate.id).join(", ") || "no models"}, not ${endpoint.model}; asking for it anyway.`);

    const tokenize = await probeTokenizer(http, model);
    if (!tokenize) log("warn", `The endpoint ${baseUrl} has no /tokenize; token counts are estimated (${CHARS_PER_TOKEN_ESTIMATE} characters per token).`);
    const fim = tokenize ? await probeFim(tokenize) : undefined;
    signal?.throwIfAborted();

    const info: ModelInfo = {
        engine: "openaiCompatible",
        modelPath: `${baseUrl} (${model})`,
        architecture: "remote",
        contextSize: entry?.meta?.n_ctx ?? entry?.max_model_len ?? 0,
        trainContextSize: entry?.meta?.n_ctx_train ?? entry?.max_model_len ?? 0,
        vocabSize: entry?.meta?.n_vocab ?? 0,
        hasFim: fim !== undefined,
        chatWrapper: tokenize ? "endpoint" : "endpoint (token counts estimated)",
        drafter: "none"
    };
    log("info", `OpenAI-compatible endpoint ${baseUrl}, model ${model}, context ${info.contextSize || "unknown"}, ` +
        `FIM ${fim ? "yes" : "no"}, tokenizer ${tokenize ? "yes" : "estimated"}`);
    return new OpenAiCompatibleEngine(info, http, model, tokenize, fim);
};

/** The endpoint's tokenizer, if it has one: llama-server takes `content`, vLLM `prompt` and `model`. */
async function probeTokenizer(http: HttpClient, model: string): Promise<Tokenize | undefined> {
    const tokenize: Tokenize = async (text) => {
        const result = await http.postJson<{tokens?: unknown[], count?: number}>("/tokenize", {content: text, prompt: text, model, add_special: false, add_special_tokens: false});
        return result.count ?? result.tokens?.length;
    };
    try {
        return (await tokenize("hello world")) !== undefined ? tokenize : undefined;
    } catch {
        return undefined;
    }
}

async function probeFim(tokenize: Tokenize): Promise<typeof FIM_TEXT_SETS[number] | undefined> {
    for (const set of FIM_TEXT_SETS) {
        const counts = await Promise.all([set.prefix, set.suffix, set.middle].map((text) => tokenize(text).catch(() => undefined)));
        if (counts.every((count) => count === 1)) return set;
    }
    return undefined;
}

class OpenAiCompatibleEngine implements Engine {
    private readonly totals = new GenerationTotals();

    constructor(
        readonly info: ModelInfo,
        private readonly http: HttpClient,
        private readonly model: string,
        private readonly tokenize: Tokenize | undefined,
        private readonly fim: typeof FIM_TEXT_SETS[number] | undefined
    ) {}

    async complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult> {
        if (params.instruct) {
            // The code so far as the start of the assistant's message: servers built on llama.cpp, vLLM and
            // Ollama continue a final assistant message rather than open a new one.
            return await this.generate("/v1/chat/completions", {
                messages: [{role: "user", content: params.instruct.user}, {role: "assistant", content: params.instruct.prefill}],
                max_tokens: params.maxTokens,
                chat_template_kwargs: {enable_thinking: false},
                ...(params.stop.length ? {stop: params.stop.slice(0, 4)} : {})
            }, control, (choice) => ({text: (choice as {delta?: {content?: string | null}}).delta?.content ?? ""}), params.stop.length > 4 ? params.stop : [],
                params.stopAtLineEnd === true);
        }
        const prompt = this.fim
            ? `${params.context}${this.fim.prefix}${params.prefix}${this.fim.suffix}${params.suffix}${this.fim.middle}`
            : params.context + params.prefix;
        return await this.generate("/v1/completions", {prompt, max_tokens: params.maxTokens, ...(params.stop.length ? {stop: params.stop.slice(0, 4)} : {})},
            control, (choice) => ({text: (choice as {text?: string}).text ?? ""}), params.stop.length > 4 ? params.stop : [], params.stopAtLineEnd === true);
    }

    async chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult> {
        return await this.generate("/v1/chat/completions", {
            messages: params.messages,
            max_tokens: params.maxTokens,
            chat_template_kwargs: {enable_thinking: params.reasoning}
        }, control, reasoningText(), []);
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        const tokenize = this.tokenize;
        if (!tokenize) return texts.map((text) => Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE));
        return await Promise.all(texts.map(async (text) => (await tokenize(text)) ?? Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE)));
    }

    status(): RuntimeStatus {
        return this.totals.status(this.info);
    }

    async dispose(): Promise<void> {
        // Nothing runs here; the endpoint is not ours to stop.
    }

    /** `extraStops`: stop strings beyond the four the OpenAI API accepts, applied here. */
    private async generate(
        path: string,
        body: Record<string, unknown>,
        control: GenerationControl,
        textOf: (choice: unknown) => {text: string},
        extraStops: string[],
        /** Also ends at the first newline after text (no server stop says that): a single-line suggestion. */
        stopAtLineEnd = false
    ): Promise<GenerationResult> {
        if (control.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
        const clock: RequestClock = {startedAt: performance.now()};
        const stopStream = new AbortController();
        const signal = AbortSignal.any([control.signal, stopStream.signal]);
        let text = "";
        let emitted = 0;
        let stopReason: StopReason = "eos";
        let timings: ServerTimings | undefined;
        let usage: {prompt_tokens?: number, completion_tokens?: number} | undefined;
        let chunks = 0;
        try {
            await this.http.postSse(path, {
                ...body,
                model: this.model,
                stream: true,
                stream_options: {include_usage: true},
                temperature: 0,
                seed: 0
            }, signal, (event) => {
                const data = event as {choices?: Array<{finish_reason?: string | null}>, usage?: typeof usage, timings?: ServerTimings};
                if (data.usage) usage = data.usage;
                if (data.timings) timings = data.timings;
                const choice = data.choices?.[0];
                if (!choice) return;
                if (choice.finish_reason) stopReason = choice.finish_reason === "length" ? "maxTokens" : "eos";
                const piece = textOf(choice).text;
                if (!piece) return;
                clock.firstTextAt ??= performance.now();
                chunks += 1;
                text += piece;
                const cut = earliest(firstStopIndex(text, extraStops), stopAtLineEnd ? lineEnd(text) : undefined);
                const safeEnd = cut ?? text.length - longestStopPrefixSuffix(text, extraStops);
                if (safeEnd > emitted) { control.onText(text.slice(emitted, safeEnd)); emitted = safeEnd; }
                if (cut !== undefined) {
                    text = text.slice(0, cut);
                    stopReason = "stopString";
                    stopStream.abort();
                }
            });
        } catch (error) {
            if (!(stopStream.signal.aborted && !control.signal.aborted)) {
                if (error instanceof HttpError) throw new RuntimeError(error.status === 400 ? "invalidRequest" : "engineFailed", error.message);
                throw error;
            }
        }
        if (control.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
        if (emitted < text.length) control.onText(text.slice(emitted));
        // A stop string the server matched itself is reported as "stop", like end of sequence.
        const stats = statsFromTimings(timings, {promptTokens: usage?.prompt_tokens ?? 0, generatedTokens: usage?.completion_tokens ?? chunks}, clock, "none");
        this.totals.add(stats, timings?.predicted_ms ?? stats.totalMs);
        return {text, stopReason, stats};
    }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function firstStopIndex(text: string, stops: string[]): number | undefined {
    let first: number | undefined;
    for (const stop of stops) {
        const at = text.indexOf(stop);
        if (at >= 0 && (first === undefined || at < first)) first = at;
    }
    return first;
}

/** Length of the longest end of `text` that could still grow into a stop string (held back until it cannot). */
function longestStopPrefixSuffix(text: string, stops: string[]): number {
    let longest = 0;
    for (const stop of stops)
        for (let length = Math.min(stop.length - 1, text.length); length > longest; length--)
            if (stop.startsWith(text.slice(text.length - length))) { longest = length; break; }
    return longest;
}

/** A chat stream's text: the answer, and the server's separate reasoning deltas between the thought-channel markers. */
function reasoningText(): (choice: unknown) => {text: string} {
    const markers = new ReasoningMarkers();
    return (choice) => ({text: markers.choice(choice as ChatChoice)});
}

// The embedded engine: node-llama-cpp inside the runtime process. The model is loaded once; one context holds
// two sequences, one for completions and one for chat/refactors, so a completion never waits behind a long
// chat answer: node-llama-cpp puts both sequences' tokens into each batch, each with its fair share.
// Each sequence keeps its KV cache between requests and reuses the longest shared prefix. The host's scheduler
// runs one request at a time on each sequence and decides what supersedes what; this engine only generates.
import type {LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {RuntimeError, type ChatParams, type CompleteParams, type DrafterKind, type GenerationResult, type LoadParams, type ModelInfo, type RuntimeStatus} from "../../protocol";
import {generate} from "../generate";
import {DraftLengthController, type Drafter, type EvaluationPriority} from "../speculation";
import {DraftModelDrafter} from "../drafters/draftModel";
import {validateModelFiles, type ValidatedModels} from "../../models/validate";
import {PromptLookupDrafter} from "../drafters/promptLookup";
import {ChatFormatter} from "./chatPrompt";
import {buildCompletionPrompt, fimTokensOf} from "./fimPrompt";
import {chooseContextSize, chooseThreads} from "./loadChoices";
import {setLlamaLogSink, sharedLlama} from "./llamaInstance";
import {loadNodeLlamaCpp, type NodeLlamaCpp} from "./nodeLlamaCpp";
import type {Engine, EngineFactory, GenerationControl} from "./types";

type Log = Parameters<EngineFactory>[1];

/** One sequence of the target context with what serves requests on it. */
interface Lane {
    readonly sequence: LlamaContextSequence;
    readonly draftSequence: LlamaContextSequence | undefined;
    readonly controller: DraftLengthController;
    readonly priority: EvaluationPriority;
}

/**
 * Loads the files validate.ts accepted: `checked` is its verdict on `params` (judged here when a caller has none),
 * so the drafter it names is known to share the model's vocabulary and special tokens.
 */
export const createEmbeddedEngine = async (
    params: LoadParams, log: Log, signal?: AbortSignal, checked: ValidatedModels = validateModelFiles(params), onProgress?: (fraction: number) => void
): Promise<Engine> => {
    setLlamaLogSink(log);
    const llama = await sharedLlama(params.gpu).catch((error: unknown) => {
        throw new RuntimeError("engineFailed", `could not start llama.cpp (gpu: ${params.gpu}): ${message(error)}`);
    });
    throwIfCancelled(signal);
    const model = await loadModel(llama, params.modelPath, params.gpu, signal, onProgress);
    let context: LlamaContext | undefined;
    let draft: Awaited<ReturnType<typeof loadDrafter>>;
    try {
        const threads = chooseThreads(params.threads, model, llama);
        context = await model.createContext({
            sequences: 2,
            contextSize: chooseContextSize(params.contextSize, model),
            threads,
            // Gemma's sliding-window layers would otherwise forget the tokens that prefix reuse and draft
            // rollback need to keep.
            swaFullCache: true,
            ...(signal ? {createSignal: signal} : {})
        }).catch((error: unknown) => {
            throwIfCancelled(signal);
            throw new RuntimeError("engineFailed", `could not create a context: ${message(error)}`);
        });
        draft = await loadDrafter(params, checked, model, context.contextSize, threads, log, signal);
        throwIfCancelled(signal);
        const engine = new EmbeddedEngine(await loadNodeLlamaCpp(), params, model, context, draft, log);
        log("info", `embedded engine: ${model.fileInfo.metadata.general.architecture}, context ${context.contextSize}, ${threads} thread(s), ` +
            `gpu ${llama.gpu === false ? "off" : llama.gpu}, drafter ${engine.info.drafter}`);
        return engine;
    } catch (error) {
        // A cancelled load frees all it had loaded before it answers.
        await draft?.context.dispose();
        await draft?.model.dispose();
        await context?.dispose();
        await model.dispose();
        throw error;
    }
};

class EmbeddedEngine implements Engine {
    readonly info: ModelInfo;
    private readonly completionLane: Lane;
    private readonly chatLane: Lane;
    private readonly chatFormat: ChatFormatter;
    private readonly drafterKind: DrafterKind;
    /** Aborted by dispose(): every request in flight stops within one decode step. */
    private readonly disposing = new AbortController();
    /** Generations in flight, which dispose() lets stop before it frees the context under them. */
    private readonly inFlight = new Set<Promise<unknown>>();
    private readonly totals = {requests: 0, generatedTokens: 0, draftedTokens: 0, acceptedTokens: 0, decodeMs: 0};

    constructor(
        lib: NodeLlamaCpp,
        params: LoadParams,
        private readonly model: LlamaModel,
        private readonly context: LlamaContext,
        private readonly draft: {model: LlamaModel, context: LlamaContext, path: string} | undefined,
        private readonly log: Log
    ) {
        this.drafterKind = params.drafterMode === "off" ? "none" : draft ? "draftModel" : "promptLookup";
        const maxDraft = Math.max(1, Math.floor(params.maxDraftTokens || 8));
        const lane = (priority: EvaluationPriority): Lane => ({
            sequence: context.getSequence(),
            draftSequence: draft?.context.getSequence(),
            controller: new DraftLengthController(maxDraft),
            priority
        });
        // Completions are latency-bound: when a batch is full, their tokens go first.
        this.completionLane = lane(5);
        this.chatLane = lane(3);
        this.chatFormat = new ChatFormatter(lib, model);
        this.info = {
            engine: "embedded",
            modelPath: params.modelPath,
            architecture: String(model.fileInfo.metadata.general.architecture),
            contextSize: context.contextSize,
            trainContextSize: model.trainContextSize,
            vocabSize: vocabularySize(model),
            hasFim: fimTokensOf(model) !== undefined,
            chatWrapper: this.chatFormat.name,
            drafter: this.drafterKind,
            ...(draft ? {drafterPath: draft.path} : {})
        };
    }

    complete(params: CompleteParams, control: GenerationControl): Promise<GenerationResult> {
        return this.run(this.completionLane, AbortSignal.any([control.signal, this.disposing.signal]), () => {
            if (params.instruct) {
                // No FIM tokens (real Gemma 4): a chat turn whose open model turn holds the code so far.
                const prompt = this.chatFormat.render([{role: "user", content: params.instruct.user}], false, params.instruct.prefill);
                return {promptTokens: prompt.tokens, maxTokens: params.maxTokens, stopTokens: prompt.stopTokens, stopStrings: [...prompt.stopStrings, ...params.stop], specialTokens: true, stopAtLineEnd: params.stopAtLineEnd};
            }
            const budget = this.context.contextSize - params.maxTokens;
            return {
                promptTokens: buildCompletionPrompt(this.model, params, budget),
                maxTokens: params.maxTokens,
                stopStrings: params.stop,
                stopAtLineEnd: params.stopAtLineEnd
            };
        }, control.onText);
    }

    chat(params: ChatParams, control: GenerationControl): Promise<GenerationResult> {
        return this.run(this.chatLane, AbortSignal.any([control.signal, this.disposing.signal]), () => {
            const prompt = this.chatFormat.render(params.messages, params.reasoning);
            // Special tokens as text: the client splits the reasoning off at Gemma 4's thought-channel markers.
            return {promptTokens: prompt.tokens, maxTokens: params.maxTokens, stopTokens: prompt.stopTokens, stopStrings: prompt.stopStrings, specialTokens: true};
        }, control.onText, params.promptLookup === true);
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        return texts.map((text) => this.model.tokenize(text, false).length);
    }

    status(): RuntimeStatus {
        return {model: this.info, totals: {...this.totals}};
    }

    async dispose(): Promise<void> {
        this.disposing.abort();
        await Promise.allSettled(this.inFlight);
        await this.context.dispose();
        await this.model.dispose();
        if (this.draft) {
            await this.draft.context.dispose();
            await this.draft.model.dispose();
        }
    }

    private run(
        lane: Lane,
        signal: AbortSignal,
        prompt: () => {promptTokens: Token[], maxTokens: number, stopTokens?: Set<Token>, stopStrings?: string[], specialTokens?: boolean, stopAtLineEnd?: boolean},
        onText: (text: string) => void,
        preferPromptLookup = false
    ): Promise<GenerationResult> {
        const result = (async () => {
            if (signal.aborted) throw new RuntimeError("cancelled", "the request was cancelled before it started");
            let request;
            try {
                request = prompt();
            } catch (error) {
                throw new RuntimeError("invalidRequest", message(error));
            }
            if (request.promptTokens.length + request.maxTokens > lane.sequence.contextSize)
                throw new RuntimeError("invalidRequest", `the prompt (${request.promptTokens.length} tokens) and maxTokens (${request.maxTokens}) ` +
                    `do not fit in the context (${lane.sequence.contextSize} tokens)`);
            const drafter = this.drafterFor(lane, preferPromptLookup);
            try {
                const {tokens: _tokens, ...generation} = await generate({
                    sequence: lane.sequence,
                    ...request,
                    signal,
                    onText,
                    evaluationPriority: lane.priority,
                    ...(drafter ? {speculation: {drafter, controller: lane.controller}} : {})
                });
                this.count(generation);
                return generation;
            } catch (error) {
                if (error instanceof RuntimeError) throw error;
                this.log("error", `generation failed: ${message(error)}`);
                throw new RuntimeError("engineFailed", `generation failed: ${message(error)}`);
            }
        })();
        this.inFlight.add(result);
        void result.catch(() => undefined).finally(() => this.inFlight.delete(result));
        return result;
    }

    private drafterFor(lane: Lane, preferPromptLookup: boolean): Drafter | undefined {
        if (this.drafterKind === "none") return undefined;
        // An answer that repeats its prompt is drafted best from the prompt itself.
        if (lane.draftSequence && !preferPromptLookup) return new DraftModelDrafter(lane.draftSequence, lane.priority);
        return new PromptLookupDrafter();
    }

    private count(result: GenerationResult): void {
        this.totals.requests++;
        this.totals.generatedTokens += result.stats.generatedTokens;
        this.totals.draftedTokens += result.stats.draftedTokens;
        this.totals.acceptedTokens += result.stats.acceptedTokens;
        this.totals.decodeMs += result.stats.totalMs - result.stats.timeToFirstTokenMs;
    }
}

async function loadModel(
    llama: Awaited<ReturnType<typeof sharedLlama>>, modelPath: string, gpu: LoadParams["gpu"], signal: AbortSignal | undefined, onProgress?: (fraction: number) => void
): Promise<LlamaModel> {
    try {
        return await llama.loadModel({
            modelPath, ...(gpu === "off" ? {gpuLayers: 0} : {}), ...(signal ? {loadSignal: signal} : {}), ...(onProgress ? {onLoadProgress: onProgress} : {})
        });
    } catch (error) {
        throwIfCancelled(signal);
        throw new RuntimeError("badModel", `could not load ${modelPath}: ${message(error)}`, modelPath);
    }
}

/** A cancelled load ends with the cancel itself, never as a bad model. */
function throwIfCancelled(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw signal.reason instanceof RuntimeError ? signal.reason : new RuntimeError("cancelled", "The load was cancelled.");
}

/**
 * The draft model, when the settings ask for one (`auto`, `draftModel`, or `mtp`, which only llama-server can
 * run) and validate.ts accepted one; otherwise undefined and prompt lookup drafts (unless `off`).
 */
async function loadDrafter(
    params: LoadParams, checked: ValidatedModels, target: LlamaModel, contextSize: number, threads: number, log: Log, signal: AbortSignal | undefined
): Promise<{model: LlamaModel, context: LlamaContext, path: string} | undefined> {
    if (params.drafterMode === "off" || params.drafterMode === "promptLookup") return undefined;
    if (params.drafterMode === "mtp") log("warn", "MTP drafting needs the llama-server engine; the embedded engine uses its best own drafter");
    const path = checked.drafter?.kind === "draftModel" ? checked.drafter.path : undefined;
    if (!path) {
        if (params.drafterMode === "draftModel") log("warn", "no draft model configured; drafting by prompt lookup");
        return undefined;
    }
    let model: LlamaModel | undefined;
    try {
        const cancel = signal ? {loadSignal: signal} : {};
        model = await target.llama.loadModel({modelPath: path, ...(params.gpu === "off" ? {gpuLayers: 0} : {}), ...cancel});
        const context = await model.createContext({sequences: 2, contextSize, threads, swaFullCache: true, ...(signal ? {createSignal: signal} : {})});
        return {model, context, path};
    } catch (error) {
        await model?.dispose();
        throwIfCancelled(signal);
        log("warn", `draft model ${path} not used (${message(error)}); drafting by prompt lookup`);
        return undefined;
    }
}

function vocabularySize(model: LlamaModel): number {
    const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
    return Array.isArray(tokens) ? tokens.length : 0;
}

function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

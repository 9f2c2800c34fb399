// The decode loop over one LlamaContextSequence: KV prefix reuse, greedy decoding (plain or speculative),
// UTF-8-safe streaming, stop tokens and stop strings, cancellation checked at every decode step, and stats.
import type {LlamaContextSequence, Token} from "node-llama-cpp";
import type {DrafterKind, GenerationResult, StopReason} from "../protocol";
import {verifyDraft, type DraftLengthController, type Drafter, type EvaluationPriority} from "./speculation";
import {TextStream} from "./textStream";

export interface GenerateRequest {
    sequence: LlamaContextSequence;
    promptTokens: readonly Token[];
    maxTokens: number;
    /** Tokens that end generation besides the model's end-of-generation tokens (e.g. a chat end-of-turn). */
    stopTokens?: ReadonlySet<Token>;
    /** Generation ends before any of these strings; they are never emitted. */
    stopStrings?: readonly string[];
    signal: AbortSignal;
    onText(text: string): void;
    /** Streams the model's special tokens as their text (a chat turn's thought-channel markers); default false. */
    specialTokens?: boolean;
    /** Ends at the first newline after text, which is not returned (a single-line suggestion). */
    stopAtLineEnd?: boolean;
    evaluationPriority?: EvaluationPriority;
    /** Speculative decoding: the drafter and the controller that sizes its drafts. Absent: plain decoding. */
    speculation?: {drafter: Drafter, controller: DraftLengthController};
}

/**
 * Aligns the sequence's KV cache with `tokens`: keeps the longest shared prefix (always leaving at least the
 * last token to evaluate, whose logits give the next token) and erases the divergent tail.
 */
export async function syncPrefix(sequence: LlamaContextSequence, tokens: readonly Token[]): Promise<{reused: number, toEvaluate: Token[]}> {
    await sequence.adaptStateToTokens(tokens.slice(0, tokens.length - 1) as Token[], false);
    const reused = sequence.nextTokenIndex;
    return {reused, toEvaluate: tokens.slice(reused) as Token[]};
}

/** A generation's result with the generated token ids (kept in-process; the protocol carries text only). */
export interface GenerationOutput extends GenerationResult {
    tokens: Token[];
}

export async function generate(request: GenerateRequest): Promise<GenerationOutput> {
    const started = performance.now();
    const {sequence, promptTokens, signal} = request;
    const model = sequence.model;
    const priority = request.evaluationPriority ?? 5;
    if (promptTokens.length === 0) throw new Error("empty prompt");
    if (promptTokens.length + request.maxTokens > sequence.contextSize)
        throw new Error(`prompt (${promptTokens.length} tokens) plus maxTokens (${request.maxTokens}) exceeds the context size (${sequence.contextSize})`);

    const isStop = (token: Token) => model.isEogToken(token) || (request.stopTokens?.has(token) ?? false);
    const stream = new TextStream(model.detokenize.bind(model), request.stopStrings ?? [], request.onText, promptTokens.slice(-8), request.specialTokens, request.stopAtLineEnd);
    const drafterKind: DrafterKind = request.speculation?.drafter.kind ?? "none";
    const generated: Token[] = [];
    let draftedTokens = 0, acceptedTokens = 0;
    let stopReason: StopReason = "maxTokens";
    let firstTokenAt: number | undefined;

    /** Takes one token the target chose; returns the reason to stop, if any. */
    const take = (token: Token): StopReason | undefined => {
        if (isStop(token)) return "eos";
        generated.push(token);
        if (stream.push([token])) return "stopString";
        if (generated.length >= request.maxTokens) return "maxTokens";
        return undefined;
    };

    request.speculation?.drafter.prepare?.(promptTokens);
    let reused = 0;
    try {
        const prepared = await syncPrefix(sequence, promptTokens);
        reused = prepared.reused;
        let pending = await evaluatePrompt(sequence, prepared.toEvaluate, priority, signal);
        if (pending === undefined) return finish("cancelled");
        firstTokenAt = performance.now();

        for (;;) {
            const reason = take(pending);
            if (reason !== undefined) { stopReason = reason; break; }
            if (signal.aborted) { stopReason = "cancelled"; break; }

            const spec = request.speculation;
            const stepStart = performance.now();
            const want = spec ? spec.controller.next(request.maxTokens - generated.length - 1) : 0;
            const draft = want > 0 && spec ? await spec.drafter.propose(promptTokens.concat(generated), want) : [];
            if (draft.length === 0) {
                pending = await plainStep(sequence, pending, priority);
                spec?.controller.recordPlain(performance.now() - stepStart);
                continue;
            }
            const {accepted, next} = await verifyDraft(sequence, pending, draft, priority);
            spec?.controller.recordSpeculative(draft.length, accepted, performance.now() - stepStart);
            draftedTokens += draft.length;
            acceptedTokens += accepted;
            let stopped: StopReason | undefined;
            for (let i = 0; i < accepted && stopped === undefined; i++) stopped = take(draft[i]);
            if (stopped !== undefined) { stopReason = stopped; break; }
            pending = next;
        }
    } finally {
        await request.speculation?.drafter.dispose?.();
    }
    return finish(stopReason);

    function finish(reason: StopReason): GenerationOutput {
        if (reason !== "stopString") stream.flush();
        const end = performance.now();
        const decodeMs = firstTokenAt === undefined ? 0 : end - firstTokenAt;
        return {
            tokens: generated,
            text: stream.text,
            stopReason: reason,
            stats: {
                promptTokens: promptTokens.length,
                reusedPromptTokens: reused,
                generatedTokens: generated.length,
                timeToFirstTokenMs: firstTokenAt === undefined ? end - started : firstTokenAt - started,
                totalMs: end - started,
                // The first token comes from the prompt pass; the rate counts the tokens decoded after it.
                tokensPerSecond: generated.length > 1 && decodeMs > 0 ? (generated.length - 1) / (decodeMs / 1000) : 0,
                drafter: drafterKind,
                draftedTokens,
                acceptedTokens
            }
        };
    }
}

/** Evaluates the new prompt tokens batch by batch (checking for cancellation between batches); returns the first token. */
async function evaluatePrompt(sequence: LlamaContextSequence, tokens: Token[], priority: EvaluationPriority, signal: AbortSignal): Promise<Token | undefined> {
    const batch = Math.max(1, sequence.context.batchSize);
    for (let start = 0; start < tokens.length; start += batch) {
        if (signal.aborted) return undefined;
        const chunk = tokens.slice(start, start + batch);
        const last = start + batch >= tokens.length;
        const input = chunk.map((token, i) => last && i === chunk.length - 1
            ? [token, {generateNext: {token: true}}] as [Token, {generateNext: {token: true}}]
            : token);
        const output = await sequence.controlledEvaluate(input, {evaluationPriority: priority});
        if (last) return requireToken(output[chunk.length - 1]?.next.token);
    }
    throw new Error("no prompt tokens to evaluate");
}

async function plainStep(sequence: LlamaContextSequence, pending: Token, priority: EvaluationPriority): Promise<Token> {
    const output = await sequence.controlledEvaluate([[pending, {generateNext: {token: true}}]], {evaluationPriority: priority});
    return requireToken(output[0]?.next.token);
}

function requireToken(token: Token | null | undefined): Token {
    if (token === undefined || token === null) throw new Error("the model produced no token");
    return token;
}


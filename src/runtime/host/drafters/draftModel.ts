// Draft-model drafting: a small model with the target's vocabulary decodes greedily on its own sequence. Its KV
// cache follows the target's history the same way the target's does: the shared prefix is kept, a rejected
// tail is erased at the next proposal, and only new tokens are evaluated. Whether a file may draft for the
// target (same vocabulary and special tokens) is models/validate.ts's call, made before either is loaded.
import type {LlamaContextSequence, Token} from "node-llama-cpp";
import type {Drafter, EvaluationPriority} from "../speculation";
import {syncPrefix} from "../generate";

export class DraftModelDrafter implements Drafter {
    readonly kind = "draftModel" as const;

    /** The prompt being read ahead (see prepare); proposals wait for it. */
    private reading: Promise<void> = Promise.resolve();

    constructor(private readonly sequence: LlamaContextSequence, private readonly evaluationPriority: EvaluationPriority) {}

    private disposed = false;

    prepare(promptTokens: readonly Token[]): void {
        this.reading = (async () => {
            const {toEvaluate} = await syncPrefix(this.sequence, promptTokens);
            // All but the last prompt token: the first proposal evaluates that one and drafts from its logits.
            const tokens = toEvaluate.slice(0, -1);
            const batch = Math.max(1, this.sequence.context.batchSize);
            for (let start = 0; start < tokens.length && !this.disposed; start += batch)
                await this.sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(start, start + batch), {evaluationPriority: this.evaluationPriority});
        })().catch(() => undefined); // a failed read-ahead only means the first proposal reads the prompt itself
    }

    /** Stops the read-ahead within one batch and waits for it, so the next request never finds this sequence busy. */
    async dispose(): Promise<void> {
        this.disposed = true;
        await this.reading;
    }

    async propose(history: readonly Token[], max: number): Promise<Token[]> {
        if (max <= 0 || history.length === 0) return [];
        await this.reading;
        const {toEvaluate} = await syncPrefix(this.sequence, history);
        const draft: Token[] = [];
        // evaluate() keeps one greedy sampler for the whole draft and ends at an end-of-generation token.
        for await (const token of this.sequence.evaluate(toEvaluate, {temperature: 0, evaluationPriority: this.evaluationPriority})) {
            draft.push(token);
            if (draft.length >= max) break;
        }
        return draft;
    }
}

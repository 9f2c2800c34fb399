// `npm run bench -- batchCost [--dir PATH] [--models a,b] [--threads 1,2] [--reps N]`: what one batch of k tokens costs the
// generated target models (test/fixtures/models, or --dir), as speculative verification evaluates it (logits for
// every token), against one token, and plain greedy tokens/s. Speculation pays only where cost(k) grows slowly
// with k, as on a memory-bound quantized model; this shows whether the test targets behave that way.
// free_drafter_bound: the most any drafter could give each target here, even one costing nothing, when each drafted
// position agrees with the target with the given probability (--agreement; default the realistic drafters' design,
// bench/realisticModels.ts): over the draft lengths k measured, the expected tokens per verification,
// (1 - p^(k+1)) / (1 - p), times the best plain step (either thread count), over what verifying k+1 tokens costs.
import os from "node:os";
import path from "node:path";
import type {Token} from "node-llama-cpp";
import type {BenchArgs} from "./run";
import {loadNodeLlamaCpp} from "../src/runtime/host/engines/nodeLlamaCpp";
import {readManifest} from "../scripts/testModels/generate";
import {ensureTestModels, TEST_MODELS_DIR, type ModelName} from "../test/support/testModels";
import {POSITION_AGREEMENT} from "./realisticModels";
import {median, round} from "./stats";

const BATCH_SIZES = [1, 2, 3, 5, 9, 17];
const TARGETS: ModelName[] = ["llama-target", "gemma4-target"];
const PREFIX_TOKENS = 64;
const GREEDY_TOKENS = 64;

export default async function batchCostBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const dir = typeof args.options.dir === "string" ? path.resolve(args.options.dir) : TEST_MODELS_DIR;
    const threadCounts = String(args.options.threads ?? "1,2").split(",").map(Number);
    const reps = Number(args.options.reps ?? 15);
    const manifest = dir === TEST_MODELS_DIR ? ensureTestModels() : readManifest(dir);
    const {getLlama, LlamaLogLevel} = await loadNodeLlamaCpp();
    const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
    const result: Record<string, unknown> = {dir, load: os.loadavg().map((l) => Number(l.toFixed(2)))};
    const names = typeof args.options.models === "string" ? args.options.models.split(",") as ModelName[] : TARGETS;
    const agreements = typeof args.options.agreement === "string" ? args.options.agreement.split(",").map(Number) : [POSITION_AGREEMENT.draft, POSITION_AGREEMENT.assistant];
    for (const name of names) {
        const costsByThreads = new Map<number, Record<number, number>>();
        const model = await llama.loadModel({modelPath: path.join(dir, `${name}.gguf`)});
        for (const threads of threadCounts) {
            const context = await model.createContext({contextSize: 1024, threads, swaFullCache: true});
            const sequence = context.getSequence();
            // A cycle through the vocabulary's ordinary tokens: any tokens do, the cost does not depend on them.
            const token = (i: number): Token => (300 + (i * 37) % 600) as Token;
            await sequence.evaluateWithoutGeneratingNewTokens(Array.from({length: PREFIX_TOKENS}, (_, i) => token(i)));
            const costs: Record<number, number> = {};
            for (const k of BATCH_SIZES) {
                const times: number[] = [];
                for (let rep = 0; rep < reps; rep++) {
                    const input = Array.from({length: k}, (_, i) => [token(rep + i), {generateNext: {token: true}}] as [Token, {generateNext: {token: true}}]);
                    const start = performance.now();
                    await sequence.controlledEvaluate(input);
                    times.push(performance.now() - start);
                    const end = sequence.nextTokenIndex;
                    await sequence.eraseContextTokenRanges([{start: end - k, end}]);
                }
                costs[k] = median(times);
            }
            let pending = token(0);
            const generated: Token[] = [];
            const start = performance.now();
            for (let i = 0; i < GREEDY_TOKENS; i++) {
                const output = await sequence.controlledEvaluate([[pending, {generateNext: {token: true}}]]);
                pending = output[0]!.next.token!;
                generated.push(pending);
            }
            const greedyTps = GREEDY_TOKENS / ((performance.now() - start) / 1000);
            const successor = manifest?.models[name].successor;
            const greedyMatches = successor === undefined ? undefined : generated.every((t, i) => t === successor[i === 0 ? token(0) : generated[i - 1]]);
            const entry = {
                ms: Object.fromEntries(BATCH_SIZES.map((k) => [k, Number(costs[k].toFixed(2))])),
                ratio9: Number((costs[9] / costs[1]).toFixed(2)),
                ratio17: Number((costs[17] / costs[1]).toFixed(2)),
                greedyTps: Number(greedyTps.toFixed(1)),
                greedyMatches
            };
            console.log(`${name} threads ${threads}: ${JSON.stringify(entry)} (load ${os.loadavg()[0].toFixed(2)})`);
            result[`${name}/t${threads}`] = entry;
            costsByThreads.set(threads, costs);
            await context.dispose();
        }
        await model.dispose();
        result[`${name}/free_drafter_bound`] = Object.fromEntries(agreements.map((p) => [p, round(freeDrafterBound(costsByThreads, p), 3)]));
        console.log(`${name}: a drafter costing nothing would give at most ${JSON.stringify(result[`${name}/free_drafter_bound`])} (by position agreement)`);
    }
    return result;
}

/** The best speedup over plain decoding that verification costs allow at position agreement `p`, drafting free. */
function freeDrafterBound(costsByThreads: ReadonlyMap<number, Record<number, number>>, p: number): number {
    const all = [...costsByThreads.values()];
    const plainStep = Math.min(...all.map((costs) => costs[1]));
    let best = 1;
    for (const costs of all) {
        for (const size of BATCH_SIZES) {
            if (size === 1) continue;
            const expectedTokens = (1 - p ** size) / (1 - p);
            best = Math.max(best, expectedTokens * plainStep / costs[size]);
        }
    }
    return best;
}

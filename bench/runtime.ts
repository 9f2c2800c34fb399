// `npm run bench -- runtime`: the local runtime on the generated Gemma 4 models (test/fixtures/models).
// Plain greedy decoding vs prompt lookup vs a draft model in the embedded engine (each speedup against the same
// engine's plain decoding, output compared token for token), MTP through llama-server (against llama-server's
// own plain decoding), time to first token on a ~4K-token prompt cold and then warm (the same + a few
// characters), and the cost of our child process and protocol against calling the engine in-process.
// The draft model and MTP again where drafters are accepted about as often as real ones (*_realistic keys,
// bench/realisticSpeculation.ts). A completion's first text idle and during a chat answer, and the runtime
// process's memory after one load and after two in a row (bench/scheduling.ts).
// Options: --reps N (default 3), --tokens N (generated per case, default 128).
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import type {CompleteParams, GenerationResult, LoadParams} from "../src/runtime/protocol";
import type {Engine} from "../src/runtime/host/engines/types";
import {createEmbeddedEngine} from "../src/runtime/host/engines/embedded";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {measureMtp} from "./mtp";
import {measureRealisticSpeculation} from "./realisticSpeculation";
import {measureScheduling} from "./scheduling";
import {median, round} from "./stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const log = (level: string, message: string) => { if (level !== "info") console.error(`  [${level}] ${message}`); };
const quiet = () => {};

interface Case {
    name: string;
    params: CompleteParams;
}

interface SpeedRun {
    tps: number;
    drafted: number;
    accepted: number;
    texts: string[];
}

export default async function runtimeBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const reps = Number(args.options.reps ?? 3);
    const maxTokens = Number(args.options.tokens ?? 128);
    const manifest = ensureTestModels();
    const cases = completionCases(manifest.corpus.files, maxTokens);
    const base: LoadParams = {
        engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8,
        contextSize: 8192, gpu: "off", threads: 0
    };
    console.log(`runtime benchmark: gemma4-target, ${cases.length} completion cases × ${maxTokens} tokens, ${reps} repetitions`);

    // Speculation: the three engines stay loaded and take turns case by case, so drift in machine load hits all alike.
    const plain = await createEmbeddedEngine(base, log);
    const lookup = await createEmbeddedEngine({...base, drafterMode: "promptLookup"}, log);
    const draft = await createEmbeddedEngine({...base, drafterMode: "draftModel", drafterPath: testModelPath("gemma4-draft")}, log);
    if (draft.info.drafter !== "draftModel") throw new Error("the draft model was not loaded");
    const runs = {plain: [] as SpeedRun[], lookup: [] as SpeedRun[], draft: [] as SpeedRun[]};
    for (let rep = 0; rep < reps; rep++) {
        const current = {plain: emptyRun(), lookup: emptyRun(), draft: emptyRun()};
        for (const c of cases) {
            for (const [name, engine] of [["plain", plain], ["lookup", lookup], ["draft", draft]] as const) {
                await resetSequence(engine);
                add(current[name], await engine.complete(c.params, {signal: new AbortController().signal, onText: quiet}));
            }
        }
        for (const name of ["plain", "lookup", "draft"] as const) runs[name].push(finishRun(current[name]));
        console.log(`  rep ${rep + 1}: plain ${current.plain.tps.toFixed(1)} tok/s, lookup ${current.lookup.tps.toFixed(1)}, draft ${current.draft.tps.toFixed(1)}`);
    }
    const plainTps = median(runs.plain.map((r) => r.tps));
    const identical = (name: "lookup" | "draft") => runs[name].every((run) => run.texts.every((text, i) => text === runs.plain[0].texts[i]));
    const summary = (name: "lookup" | "draft") => ({
        speedup: median(runs[name].map((r) => r.tps)) / plainTps,
        acceptance: sum(runs[name].map((r) => r.accepted)) / Math.max(1, sum(runs[name].map((r) => r.drafted)))
    });
    const lookupSummary = summary("lookup"), draftSummary = summary("draft");
    console.log(`  plain ${plainTps.toFixed(1)} tok/s; lookup ×${lookupSummary.speedup.toFixed(2)} (acceptance ${pct(lookupSummary.acceptance)}), ` +
        `draft ×${draftSummary.speedup.toFixed(2)} (acceptance ${pct(draftSummary.acceptance)})`);
    await Promise.all([lookup.dispose(), draft.dispose()]);

    const ttft = await measureTtft(plain);
    console.log(`  ttft on a ${ttft.promptTokens}-token prompt: cold ${ttft.cold.toFixed(0)} ms, warm ${ttft.warm.toFixed(1)} ms (reused ${ttft.reused} tokens)`);

    const overhead = await measureProtocolOverhead(plain, base, cases, reps);
    console.log(`  protocol overhead: ${overhead.pct === null ? overhead.note : `${overhead.pct.toFixed(2)}%`}`);
    await plain.dispose();

    // Completions during a chat answer, and memory after loads in a row, through the real runtime process.
    const scheduling = await measureScheduling({reps, log: (line) => console.log(line)});

    const mtp = await measureMtp({reps, log: (line) => console.log(line)}).then(
        (m) => ({speedup: m.mtp_speedup, acceptance: m.mtp_acceptance, identical: m.identical_output, note: undefined}),
        (error: unknown) => ({speedup: null, acceptance: null, identical: undefined, note: `llama-server could not run MTP here: ${error instanceof Error ? error.message : String(error)}`}));
    console.log(`  mtp: ${mtp.note ?? `×${mtp.speedup!.toFixed(2)}, acceptance ${pct(mtp.acceptance!)}`}`);

    // The figures above are best cases (the test targets loop on a few tokens every drafter gets right); these are
    // at a real drafter's acceptance, on models of the same shapes (bench/realisticModels.ts).
    const realistic = await measureRealisticSpeculation({reps, log: (line) => console.log(line)});

    return {
        plain_tps: round(plainTps),
        lookup_speedup: round(lookupSummary.speedup),
        lookup_acceptance: round(lookupSummary.acceptance),
        draft_speedup: round(draftSummary.speedup),
        draft_acceptance: round(draftSummary.acceptance),
        mtp_speedup: mtp.speedup === null ? null : round(mtp.speedup),
        mtp_acceptance: mtp.acceptance === null ? null : round(mtp.acceptance),
        ...(mtp.note ? {mtp_note: mtp.note} : {}),
        identical_output: identical("lookup") && identical("draft") && mtp.identical !== false,
        ...realistic,
        ttft_cold_ms: round(ttft.cold),
        ttft_warm_ms: round(ttft.warm),
        ttft_prompt_tokens: ttft.promptTokens,
        protocol_overhead_pct: overhead.pct === null ? null : round(overhead.pct),
        ...(overhead.note ? {protocol_note: overhead.note} : {}),
        ...scheduling,
        cases: cases.length,
        tokens_per_case: maxTokens,
        reps
    };
}

/** Completion prompts cut from the corpus the models learned (code the drafters can agree on). */
function completionCases(corpusFiles: readonly string[], maxTokens: number): Case[] {
    const cases: Case[] = [];
    for (const file of corpusFiles.slice(0, 4)) {
        const text = fs.readFileSync(path.join(ROOT, "node_modules/node-llama-cpp", file), "utf8");
        for (const fraction of [0.3, 0.7]) {
            const cut = text.indexOf("\n", Math.floor(text.length * fraction)) + 1;
            const start = Math.max(0, cut - 1500);
            cases.push({name: `${path.basename(file)}@${fraction}`, params: {context: "", prefix: text.slice(start, cut), suffix: "", maxTokens, stop: []}});
        }
    }
    return cases;
}

/** Time to first token on a ~4K-token prompt with nothing cached, then on the same prompt plus a few characters. */
async function measureTtft(engine: Engine): Promise<{cold: number, warm: number, promptTokens: number, reused: number}> {
    const text = fs.readFileSync(path.join(ROOT, "node_modules/node-llama-cpp/dist/evaluator/LlamaContext/LlamaContext.js"), "utf8");
    let end = 12000;
    while ((await engine.tokenCount([text.slice(0, end)]))[0] < 4000) end += 1000;
    const params: CompleteParams = {context: "", prefix: text.slice(0, end), suffix: "", maxTokens: 4, stop: []};
    await resetSequence(engine);
    const cold = await engine.complete(params, {signal: new AbortController().signal, onText: quiet});
    const warm = await engine.complete({...params, prefix: params.prefix + "cons"}, {signal: new AbortController().signal, onText: quiet});
    return {cold: cold.stats.timeToFirstTokenMs, warm: warm.stats.timeToFirstTokenMs, promptTokens: cold.stats.promptTokens, reused: warm.stats.reusedPromptTokens};
}

/**
 * The same requests through the real child process (RuntimeClient → dist-like host bundle → engine) and to the
 * engine in this process; overhead = median over cases of the extra wall time of the first over the second.
 */
async function measureProtocolOverhead(direct: Engine, base: LoadParams, cases: Case[], reps: number): Promise<{pct: number | null, note?: string}> {
    const hostPath = await bundleHost();
    const {RuntimeClient} = await import("../src/runtime/client");
    const {silentLogger} = await import("../src/log");
    const client = new RuntimeClient({hostPath, log: silentLogger});
    try {
        await client.start();
        const info = await client.load(base);
        if (info.engine !== "embedded") throw new Error(`the host chose the ${info.engine} engine`);
    } catch (error) {
        await client.dispose?.();
        return {pct: null, note: `the runtime process could not load the embedded engine (${error instanceof Error ? error.message : String(error)}); TODO: measure once the host wires createEmbeddedEngine`};
    }
    const viaProcess: number[] = [], inProcess: number[] = [], ratios: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
        let processMs = 0, directMs = 0;
        for (const [index, c] of cases.entries()) {
            const before = {processMs, directMs};
            // Each side first fills its KV cache with the prompt, then the timed request reuses it, so both time
            // decoding; the side that goes first alternates, so drift in machine load hits both alike.
            const params = {...c.params, maxTokens: 64};
            const viaClient = async () => {
                await client.complete(params);
                const started = performance.now();
                await client.complete(params, {onText: () => {}});
                processMs += performance.now() - started;
            };
            const viaEngine = async () => {
                await direct.complete(params, {signal: new AbortController().signal, onText: quiet});
                const started = performance.now();
                await direct.complete(params, {signal: new AbortController().signal, onText: () => {}});
                directMs += performance.now() - started;
            };
            if ((index + rep) % 2 === 0) { await viaClient(); await viaEngine(); }
            else { await viaEngine(); await viaClient(); }
            ratios.push((processMs - before.processMs) / (directMs - before.directMs));
        }
        viaProcess.push(processMs);
        inProcess.push(directMs);
        console.log(`  overhead rep ${rep + 1}: process ${processMs.toFixed(0)} ms, in-process ${directMs.toFixed(0)} ms`);
    }
    await client.dispose?.();
    // Each case's two sides ran back to back: the median of their ratios cancels drift in machine load.
    return {pct: (median(ratios) - 1) * 100};
}

/** Bundles the host entry like esbuild.mjs does, into .cache/ (so node-llama-cpp resolves from node_modules). */
async function bundleHost(): Promise<string> {
    const esbuild = await import("esbuild");
    const outfile = path.join(ROOT, ".cache/bench/runtime-host.mjs");
    await esbuild.build({
        entryPoints: [path.join(ROOT, "src/runtime/host/main.ts")], outfile, bundle: true, platform: "node", format: "esm",
        target: "node20", external: ["vscode", "node-llama-cpp"], logLevel: "warning"
    });
    return outfile;
}

/** Empties a completion sequence's cache so a case is timed from its own prompt, not a previous case's. */
async function resetSequence(engine: Engine): Promise<void> {
    await engine.complete({context: "", prefix: "\n", suffix: "", maxTokens: 1, stop: []}, {signal: new AbortController().signal, onText: quiet});
}

interface RunAccumulator extends SpeedRun { tokens: number, decodeMs: number }

function emptyRun(): RunAccumulator {
    return {tps: 0, drafted: 0, accepted: 0, texts: [], tokens: 0, decodeMs: 0};
}

function add(run: RunAccumulator, result: GenerationResult): void {
    const decoded = Math.max(0, result.stats.generatedTokens - 1);
    run.tokens += decoded;
    run.decodeMs += result.stats.tokensPerSecond > 0 ? decoded / result.stats.tokensPerSecond * 1000 : 0;
    run.drafted += result.stats.draftedTokens;
    run.accepted += result.stats.acceptedTokens;
    run.texts.push(result.text);
    run.tps = run.decodeMs > 0 ? run.tokens / (run.decodeMs / 1000) : 0;
}

function finishRun(run: RunAccumulator): SpeedRun {
    return {tps: run.tps, drafted: run.drafted, accepted: run.accepted, texts: run.texts};
}

function sum(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

function pct(value: number): string {
    return `${(value * 100).toFixed(0)}%`;
}

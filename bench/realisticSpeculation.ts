// `npm run bench -- realisticSpeculation [--reps N] [--tokens N]`: speculative decoding where the drafters are
// accepted about as often as real ones (0.6–0.8 of drafted tokens), on models with the generated Gemma 4 test
// models' exact shapes whose target recites a long non-repeating token cycle (bench/realisticModels.ts says why).
// The draft model through the embedded engine against the same engine's plain decoding; the MTP assistant through
// llama-server against the same server's plain decoding. Each pair alternates request by request, so drifting
// machine load hits both sides alike; speedups are the median of the repetitions' own ratios. Output is compared
// with plain decoding, and plain decoding with the recital the target was built to produce.
// `measureRealisticSpeculation` is exported for bench/runtime.ts.
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import type {CompleteParams, GenerationResult, LoadParams} from "../src/runtime/protocol";
import type {Engine} from "../src/runtime/host/engines/types";
import {createEmbeddedEngine} from "../src/runtime/host/engines/embedded";
import {CORPUS_FILES} from "../scripts/testModels/corpus";
import {REPO_ROOT} from "../scripts/testModels/generate";
import {ensureRealisticModels, fixedDraftAcceptance, RECITAL_LENGTH, type RealisticModels} from "./realisticModels";
import {measureMtp} from "./mtp";
import {median, round} from "./stats";

export interface RealisticSpeculation {
    /** Draft-model tokens/s over plain tokens/s, embedded engine (median over repetitions of each one's ratio). */
    draft_speedup_realistic: number;
    /** The same ratio from this process's CPU time per generated token (the engine runs in it, on one thread). */
    draft_speedup_cpu_realistic: number;
    /** Accepted over drafted tokens. */
    draft_acceptance_realistic: number;
    /** Drafted tokens per generated token: how far ahead the adaptive controller chose to draft. */
    draft_tokens_per_generated_realistic: number;
    /** Share of output positions where the draft model proposes the target's token (its design). */
    draft_position_agreement_realistic: number;
    /** MTP tokens/s over plain tokens/s through llama-server (median over repetitions), null when it cannot run. */
    mtp_speedup_realistic: number | null;
    /** The same ratio from the server process's CPU time per token, steadier on a loaded machine. */
    mtp_speedup_cpu_realistic: number | null;
    mtp_acceptance_realistic: number | null;
    mtp_position_agreement_realistic: number;
    mtp_note_realistic?: string;
    /** Every speculative completion equals plain decoding, text for text. */
    identical_output_realistic: boolean;
    /** Plain decoding produced the recital the target was built for (else the models are not what they claim). */
    recital_followed_realistic: boolean;
    realistic_tokens: number;
    realistic_reps: number;
}

export interface RealisticOptions {
    reps?: number;
    /** Tokens per request, at most RECITAL_LENGTH (then every designed disagreement is met exactly once). */
    tokens?: number;
    log?: (line: string) => void;
}

const quiet = (): void => undefined;

export async function measureRealisticSpeculation(options: RealisticOptions = {}): Promise<RealisticSpeculation> {
    const print = options.log ?? quiet;
    const reps = options.reps ?? 3;
    const tokens = Math.min(RECITAL_LENGTH, options.tokens ?? RECITAL_LENGTH);
    const models = ensureRealisticModels(print);
    const prompt = completionPrompt(tokens);
    const expected = models.recitalPieces.slice(0, tokens).join("");
    print(`realistic speculation: recital target, ${tokens} tokens per request, ${reps} repetitions; drafters agree on ` +
        `${pct(models.positionAgreement.draft)} (draft model) and ${pct(models.positionAgreement.assistant)} (MTP) of positions`);

    const draft = await measureDraftModel(models, prompt, expected, reps, print);
    print(`  draft model: ×${draft.speedup.toFixed(2)} (CPU time ×${draft.cpuSpeedup.toFixed(2)}), acceptance ${draft.acceptance.toFixed(3)}, identical ${draft.identical}, recital followed ${draft.followed}`);

    const predicted = fixedDraftAcceptance(models.successor.target, models.successor.assistant, models.recital[0], tokens, 8);
    const mtp = await measureMtp({
        modelPath: models.paths.target, drafterPath: models.paths.assistant, reps, maxDraftTokens: 8,
        prompts: [prompt], expectPlain: (text) => recites(text, expected), log: print
    }).then(
        (m) => ({speedup: median(m.rep_speedups), cpu: m.mtp_speedup_cpu, acceptance: m.mtp_acceptance, identical: m.identical_output, followed: m.plain_as_expected, note: undefined}),
        (error: unknown) => ({speedup: null, cpu: null, acceptance: null, identical: undefined, followed: undefined, note: `llama-server could not run MTP here: ${error instanceof Error ? error.message : String(error)}`}));
    print(`  mtp: ${mtp.note ?? `×${mtp.speedup!.toFixed(2)} (CPU time ×${mtp.cpu}), acceptance ${mtp.acceptance} (the tables predict ${predicted.toFixed(3)} for 8-token drafts), identical ${mtp.identical}, recital followed ${mtp.followed}`}`);

    return {
        draft_speedup_realistic: round(draft.speedup),
        draft_speedup_cpu_realistic: round(draft.cpuSpeedup),
        draft_acceptance_realistic: round(draft.acceptance),
        draft_tokens_per_generated_realistic: round(draft.draftedPerToken),
        draft_position_agreement_realistic: round(models.positionAgreement.draft),
        mtp_speedup_realistic: mtp.speedup === null ? null : round(mtp.speedup),
        mtp_speedup_cpu_realistic: mtp.cpu,
        mtp_acceptance_realistic: mtp.acceptance,
        mtp_position_agreement_realistic: round(models.positionAgreement.assistant),
        ...(mtp.note ? {mtp_note_realistic: mtp.note} : {}),
        identical_output_realistic: draft.identical && mtp.identical !== false,
        recital_followed_realistic: draft.followed && mtp.followed !== false,
        realistic_tokens: tokens,
        realistic_reps: reps
    };
}

async function measureDraftModel(models: RealisticModels, prompt: CompleteParams, expected: string, reps: number, print: (line: string) => void) {
    const base: LoadParams = {
        engine: "embedded", modelPath: models.paths.target, drafterMode: "off", maxDraftTokens: 8, contextSize: 8192, gpu: "off", threads: 0
    };
    const log = (level: string, message: string) => { if (level !== "info") print(`  [${level}] ${message}`); };
    const plain = await createEmbeddedEngine(base, log);
    const draft = await createEmbeddedEngine({...base, drafterMode: "draftModel", drafterPath: models.paths.draft}, log);
    try {
        if (draft.info.drafter !== "draftModel") throw new Error("the recital draft model was not loaded");
        // Warm both once so neither pays first-request costs inside the measurement.
        await complete(plain, {...prompt, maxTokens: 16});
        await complete(draft, {...prompt, maxTokens: 16});
        const ratios: number[] = [];
        let drafted = 0, accepted = 0, generated = 0, identical = true, followed = true;
        const cpu = {plain: 0, draft: 0, plainTokens: 0, draftTokens: 0};
        for (let rep = 0; rep < reps; rep++) {
            const order = rep % 2 === 0 ? [plain, draft] : [draft, plain];
            const results = new Map<Engine, {result: GenerationResult, cpuMs: number}>();
            for (const engine of order) results.set(engine, await measured(engine, prompt));
            const {result: p, cpuMs: plainCpu} = results.get(plain)!, {result: d, cpuMs: draftCpu} = results.get(draft)!;
            cpu.plain += plainCpu;
            cpu.draft += draftCpu;
            cpu.plainTokens += p.stats.generatedTokens;
            cpu.draftTokens += d.stats.generatedTokens;
            identical &&= d.text === p.text;
            followed &&= recites(p.text, expected);
            drafted += d.stats.draftedTokens;
            accepted += d.stats.acceptedTokens;
            generated += d.stats.generatedTokens;
            ratios.push(d.stats.tokensPerSecond / p.stats.tokensPerSecond);
            print(`  draft rep ${rep + 1}: plain ${p.stats.tokensPerSecond.toFixed(1)} tok/s, draft ${d.stats.tokensPerSecond.toFixed(1)} tok/s ` +
                `(×${ratios.at(-1)!.toFixed(2)}; CPU ms/token ${(plainCpu / p.stats.generatedTokens).toFixed(1)} vs ${(draftCpu / d.stats.generatedTokens).toFixed(1)}), acceptance ${(d.stats.acceptedTokens / Math.max(1, d.stats.draftedTokens)).toFixed(3)}`);
        }
        const cpuSpeedup = (cpu.plain / cpu.plainTokens) / (cpu.draft / cpu.draftTokens);
        return {speedup: median(ratios), cpuSpeedup, acceptance: accepted / Math.max(1, drafted), draftedPerToken: drafted / Math.max(1, generated), identical, followed};
    } finally {
        await draft.dispose();
        await plain.dispose();
    }
}

/**
 * A cursor position in real code (the middle of a corpus file, its prefix and suffix around a line end). The
 * recital target's output does not depend on it (the prompt ends in a newline, off the recited cycle), but its length
 * sets the attention work of each step, as a real prompt's does.
 */
function completionPrompt(maxTokens: number): CompleteParams {
    const text = fs.readFileSync(path.join(REPO_ROOT, "node_modules/node-llama-cpp", CORPUS_FILES[0]), "utf8");
    const cut = text.indexOf("\n", Math.floor(text.length * 0.5)) + 1;
    return {context: "", prefix: text.slice(Math.max(0, cut - 1500), cut), suffix: text.slice(cut, cut + 400), maxTokens, stop: []};
}

/**
 * Whether plain decoding produced the recital. Spaces are left out of the comparison: llama.cpp's detokenizer drops
 * the space before ?!., and around some apostrophes, which the tables' own decoding keeps.
 */
function recites(text: string, expected: string): boolean {
    return text.length > 0 && text.replaceAll(" ", "") === expected.replaceAll(" ", "");
}

async function complete(engine: Engine, params: CompleteParams): Promise<GenerationResult> {
    return await engine.complete(params, {signal: new AbortController().signal, onText: quiet});
}

/**
 * One completion with its prompt already cached (a 1-token request first), and the CPU time this process spent
 * on it: the engine runs in this process on one thread, so that is its work, steady however loaded the machine is.
 */
async function measured(engine: Engine, params: CompleteParams): Promise<{result: GenerationResult, cpuMs: number}> {
    await complete(engine, {...params, maxTokens: 1});
    const before = process.cpuUsage();
    const result = await complete(engine, params);
    const used = process.cpuUsage(before);
    return {result, cpuMs: (used.user + used.system) / 1000};
}

function pct(value: number): string {
    return `${(value * 100).toFixed(1)}%`;
}

export default async function realisticSpeculationBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const result = await measureRealisticSpeculation({
        reps: args.options.reps === undefined ? undefined : Number(args.options.reps),
        tokens: args.options.tokens === undefined ? undefined : Number(args.options.tokens),
        log: (line) => console.log(line)
    });
    return {...result};
}

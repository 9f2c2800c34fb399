// `npm run bench -- mtp [--model T.gguf --drafter A.gguf] [--tokens N] [--reps N] [--threads N] [--draft N]`: Gemma 4 MTP
// through llama-server against the same server engine's plain decoding (no drafter), on the same completion
// prompts, greedy. Defaults to the generated gemma4-target / gemma4-assistant; pass real GGUFs to measure those.
// `measureMtp` is exported for other benchmarks.
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import type {CompleteParams, GenerationResult, LoadParams} from "../src/runtime/protocol";
import {createLlamaServerEngine, type LlamaServerEngine} from "../src/runtime/host/engines/llamaServer";
import type {Engine} from "../src/runtime/host/engines/types";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {round} from "./stats";

export interface MtpMeasurement {
    /** MTP tokens/s over plain tokens/s, the server's decode timings summed over all prompts. */
    mtp_speedup: number;
    /** Accepted over drafted tokens. */
    mtp_acceptance: number;
    mtp_tps: number;
    plain_tps: number;
    /**
     * The same ratio from the server process's CPU time per generated token (utime+stime in /proc). On a machine
     * shared with other work, wall-clock rates swing with the load; CPU time with one thread barely does.
     */
    mtp_speedup_cpu: number | null;
    /** mtp_speedup of each repetition alone (its requests ran back to back with their plain twins). */
    rep_speedups: number[];
    /** Every MTP completion equals the plain one. */
    identical_output: boolean;
    /** Whether every plain completion passed the caller's `expectPlain` check (only when one was given). */
    plain_as_expected?: boolean;
}

export interface MtpOptions {
    modelPath?: string;
    drafterPath?: string;
    maxTokens?: number;
    reps?: number;
    threads?: number;
    maxDraftTokens?: number;
    /** Completion requests to time (default: cursor positions in this repository's TypeScript, `maxTokens` each). */
    prompts?: CompleteParams[];
    /** Checks each plain completion of prompts[index] (that the model is the one the caller built). */
    expectPlain?: (text: string, index: number) => boolean;
    log?: (line: string) => void;
}

const quiet = (): void => undefined;

export async function measureMtp(options: MtpOptions = {}): Promise<MtpMeasurement> {
    const print = options.log ?? quiet;
    if (!options.modelPath) ensureTestModels();
    const base: LoadParams = {
        engine: "llamaServer",
        modelPath: options.modelPath ?? testModelPath("gemma4-target"),
        drafterMode: "off",
        maxDraftTokens: options.maxDraftTokens ?? 8,
        contextSize: 4096,
        gpu: "off",
        // 0: the engine's own choice (one thread for small models, where CPU time per token measures work).
        threads: options.threads ?? 0
    };
    const prompts = options.prompts ?? completionPrompts(options.maxTokens ?? 96);
    const serverLog = (level: string, message: string): void => { if (level !== "info") print(`  [${level}] ${message}`); };
    const plain = await createLlamaServerEngine(base, serverLog);
    let mtp: Engine | undefined;
    try {
        mtp = await createLlamaServerEngine({...base, drafterMode: "mtp", drafterPath: options.drafterPath ?? testModelPath("gemma4-assistant")}, serverLog);
        const totals = {plain: {tokens: 0, ms: 0, cpuMs: 0}, mtp: {tokens: 0, ms: 0, cpuMs: 0}, drafted: 0, accepted: 0};
        let identical = true;
        let asExpected = true;
        const cpuReadable = processCpuMs((plain as LlamaServerEngine).pid) !== undefined;
        // Warm both servers once so neither pays first-request costs inside the measurement.
        await run(plain, {...prompts[0], maxTokens: 16});
        await run(mtp, {...prompts[0], maxTokens: 16});
        const repSpeedups: number[] = [];
        for (let rep = 0; rep < (options.reps ?? 3); rep++) {
            const before = {plain: {...totals.plain}, mtp: {...totals.mtp}};
            for (const [index, prompt] of prompts.entries()) {
                // Alternate the order so drifting background load does not favour one side.
                const [first, second] = (rep + index) % 2 === 0 ? [plain, mtp] : [mtp, plain];
                const a = await measured(first, prompt);
                const b = await measured(second, prompt);
                const [p, m] = first === plain ? [a, b] : [b, a];
                identical &&= p.result.text === m.result.text;
                if (options.expectPlain) asExpected &&= options.expectPlain(p.result.text, index);
                for (const [side, one] of [[totals.plain, p], [totals.mtp, m]] as const) {
                    side.tokens += one.result.stats.generatedTokens;
                    side.ms += decodeMs(one.result);
                    side.cpuMs += one.cpuMs;
                }
                totals.drafted += m.result.stats.draftedTokens;
                totals.accepted += m.result.stats.acceptedTokens;
            }
            const repTps = (side: "plain" | "mtp") => (totals[side].tokens - before[side].tokens) / (totals[side].ms - before[side].ms);
            repSpeedups.push(round(repTps("mtp") / repTps("plain")));
            print(`  rep ${rep + 1}: plain ${(1000 * totals.plain.tokens / totals.plain.ms).toFixed(1)} tok/s, ` +
                `mtp ${(1000 * totals.mtp.tokens / totals.mtp.ms).toFixed(1)} tok/s, acceptance ${(totals.accepted / Math.max(1, totals.drafted)).toFixed(3)}`);
        }
        const plainTps = 1000 * totals.plain.tokens / totals.plain.ms;
        const mtpTps = 1000 * totals.mtp.tokens / totals.mtp.ms;
        const cpuPerToken = (side: {tokens: number, cpuMs: number}): number => side.cpuMs / side.tokens;
        return {
            mtp_speedup: round(mtpTps / plainTps),
            mtp_acceptance: round(totals.accepted / Math.max(1, totals.drafted)),
            mtp_tps: round(mtpTps),
            plain_tps: round(plainTps),
            mtp_speedup_cpu: cpuReadable ? round(cpuPerToken(totals.plain) / cpuPerToken(totals.mtp)) : null,
            rep_speedups: repSpeedups,
            identical_output: identical,
            ...(options.expectPlain ? {plain_as_expected: asExpected} : {})
        };
    } finally {
        await mtp?.dispose();
        await plain.dispose();
    }
}

/** One completion, its prompt already in the server's cache (a 1-token request first), with the CPU it cost. */
async function measured(engine: Engine, params: CompleteParams): Promise<{result: GenerationResult, cpuMs: number}> {
    await run(engine, {...params, maxTokens: 1});
    const pid = (engine as LlamaServerEngine).pid;
    const before = processCpuMs(pid) ?? 0;
    const result = await run(engine, params);
    return {result, cpuMs: (processCpuMs(pid) ?? 0) - before};
}

/** utime + stime of a process in ms (Linux /proc; undefined elsewhere). Clock ticks are 100 Hz on Linux. */
function processCpuMs(pid: number): number | undefined {
    try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

async function run(engine: Engine, params: CompleteParams): Promise<GenerationResult> {
    return await engine.complete(params, {signal: new AbortController().signal, onText: quiet});
}

/** Decode time as the server measured it (tokens/s over generated tokens), so prompt processing is left out. */
function decodeMs(result: GenerationResult): number {
    return result.stats.tokensPerSecond > 0 ? 1000 * result.stats.generatedTokens / result.stats.tokensPerSecond : result.stats.totalMs;
}

/** Cursor positions in this repository's own TypeScript: the prefix up to a line end, the rest as suffix. */
function completionPrompts(maxTokens: number): CompleteParams[] {
    const root = path.resolve(import.meta.dirname, "..");
    const files = ["src/runtime/host/engines/llamaServer.ts", "src/runtime/host/engines/http.ts", "src/runtime/llamaServerBinary.ts"];
    const prompts: CompleteParams[] = [];
    for (const file of files) {
        const text = fs.readFileSync(path.join(root, file), "utf8");
        for (const fraction of [0.35, 0.7]) {
            const cut = text.indexOf("\n", Math.floor(text.length * fraction)) + 1;
            prompts.push({context: "", prefix: text.slice(Math.max(0, cut - 1500), cut), suffix: text.slice(cut, cut + 400), maxTokens, stop: []});
        }
    }
    return prompts;
}

export default async function mtpBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const option = (name: string): string | undefined => typeof args.options[name] === "string" ? args.options[name] as string : undefined;
    const number = (name: string): number | undefined => option(name) === undefined ? undefined : Number(option(name));
    console.log("mtp benchmark: llama-server with the gemma4-assistant drafter vs the same server without it");
    const result = await measureMtp({
        modelPath: option("model"),
        drafterPath: option("drafter"),
        maxTokens: number("tokens"),
        reps: number("reps"),
        threads: number("threads"),
        maxDraftTokens: number("draft"),
        log: (line) => console.log(line)
    });
    console.log(`  speedup ×${result.mtp_speedup} (wall), ×${result.mtp_speedup_cpu} (CPU time), acceptance ${result.mtp_acceptance}, identical output: ${result.identical_output}`);
    return {...result};
}

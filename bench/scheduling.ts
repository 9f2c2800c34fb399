// `npm run bench -- scheduling` (and part of `npm run bench -- runtime`): the runtime's scheduler and loads,
// measured through the real runtime process (RuntimeClient + dist/runtime-host.mjs) on the generated models.
//  - completion_idle_ms_p50 / completion_during_chat_ms_p50: time from asking for a completion to its first
//    streamed text, with nothing else running, and while a 256-token chat answer streams (target: during/idle
//    ≤ 1.5, a completion never waits behind a chat answer). Each completion's prompt is evaluated afresh.
//  - load_once_rss_mb / load_twice_rss_mb: the runtime process's resident memory after one load, and after two
//    loads in a row of different models (the second sent while the first loads); target: twice within 10%.
// Options: --reps N (RSS runs per case, default 3), --samples N (completions per latency case, default 12).
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import type {CompleteParams, LoadParams} from "../src/runtime/protocol";
import {RuntimeClient} from "../src/runtime/client";
import {silentLogger} from "../src/log";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {median, round} from "./stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const HOST_PATH = path.join(ROOT, "dist/runtime-host.mjs");
const CHAT_TOKENS = 256;

export interface SchedulingOptions {
    reps?: number;
    samples?: number;
    log?: (line: string) => void;
}

export interface SchedulingMeasurement {
    completion_during_chat_ms_p50: number;
    completion_idle_ms_p50: number;
    load_once_rss_mb: number;
    load_twice_rss_mb: number;
}

export async function measureScheduling(options: SchedulingOptions = {}): Promise<SchedulingMeasurement> {
    const log = options.log ?? (() => {});
    const manifest = ensureTestModels();
    buildHost();
    const latency = await measureCompletionLatency(completionPrompts(manifest.corpus.files, options.samples ?? 12), log);
    const memory = await measureLoadMemory(options.reps ?? 3, log);
    return {...latency, ...memory};
}

export default async function schedulingBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const measured = await measureScheduling({
        reps: Number(args.options.reps ?? 3), samples: Number(args.options.samples ?? 12), log: (line) => console.log(line)
    });
    return {...measured, completion_during_chat_ratio: round(measured.completion_during_chat_ms_p50 / measured.completion_idle_ms_p50)};
}

/** The benchmark measures what the extension runs: the bundled host, built from the current sources. */
function buildHost(): void {
    execFileSync(process.execPath, [path.join(ROOT, "esbuild.mjs")], {cwd: ROOT, stdio: ["ignore", "ignore", "inherit"]});
    if (!fs.existsSync(HOST_PATH)) throw new Error(`${HOST_PATH} was not built`);
}

function embedded(model: "gemma4-target" | "llama-target"): LoadParams {
    return {engine: "embedded", modelPath: testModelPath(model), drafterMode: "off", maxDraftTokens: 8, contextSize: 8192, gpu: "off", threads: 0};
}

async function measureCompletionLatency(prompts: CompleteParams[], log: (line: string) => void): Promise<Pick<SchedulingMeasurement, "completion_during_chat_ms_p50" | "completion_idle_ms_p50">> {
    const client = new RuntimeClient({hostPath: HOST_PATH, log: silentLogger});
    try {
        await client.load(embedded("gemma4-target"));
        // Warm up both sequences (first-use allocations) before timing anything.
        await client.chat({messages: [{role: "user", content: "Explain everything."}], maxTokens: 8, reasoning: false});
        await timeToFirstText(client, prompts[0]);
        const idle: number[] = [], duringChat: number[] = [];
        let discarded = 0;
        // Idle and during-chat samples alternate, on the same prompts, so drift in machine load hits both alike.
        for (const prompt of prompts) {
            await forgetCompletionPrefix(client);
            idle.push(await timeToFirstText(client, prompt));

            await forgetCompletionPrefix(client);
            const chat = streamChat(client);
            await chat.streaming;
            const during = await timeToFirstText(client, prompt);
            // A sample counts only if the chat was still streaming when the completion's first text came.
            if (chat.finished()) discarded++;
            else duringChat.push(during);
            await chat.done;
        }
        if (duringChat.length === 0) throw new Error("every chat answer ended before its completion's first text: nothing was measured");
        const result = {completion_idle_ms_p50: round(median(idle)), completion_during_chat_ms_p50: round(median(duringChat))};
        log(`  completion first text: idle p50 ${result.completion_idle_ms_p50} ms, during a ${CHAT_TOKENS}-token chat p50 ` +
            `${result.completion_during_chat_ms_p50} ms (×${(result.completion_during_chat_ms_p50 / result.completion_idle_ms_p50).toFixed(2)}, ` +
            `${duringChat.length} samples${discarded ? `, ${discarded} discarded: the chat had ended` : ""})`);
        return result;
    } finally {
        await client.dispose();
    }
}

/** A 256-token chat answer; `streaming` resolves once a few chunks have arrived (the answer is mid-stream). */
function streamChat(client: RuntimeClient): {streaming: Promise<void>, done: Promise<unknown>, finished: () => boolean} {
    let chunks = 0;
    let finished = false;
    let streaming!: () => void;
    const started = new Promise<void>((resolve) => { streaming = resolve; });
    const done = client.chat({messages: [{role: "user", content: "Explain everything."}], maxTokens: CHAT_TOKENS, reasoning: false}, {
        onText: () => { if (++chunks === 8) streaming(); }
    }).finally(() => { finished = true; streaming(); });
    return {streaming: started, done, finished: () => finished};
}

async function timeToFirstText(client: RuntimeClient, prompt: CompleteParams): Promise<number> {
    const started = performance.now();
    let first: number | undefined;
    await client.complete(prompt, {onText: () => { first ??= performance.now(); }});
    if (first === undefined) throw new Error("a completion streamed no text");
    return first - started;
}

/** A one-token completion on another prompt, so the next one shares no cached prefix and is evaluated afresh. */
async function forgetCompletionPrefix(client: RuntimeClient): Promise<void> {
    await client.complete({context: "", prefix: "\n", suffix: "", maxTokens: 1, stop: []});
}

/** Completion prompts of about 1,500 characters cut from the corpus the models learned. */
function completionPrompts(corpusFiles: readonly string[], count: number): CompleteParams[] {
    const texts = corpusFiles.slice(0, 4).map((file) => fs.readFileSync(path.join(ROOT, "node_modules/node-llama-cpp", file), "utf8"));
    const prompts: CompleteParams[] = [];
    for (let i = 0; i < count; i++) {
        const text = texts[i % texts.length];
        const cut = text.indexOf("\n", Math.floor(text.length * (0.2 + 0.6 * ((i * 0.37) % 1)))) + 1;
        prompts.push({context: "", prefix: text.slice(Math.max(0, cut - 1500), cut), suffix: "", maxTokens: 8, stop: []});
    }
    return prompts;
}

async function measureLoadMemory(reps: number, log: (line: string) => void): Promise<Pick<SchedulingMeasurement, "load_once_rss_mb" | "load_twice_rss_mb">> {
    const once: number[] = [], twice: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
        once.push(await residentAfter(async (client) => {
            await client.load(embedded("llama-target"));
        }));
        twice.push(await residentAfter(async (client) => {
            // Settings changed while the first model loads: the second load supersedes it.
            const first = client.load(embedded("gemma4-target")).then(() => "loaded", (error: Error) => error.message);
            await delay(200);
            await client.load(embedded("llama-target"));
            log(`  rep ${rep + 1}: the first of two loads in a row: ${await first}`);
        }));
        log(`  rep ${rep + 1}: RSS after one load ${once.at(-1)!.toFixed(0)} MiB, after two in a row ${twice.at(-1)!.toFixed(0)} MiB`);
    }
    return {load_once_rss_mb: round(median(once)), load_twice_rss_mb: round(median(twice))};
}

/** A fresh runtime process, llama.cpp started, `loads` run, one completion served: its resident memory then. */
async function residentAfter(loads: (client: RuntimeClient) => Promise<void>): Promise<number> {
    const client = new RuntimeClient({hostPath: HOST_PATH, log: silentLogger});
    try {
        await client.request("machine", {gpu: "off"});
        await loads(client);
        await client.complete({context: "", prefix: "export function ", suffix: "", maxTokens: 8, stop: []});
        return residentMb(client.pid!);
    } finally {
        await client.dispose();
    }
}

function residentMb(pid: number): number {
    try {
        const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (match) return Number(match[1]) / 1024;
    } catch {
        // not Linux: ask ps
    }
    return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], {encoding: "utf8"}).trim()) / 1024;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}


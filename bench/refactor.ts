// `npm run bench -- refactor`: the refactors' costs.
//   rewrite_lookup_speedup: a Rewrite of a 60-line function (its real prompt, src/refactor/prompts.ts) on the
//     generated gemma4 model, decoded tokens per second with prompt lookup (ChatParams.promptLookup, what Rewrite
//     and Add Documentation ask for) over plain decoding; rewrite_identical: the two outputs are the same text.
//     The generated model gives every chat prompt one fixed answer (models.json's gemma4.chatAnswer, 48 tokens,
//     scripts/testModels/README.md); the function here holds that answer as one of its lines, so the answer
//     repeats text of its target, as a rewrite does. The number says what prompt lookup and the verify loop give
//     when the answer repeats text in view, not what a real model's rewrite of real code gets.
//   rewrite_lookup_with_draft_model: with a draft model loaded too, the request still drafts by prompt lookup.
//   rewrite_server_speedup: the same rewrite on llama-server started with the MTP drafter (which runs prompt
//     lookup first, llamaServer.ts) over a plain llama-server; rewrite_server_identical. Skipped (null) when
//     llama-server is not built.
//   apply_ms_p95: preview and apply on a 5,000-line file, without VS Code: parsing the answer, matching its
//     indentation, re-basing the edit onto a document edited elsewhere meanwhile (line diff) and building the
//     proposed text; VS Code's own applyEdit is not in it (the e2e suite logs that as DiffPreview.lastApplyMs).
// Options: --reps N (default 5), --apply-reps N (default 200).
import type {BenchArgs} from "./run";
import type {GenerationResult, LoadParams} from "../src/runtime/protocol";
import type {Engine} from "../src/runtime/host/engines/types";
import {createEmbeddedEngine} from "../src/runtime/host/engines/embedded";
import {createLlamaServerEngine} from "../src/runtime/host/engines/llamaServer";
import {findLlamaServerBinary} from "../src/runtime/llamaServerBinary";
import {buildPrompt} from "../src/refactor/prompts";
import {parseAnswer} from "../src/refactor/parseAnswer";
import {matchIndentation} from "../src/diff/indent";
import {rebaseEdit} from "../src/diff/rebase";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {median, percentile, round} from "./stats";

const log = (level: string, message: string) => { if (level !== "info") console.error(`  [${level}] ${message}`); };
const quiet = () => {};

export default async function refactorBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const reps = Number(args.options.reps ?? 5);
    const applyReps = Number(args.options["apply-reps"] ?? 200);
    const manifest = ensureTestModels() as unknown as {gemma4?: {chatAnswer?: {text: string}}};
    const answerLine = manifest.gemma4?.chatAnswer?.text;
    const fn = sixtyLineFunction(answerLine);
    const prompt = buildPrompt("rewrite", {
        target: {path: "src/report.ts", language: "typescript", languageId: "typescript", code: fn, name: "summarise", startLine: 1, endLine: 60},
        context: "", instruction: "use early returns"
    });
    const base: LoadParams = {engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8, contextSize: 8192, gpu: "off", threads: 0};
    const plain = await createEmbeddedEngine(base, log);
    const targetTokens = (await plain.tokenCount([fn]))[0];
    // What Rewrite asks for a target of this size (answerBudget): room to repeat it twice, plus a margin.
    const maxTokens = targetTokens * 2 + 256;
    console.log(`refactor benchmark: rewrite of a ${fn.split("\n").length}-line function (${targetTokens} tokens), up to ${maxTokens} tokens answered, ${reps} repetitions`);
    const lookup = await createEmbeddedEngine({...base, drafterMode: "promptLookup"}, log);
    const params = {messages: prompt.messages, maxTokens, reasoning: false, promptLookup: prompt.lookup};
    const runs = {plain: [] as GenerationResult[], lookup: [] as GenerationResult[]};
    for (let rep = 0; rep < reps; rep++) {
        for (const [name, engine] of [["plain", plain], ["lookup", lookup]] as const) runs[name].push(await chat(engine, params));
    }
    const tps = (results: GenerationResult[]) => median(results.map(decodeTps));
    const speedup = tps(runs.lookup) / tps(runs.plain);
    const identical = [...runs.plain, ...runs.lookup].every((r) => r.text === runs.plain[0].text);
    const acceptance = runs.lookup.reduce((a, r) => a + r.stats.acceptedTokens, 0) / Math.max(1, runs.lookup.reduce((a, r) => a + r.stats.draftedTokens, 0));
    console.log(`  plain ${tps(runs.plain).toFixed(1)} tok/s, prompt lookup ${tps(runs.lookup).toFixed(1)} tok/s (acceptance ${acceptance.toFixed(2)}), identical ${identical}`);
    await lookup.dispose();

    // A draft model loaded as well: the rewrite still drafts by prompt lookup, with the same output.
    const withDraft = await createEmbeddedEngine({...base, drafterMode: "draftModel", drafterPath: testModelPath("gemma4-draft")}, log);
    const drafted = await chat(withDraft, params);
    await withDraft.dispose();
    await plain.dispose();

    const server = findLlamaServerBinary().found ? await measureServer(base, params, reps, runs.plain[0].text) : undefined;

    const apply = measureApply(applyReps);
    console.log(`  preview and apply on a 5,000-line file: p50 ${apply.p50.toFixed(2)} ms, p95 ${apply.p95.toFixed(2)} ms`);
    return {
        rewrite_lookup_speedup: round(speedup, 2),
        rewrite_answer_tokens: runs.plain[0].stats.generatedTokens,
        rewrite_identical: identical && drafted.text === runs.plain[0].text,
        rewrite_plain_tps: round(tps(runs.plain), 1),
        rewrite_lookup_tps: round(tps(runs.lookup), 1),
        rewrite_lookup_acceptance: round(acceptance, 3),
        rewrite_lookup_with_draft_model: drafted.stats.drafter,
        rewrite_server_speedup: server ? round(server.speedup, 2) : null,
        rewrite_server_identical: server ? server.identical : null,
        rewrite_server_acceptance: server ? round(server.acceptance, 3) : null,
        apply_ms_p50: round(apply.p50, 2),
        apply_ms_p95: round(apply.p95, 2)
    };
}

/** The rewrite on llama-server with the MTP drafter against a plain one (both on one thread, as for small models). */
async function measureServer(base: LoadParams, params: Parameters<Engine["chat"]>[0], reps: number, expected: string) {
    const serverBase: LoadParams = {...base, engine: "llamaServer", threads: 1};
    const plain = await createLlamaServerEngine(serverBase, log);
    const mtp = await createLlamaServerEngine({...serverBase, drafterMode: "mtp", drafterPath: testModelPath("gemma4-assistant")}, log);
    try {
        const runs = {plain: [] as GenerationResult[], mtp: [] as GenerationResult[]};
        for (let rep = 0; rep < reps; rep++) {
            runs.plain.push(await chat(plain, params));
            runs.mtp.push(await chat(mtp, params));
        }
        const tps = (results: GenerationResult[]) => median(results.map(decodeTps));
        const speedup = tps(runs.mtp) / tps(runs.plain);
        const identical = [...runs.plain, ...runs.mtp].every((r) => r.text === expected);
        const acceptance = runs.mtp.reduce((a, r) => a + r.stats.acceptedTokens, 0) / Math.max(1, runs.mtp.reduce((a, r) => a + r.stats.draftedTokens, 0));
        console.log(`  llama-server: plain ${tps(runs.plain).toFixed(1)} tok/s, with the MTP drafter (prompt lookup first) ${tps(runs.mtp).toFixed(1)} tok/s (acceptance ${acceptance.toFixed(2)}), identical ${identical}`);
        return {speedup, identical, acceptance};
    } finally {
        await mtp.dispose();
        await plain.dispose();
    }
}

async function chat(engine: Engine, params: Parameters<Engine["chat"]>[0]): Promise<GenerationResult> {
    // A different short request first, so each measured one evaluates its prompt afresh.
    await engine.chat({messages: [{role: "user", content: "x"}], maxTokens: 1, reasoning: false}, {signal: new AbortController().signal, onText: quiet});
    return engine.chat(params, {signal: new AbortController().signal, onText: quiet});
}

function decodeTps(result: GenerationResult): number {
    const decodeMs = result.stats.totalMs - result.stats.timeToFirstTokenMs;
    return Math.max(0, result.stats.generatedTokens - 1) / Math.max(1e-3, decodeMs / 1000);
}

/** Parse, indent, re-base and build the proposal for a 60-line rewrite in the middle of a 5,000-line file. */
function measureApply(reps: number): {p50: number; p95: number} {
    const fn = sixtyLineFunction();
    const filler = (from: number, n: number) => Array.from({length: n}, (_, i) => `export const value${from + i} = ${from + i};`).join("\n");
    const original = `${filler(0, 2470)}\n${fn.split("\n").map((l) => `    ${l}`).join("\n")}\n${filler(2470, 2470)}\n`;
    const start = original.indexOf("    export function summarise");
    const end = start + fn.split("\n").map((l) => `    ${l}`).join("\n").length;
    // The user edited far above and below meanwhile.
    const current = original.replace("export const value10 = 10;", "export const value10 = 11;\n// added").replace("export const value4900 = 4900;\n", "");
    const answer = "Here it is:\n```ts\n" + fn.replace(/return/g, "return ") + "\n```\n";
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
        const started = performance.now();
        const parsed = parseAnswer(answer, {finished: true, target: original.slice(start, end), languageNames: ["ts"]});
        if (!parsed.ok) throw new Error(parsed.message);
        const newText = matchIndentation(parsed.code, {text: original.slice(start, end)});
        const based = rebaseEdit(original, current, {start, end}, newText);
        if (!based.ok) throw new Error(based.reason);
        times.push(performance.now() - started);
    }
    return {p50: percentile(times, 0.5), p95: percentile(times, 0.95)};
}

/** A 60-line TypeScript function, the size the issue names; with `line`, that line stands in its middle. */
function sixtyLineFunction(line?: string): string {
    const lines = ["export function summarise(rows: {name: string; amount: number; tags: string[]}[]): string {", "    const totals = new Map<string, number>();"];
    for (let i = 0; lines.length < 57; i++) {
        lines.push(`    for (const row of rows.filter((r) => r.tags.includes("t${i}"))) {`);
        lines.push(`        totals.set(row.name, (totals.get(row.name) ?? 0) + row.amount * ${i + 1});`);
        lines.push("    }");
    }
    if (line !== undefined) lines.splice(30, 1, line);
    lines.push("    const parts = [...totals].map(([name, amount]) => `${name}: ${amount.toFixed(2)}`);");
    lines.push("    return parts.join(\"\\n\");");
    lines.push("}");
    return lines.join("\n");
}

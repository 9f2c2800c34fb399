// `npm run bench -- completion [--repo PATH] [--hunks N] [--files N] [--seed N]`: inline completion end to end on
// the generated gemma4 model through the real runtime process, with the real context engine over PATH (default:
// this project), driving the Completer as VS Code's inline-completion requests would, with context and shape
// from the index worker as the editor gets them.
// - Each document is opened first, as the editor warms an editor that becomes active (open_warm_ms: that work).
// - overhead_ms_p50/p95: extension-side work per request shown (context, prompt, post-processing), no model time;
//   context_wait_ms_p95: the context phase of every request, superseded ones too.
// - first_ghost_ms_cold / first_ghost_ms_typing: to the first suggestion in a file just opened, never asked about,
//   then after one more keystroke (the file's real next character).
// - a typing replay: hunks of added lines from the repository's git history (or, without history, lines of its
//   functions) removed from their file and typed back character by character, ~60 ms a key and a pause at line
//   ends; each keystroke cancels VS Code's previous request, as the editor does.
// - predictive_recall_8k: bench/predictiveRecall.ts, on the same repository.
// Prints each shown request over 10 ms of overhead with its phases, and each context over SLOW_MS ms (default 50)
// with the worker's and the packing's share.
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {monitorEventLoopDelay} from "node:perf_hooks";
import type {BenchArgs} from "./run";
import {measurePredictiveRecall} from "./predictiveRecall";
import {Completer, type CompletionDocument} from "../src/completion/completer";
import {runtimeBackend} from "../src/completion/runtimeBackend";
import {defaultWindow, fileWindow} from "../src/completion/prompt/window";
import {cancelFlag} from "../src/context/cancel";
import {commentSyntax} from "../src/context/commentSyntax";
import {CursorContextSource} from "../src/context/cursorContextSource";
import {ContextEngine} from "../src/context/engine";
import {packWithTokenizer, renderContext} from "../src/context/pack";
import {modelTokenCounter} from "../src/context/tokenCount";
import {IndexWorkerClient} from "../src/context/worker/client";
import {RuntimeClient} from "../src/runtime/client";
import type {GenerationResult, GenerationStats, ModelInfo} from "../src/runtime/protocol";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {mulberry32, shuffle, percentile, median, round} from "./stats";

const ROOT = path.resolve(__dirname, "..");
const KEY_MS = 60;
const LINE_END_PAUSE_MS = 400;
const LANGUAGE_IDS: Record<string, string> = {
    ".ts": "typescript", ".tsx": "typescriptreact", ".js": "javascript", ".mjs": "javascript", ".py": "python", ".go": "go",
    ".rs": "rust", ".java": "java", ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".cs": "csharp", ".rb": "ruby", ".php": "php", ".sh": "shellscript"
};

interface Hunk { path: string; base: string; offset: number; typed: string }

export default async function completionBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const repo = path.resolve(args.repo ?? ROOT);
    const hunkCount = Number(args.options.hunks ?? 30);
    const fileCount = Number(args.options.files ?? 8);
    const random = mulberry32(Number(args.options.seed ?? 7));
    ensureTestModels();

    const engine = await ContextEngine.create({maxFileSizeKb: 512, exclude: []});
    const indexed = await engine.indexFolders([repo]);
    console.log(`indexed ${indexed.files} files of ${repo}`);
    const worker = await IndexWorkerClient.start({maxFileSizeKb: 512, exclude: []}, {workerFile: path.join(ROOT, "dist", "context-worker.js")});
    await worker.indexFolders([repo]);

    const client = new RuntimeClient({hostPath: path.join(ROOT, "dist", "runtime-host.mjs"), log: {info() {}, warn() {}, error: (m: string) => console.error(m)}});
    const model: ModelInfo = await client.load({
        engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "promptLookup", maxDraftTokens: 8,
        contextSize: 8192, gpu: "off", threads: 1
    });
    console.log(`model ${path.basename(model.modelPath)}: FIM ${model.hasFim ? "yes" : "no"}, chat ${model.chatWrapper}`);
    const counter = modelTokenCounter((texts) => client.tokenCount([...texts]));
    // The last request's worker and packing times, for the slow-context lines below.
    const spent = {ask: 0, pack: 0};
    const contexts = new CursorContextSource({
        ask: async (request) => {
            const started = performance.now();
            try { return await worker.call("cursorContext", request); } finally { spent.ask = performance.now() - started; }
        },
        packer: () => async (ranked, budgetTokens, comment) => {
            const started = performance.now();
            try {
                return await packWithTokenizer(ranked, {budgetTokens, counter, displayPath: (p) => path.relative(repo, p), timeMs: 40, comment});
            } finally { spent.pack = performance.now() - started; }
        }
    });

    const results: GenerationResult[] = [];
    // Requests cancelled after the runtime started them (most of a replay's): their prompt's reuse counts as well.
    const cancelledStats: GenerationStats[] = [];
    client.onRequestCancelled(({method, stats}) => { if (method === "complete") cancelledStats.push(stats); });
    // Per request (they overlap): its phases so far; a request's overhead is taken at its first post-processing.
    const running = new Map<string, {context: number, prompt: number}>();
    const overheads: number[] = [];
    const phases = {context: [] as number[], prompt: [] as number[], postprocess: [] as number[]};
    // The context phase of every request that got its context, shown or not: what each key waits for.
    const contextWaits: number[] = [];
    // How late this process's event loop runs callbacks: time a request waits that no phase's own work explains.
    const loopDelay = monitorEventLoopDelay({resolution: 10});
    loopDelay.enable();
    // As the editor does: through the index worker, holding each document's context (a keystroke in the same
    // scope costs the worker a key check), packed with the model's own tokenizer.
    const contextOf = async (doc: CompletionDocument, signal: AbortSignal): Promise<string> => {
            const text = doc.text;
            const line = text.slice(0, doc.offset).split("\n").length - 1;
            const column = doc.offset - (text.lastIndexOf("\n", doc.offset - 1) + 1);
            const window = fileWindow(text, doc.offset, defaultWindow);
            const started = performance.now();
            spent.ask = spent.pack = 0;
            const packed = await contexts.contextFor({
                request: {
                    path: doc.path, text, line, column, budgetTokens: 2048, timeBudgetMs: 40, languageId: doc.languageId,
                    window: {startLine: window.startLine, endLine: line + defaultWindow.suffixLines}, cancel: cancelFlag(signal)
                },
                lineCount: text.split("\n").length,
                hints: async () => [],
                signal
            });
            if (signal.aborted) throw new Error("cancelled");
            const ms = performance.now() - started;
            if (ms > Number(process.env.SLOW_MS ?? 50)) console.log(`  slow context: ${ms.toFixed(0)} ms at ${path.relative(repo, doc.path)}:${line + 1} (${text.length} chars): worker ${spent.ask.toFixed(0)} ms, packing ${spent.pack.toFixed(0)} ms`);
            return renderContext(packed, commentSyntax(doc.languageId));
    };
    const shapeOf = async (doc: CompletionDocument) => {
            const started = performance.now();
            const shape = await worker.call("shapeAt", {path: doc.path, languageId: doc.languageId, text: doc.text, offset: doc.offset});
            const ms = performance.now() - started;
            if (ms > 50) console.log(`  slow shape: ${ms.toFixed(0)} ms at ${path.relative(repo, doc.path)} (${doc.text.length} chars)`);
            return shape;
    };
    // Opening a document, as CompletionService.warm does when an editor becomes active: the cursor's context is
    // retrieved and held and the syntax tree kept, before the first key. Timed apart: it runs in the background.
    const warmTimes: number[] = [];
    const open = async (doc: CompletionDocument): Promise<void> => {
        const started = performance.now();
        await contextOf(doc, new AbortController().signal);
        await shapeOf(doc);
        warmTimes.push(performance.now() - started);
    };
    const backend = runtimeBackend({
        model: () => model,
        promptStyle: () => (args.options.style as "fim" | "instruct" | undefined) ?? "auto",
        complete: (params, options) => client.complete(params, options),
        context: contextOf,
        shape: shapeOf,
        multiline: () => true,
        onResult: (result) => results.push(result)
    });
    let completers = 0;
    const newCompleter = () => {
        const completer = ++completers;
        return new Completer(backend, {
            debounce: {minMs: 20, maxMs: 200}, maxTokens: 48, softDeadlineMs: 1500, hardDeadlineMs: 4000,
            onPhase: (phase, ms, request) => {
                const key = `${completer}:${request}`;
                if (phase === "context") {
                    if (ms > 100) console.log(`  slow context phase: ${ms.toFixed(0)} ms (event loop delay p99 so far ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms)`);
                    contextWaits.push(ms);
                    running.set(key, {context: ms, prompt: 0});
                } else if (phase === "prompt") {
                    const spentSoFar = running.get(key);
                    if (spentSoFar) spentSoFar.prompt = ms;
                } else {
                    const spentSoFar = running.get(key);
                    if (!spentSoFar) return; // its second post-processing (shown early, then finished)
                    running.delete(key);
                    const overhead = spentSoFar.context + spentSoFar.prompt + ms;
                    if (overhead > 10) console.log(`  slow request: ${overhead.toFixed(1)} ms (context ${spentSoFar.context.toFixed(1)}, prompt ${spentSoFar.prompt.toFixed(1)}, post-processing ${ms.toFixed(1)})`);
                    overheads.push(overhead);
                    phases.context.push(spentSoFar.context);
                    phases.prompt.push(spentSoFar.prompt);
                    phases.postprocess.push(ms);
                }
            }
        });
    };

    // First ghost text: a file never asked about, then one more keystroke.
    const files = pickFiles(engine, repo, fileCount, random);
    const cold: number[] = [], typing: number[] = [];
    for (const file of files) {
        const completer = newCompleter();
        const doc = cutAtLine(file, random);
        if (!doc) continue;
        await open(doc.doc);
        let t0 = performance.now();
        const first = await completer.provide(doc.doc, {at: Date.now(), explicit: true}, new AbortController().signal);
        cold.push(performance.now() - t0);
        const next = doc.next;
        const typed: CompletionDocument = {...doc.doc, text: doc.doc.text.slice(0, doc.doc.offset) + next + doc.doc.text.slice(doc.doc.offset), offset: doc.doc.offset + 1};
        t0 = performance.now();
        await completer.provide(typed, {at: Date.now(), explicit: false, typed: next}, new AbortController().signal);
        typing.push(performance.now() - t0);
        console.log(`  ${path.relative(repo, file.path)}: cold ${cold.at(-1)!.toFixed(0)} ms, typing ${typing.at(-1)!.toFixed(0)} ms, suggestion ${JSON.stringify(first?.slice(0, 40))}`);
        completer.dispose();
    }

    // Typing replay.
    const hunks = pickHunks(engine, repo, hunkCount, random);
    console.log(`replaying ${hunks.length} hunks (${hunks.reduce((n, h) => n + h.typed.length, 0)} keystrokes)`);
    const replay = {keystrokes: 0, ghost: [] as number[]};
    const requestsBefore = results.length, cancelledBefore = cancelledStats.length;
    let requests = 0, cancelled = 0;
    for (const hunk of hunks) {
        const completer = newCompleter();
        let previous: AbortController | undefined;
        const pending: Array<Promise<void>> = [];
        await open({...documentOf(hunk.path, hunk.base), offset: hunk.offset});
        for (let i = 1; i <= hunk.typed.length; i++) {
            previous?.abort();
            const controller = previous = new AbortController();
            const typedSoFar = hunk.typed.slice(0, i);
            const doc: CompletionDocument = {...documentOf(hunk.path, hunk.base), text: hunk.base.slice(0, hunk.offset) + typedSoFar + hunk.base.slice(hunk.offset), offset: hunk.offset + i};
            const startedAt = performance.now();
            replay.keystrokes++;
            pending.push(completer.provide(doc, {at: Date.now(), explicit: false, typed: typedSoFar.slice(-1)}, controller.signal).then((text) => {
                if (text !== undefined && !controller.signal.aborted) replay.ghost.push(performance.now() - startedAt);
            }, () => undefined));
            await sleep(typedSoFar.endsWith("\n") ? LINE_END_PAUSE_MS : KEY_MS);
        }
        await sleep(LINE_END_PAUSE_MS);
        previous?.abort();
        await Promise.all(pending);
        await sleep(50);
        requests += completer.counters.requests;
        cancelled += completer.counters.cancelled;
        completer.dispose();
    }
    const replayed = [...results.slice(requestsBefore).map((r) => r.stats), ...cancelledStats.slice(cancelledBefore)];
    const reuse = replayed.filter((s) => s.promptTokens > 0).map((s) => s.reusedPromptTokens / s.promptTokens);

    let predictive: Record<string, unknown> = {};
    {
        const {predictive_recall_8k, sites} = await measurePredictiveRecall(repo, {engine});
        predictive = {predictive_recall_8k, predictive_sites: sites};
    }
    await client.dispose();
    await worker.dispose();

    return {
        repo, files: indexed.files, prompt_style: backend.promptStyle(),
        overhead_ms_p50: round(percentile(overheads, 0.5), 1), overhead_ms_p95: round(percentile(overheads, 0.95), 1),
        overhead_samples: overheads.length,
        // Every request's wait for its context, shown or superseded later.
        context_wait_ms_p95: round(percentile(contextWaits, 0.95), 1), context_wait_samples: contextWaits.length,
        // The work of opening a document (warming), in the background before its first key.
        open_warm_ms_p50: round(percentile(warmTimes, 0.5), 1), open_warm_ms_p95: round(percentile(warmTimes, 0.95), 1),
        // Where the p95 goes: the context (index worker, packing with the model's tokenizer), the prompt, post-processing.
        context_ms_p95: round(percentile(phases.context, 0.95), 1), prompt_ms_p95: round(percentile(phases.prompt, 0.95), 1),
        postprocess_ms_p95: round(percentile(phases.postprocess, 0.95), 1),
        event_loop_delay_ms_p99: round(loopDelay.percentile(99) / 1e6, 1), event_loop_delay_ms_max: round(loopDelay.max / 1e6, 1),
        first_ghost_ms_cold: round(median(cold), 1), first_ghost_ms_typing: round(median(typing), 1),
        typing_to_cold_ratio: round(median(typing) / Math.max(1, median(cold)), 3),
        replay_hunks: hunks.length,
        replay_keystrokes: replay.keystrokes,
        replay_requests_per_keystroke: round(requests / Math.max(1, replay.keystrokes), 3),
        replay_cancelled_share: round(cancelled / Math.max(1, requests), 3),
        replay_ghost_ms_p50: replay.ghost.length > 0 ? round(percentile(replay.ghost, 0.5), 1) : null,
        replay_ghost_ms_p95: replay.ghost.length > 0 ? round(percentile(replay.ghost, 0.95), 1) : null,
        replay_shown: replay.ghost.length,
        // Every request the runtime started, finished or cancelled; none means not measured, not 0.
        replay_kv_reuse_p50: reuse.length > 0 ? round(percentile(reuse, 0.5), 3) : null,
        replay_kv_reuse_samples: reuse.length,
        ...predictive,
        load_average: Number(os.loadavg()[0].toFixed(2))
    };
}

function documentOf(file: string, text: string): CompletionDocument {
    return {path: file, displayPath: path.basename(file), languageId: LANGUAGE_IDS[path.extname(file)] ?? "plaintext", text, offset: 0, indentUnit: /\n\t/.test(text) ? "\t" : "    "};
}

function pickFiles(engine: ContextEngine, repo: string, count: number, random: () => number): Array<{path: string, text: string}> {
    const files = [...engine.indexer.index.allFiles()].filter((f) => f.symbols.parsed && f.symbols.definitions.length > 2 && LANGUAGE_IDS[path.extname(f.path)]);
    return shuffle(files, random).slice(0, count).map((f) => ({path: f.path, text: engine.indexer.texts.get(f.path)?.text ?? fs.readFileSync(f.path, "utf8")}));
}

/** A cursor in the middle of a non-blank line, the rest of that line removed (as while typing it). */
function cutAtLine(file: {path: string, text: string}, random: () => number): {doc: CompletionDocument, next: string} | undefined {
    const lines = file.text.split("\n");
    const candidates = lines.map((line, i) => ({line, i})).filter(({line}) => line.trim().length >= 12 && line.length < 200);
    if (candidates.length === 0) return undefined;
    const {line, i} = candidates[Math.floor(random() * candidates.length)];
    const cut = indentLength(line) + Math.max(2, Math.floor((line.length - indentLength(line)) / 2));
    const before = lines.slice(0, i).join("\n") + (i > 0 ? "\n" : "") + line.slice(0, cut);
    const after = "\n" + lines.slice(i + 1).join("\n");
    return {doc: {...documentOf(file.path, before + after), offset: before.length}, next: line[cut] ?? " "};
}

function pickHunks(engine: ContextEngine, repo: string, count: number, random: () => number): Hunk[] {
    const fromGit = gitHunks(repo, count * 4);
    const hunks: Hunk[] = [];
    for (const candidate of shuffle(fromGit, random)) {
        if (hunks.length >= count) break;
        const text = engine.indexer.texts.get(candidate.path)?.text;
        if (!text || !LANGUAGE_IDS[path.extname(candidate.path)]) continue;
        const at = text.indexOf(candidate.added);
        if (at < 0 || (at > 0 && text[at - 1] !== "\n")) continue;
        const typed = candidate.added.trimEnd();
        hunks.push({path: candidate.path, base: text.slice(0, at) + text.slice(at + candidate.added.length), offset: at, typed: typed.replace(/^[ \t]+/, "")});
        const base = hunks.at(-1)!;
        // Typing starts after the line's indentation, as the editor's auto-indent puts the cursor there.
        const indent = typed.length - typed.replace(/^[ \t]+/, "").length;
        base.base = text.slice(0, at) + typed.slice(0, indent) + text.slice(at + candidate.added.length);
        base.offset = at + indent;
    }
    if (hunks.length < count) {
        // No (or too little) history: lines of the repository's functions stand in.
        for (const file of shuffle([...engine.indexer.index.allFiles()].filter((f) => f.symbols.parsed && LANGUAGE_IDS[path.extname(f.path)]), random)) {
            if (hunks.length >= count) break;
            const text = engine.indexer.texts.get(file.path)?.text;
            const def = file.symbols.definitions.find((d) => d.kind === "function" && d.endLine - d.startLine >= 4);
            if (!text || !def) continue;
            const lines = text.split("\n");
            const lineNo = def.startLine + 1 + Math.floor(random() * (def.endLine - def.startLine - 2));
            const line = lines[lineNo];
            if (!line || line.trim().length < 8 || line.length > 120) continue;
            const indent = indentLength(line);
            const start = lines.slice(0, lineNo).join("\n").length + 1;
            hunks.push({path: file.path, base: text.slice(0, start + indent) + text.slice(start + line.length), offset: start + indent, typed: line.slice(indent)});
        }
    }
    return hunks;
}

/** Added blocks of 1 to 3 lines from recent commits, each line 8 to 120 characters. */
function gitHunks(repo: string, max: number): Array<{path: string, added: string}> {
    let log: string;
    try {
        log = execFileSync("git", ["-C", repo, "log", "-p", "--no-color", "-U0", "--diff-filter=AM", "-n", "300", "--format=%H"], {encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"]});
    } catch {
        return [];
    }
    const top = execFileSync("git", ["-C", repo, "rev-parse", "--show-toplevel"], {encoding: "utf8"}).trim();
    const hunks: Array<{path: string, added: string}> = [];
    let file: string | undefined;
    let added: string[] = [];
    const flush = () => {
        if (file && added.length >= 1 && added.length <= 3 && added.every((l) => l.trim().length >= 8 && l.length <= 120)) hunks.push({path: path.join(top, file), added: added.join("\n") + "\n"});
        added = [];
    };
    for (const line of log.split("\n")) {
        if (hunks.length >= max) break;
        if (line.startsWith("+++ ")) { flush(); file = line.startsWith("+++ b/") ? line.slice(6) : undefined; }
        else if (line.startsWith("@@")) flush();
        else if (line.startsWith("+")) added.push(line.slice(1));
        else if (!line.startsWith("-")) flush();
    }
    flush();
    return hunks.filter((h) => h.path.startsWith(repo + path.sep) || h.path.startsWith(repo));
}

function indentLength(line: string): number {
    return line.length - line.trimStart().length;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}


// `npm run bench -- predictiveRecall [--repo PATH] [--samples N] [--seed N] [--timeBudgetMs N] [--verbose]`
// predictive_recall_8k: does the context for a cursor hold the definition of the function the code is about to
// call, before its name is typed? At call sites picked at random (fixed seed) whose callee is a function or method
// defined once in the workspace — in another file, or more than 100 lines away in the same one — the line is cut
// at the callee's name (the name and the rest of the line are not typed yet; the rest of the file is kept), the
// cursor is put there, and the context is packed at 8K tokens: a site counts when a snippet (not an outline)
// of the pack covers the callee's name line. recall_8k (bench/context.ts) asks with the name already at the
// cursor; this asks the real question. Sites are picked as bench/context.ts picks them: the name is not a
// keyword, has three or more characters, and its definition is in the caller's language family.
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import {ContextEngine} from "../src/context/engine";
import {isKeyword} from "../src/context/identifiers";
import {qualifierChain} from "../src/context/retrievePredicted";
import type {Definition, IndexedFile, PackResult} from "../src/context/types";
import {mulberry32, shuffle, percentile, round} from "./stats";

const farLines = 100;

export interface PredictiveRecallOptions {
    /** Call sites to measure (at most two per file); default 200. */
    samples?: number;
    seed?: number;
    /** Token budget of the pack; default 8192. */
    budgetTokens?: number;
    /** Each context source's time budget, ms; default 40 (hearth.context.timeBudgetMs). */
    timeBudgetMs?: number;
    /** An engine that has indexed the repository already (the completion benchmark shares one). */
    engine?: ContextEngine;
    /** Print each miss. */
    verbose?: boolean;
    log?: (line: string) => void;
}

export interface PredictiveRecallResult {
    predictive_recall_8k: number;
    sites: number;
    /** Sites with a qualifier before the name (`obj.`, `pkg.`, `self.`), and their recall. */
    qualified_sites: number;
    qualified_recall_8k: number | null;
    unqualified_recall_8k: number | null;
    /** Sites whose callee is in the caller's own file (far away), and their recall. */
    same_file_sites: number;
    same_file_recall_8k: number | null;
    retrieve_ms_p50: number;
    retrieve_ms_p95: number;
    seed: number;
}

interface CallSite {
    path: string;
    line: number;
    /** Column of the callee's name: the line is cut here. */
    column: number;
    callee: string;
    defPath: string;
    def: Definition;
}

export async function measurePredictiveRecall(repoPath: string, options: PredictiveRecallOptions = {}): Promise<PredictiveRecallResult> {
    const repo = path.resolve(repoPath);
    if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new Error(`--repo ${repo} is not a folder`);
    const samples = options.samples ?? 200, seed = options.seed ?? 42, budget = options.budgetTokens ?? 8192;
    const log = options.log ?? ((line: string) => console.log(line));
    let engine = options.engine;
    if (!engine) {
        engine = await ContextEngine.create({maxFileSizeKb: 512, exclude: []});
        const t0 = performance.now();
        const stats = await engine.indexFolders([repo]);
        log(`indexed ${stats.files} files of ${repo} in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    const parsed = [...engine.indexer.index.allFiles()].filter((f) => f.symbols.parsed && f.path.startsWith(`${repo}/`));
    const sites = pickCallSites(engine, parsed, samples, mulberry32(seed));
    log(`${sites.length} call sites (asked for ${samples}, seed ${seed})`);

    // A language's first request loads its grammar on this thread: not what a keystroke costs.
    for (const language of new Set(sites.map((s) => engine.indexer.index.get(s.path)!.symbols.language))) {
        const site = sites.find((s) => engine.indexer.index.get(s.path)!.symbols.language === language)!;
        await engine.rankForCursor({path: site.path, text: engine.indexer.texts.get(site.path)!.text, line: 0, column: 0, budgetTokens: budget});
    }
    const times: number[] = [];
    const tally = {hits: 0, qualified: 0, qualifiedHits: 0, sameFile: 0, sameFileHits: 0};
    for (const site of sites) {
        const original = engine.indexer.texts.get(site.path)!.text;
        const lines = original.split("\n");
        const cutLine = lines[site.line].slice(0, site.column);
        lines[site.line] = cutLine;
        const qualified = qualifierChain(cutLine).chain.length > 0;
        const t0 = performance.now();
        const ranked = await engine.rankForCursor({
            path: site.path, text: lines.join("\n"), line: site.line, column: site.column, budgetTokens: budget, timeBudgetMs: options.timeBudgetMs
        });
        const packed = engine.pack(ranked, budget, undefined, engine.commentFor({path: site.path}));
        times.push(performance.now() - t0);
        // The cut text must not stay in the index for the next sites.
        await engine.indexer.syncText(site.path, original);
        const hit = contains(packed, site);
        if (hit) tally.hits++;
        if (qualified) { tally.qualified++; if (hit) tally.qualifiedHits++; }
        if (site.defPath === site.path) { tally.sameFile++; if (hit) tally.sameFileHits++; }
        if (!hit && options.verbose) {
            log(`miss: ${path.relative(repo, site.path)}:${site.line + 1} "${cutLine.trim()}" ${site.callee} -> ${path.relative(repo, site.defPath)}:${site.def.nameLine + 1}`);
        }
    }
    const share = (hits: number, of: number): number | null => of === 0 ? null : round(hits / of, 3);
    return {
        predictive_recall_8k: share(tally.hits, sites.length) ?? 0,
        sites: sites.length,
        qualified_sites: tally.qualified,
        qualified_recall_8k: share(tally.qualifiedHits, tally.qualified),
        unqualified_recall_8k: share(tally.hits - tally.qualifiedHits, sites.length - tally.qualified),
        same_file_sites: tally.sameFile,
        same_file_recall_8k: share(tally.sameFileHits, tally.sameFile),
        retrieve_ms_p50: round(percentile(times, 0.5), 2),
        retrieve_ms_p95: round(percentile(times, 0.95), 2),
        seed
    };
}

export default async function predictiveRecallBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const number = (key: string): number | undefined => args.options[key] === undefined ? undefined : Number(args.options[key]);
    const repo = path.resolve(args.repo ?? process.cwd());
    const result = await measurePredictiveRecall(repo, {
        samples: number("samples"), seed: number("seed"), timeBudgetMs: number("timeBudgetMs"), verbose: args.options.verbose === true
    });
    return {repo, ...result};
}

/** Calls `name(` whose callee has exactly one definition, elsewhere or far away; at most 2 per file. */
function pickCallSites(engine: ContextEngine, parsed: IndexedFile[], wanted: number, random: () => number): CallSite[] {
    const sites: CallSite[] = [];
    for (const file of shuffle(parsed, random)) {
        if (sites.length >= wanted) break;
        const cached = engine.indexer.texts.get(file.path);
        if (!cached) continue;
        const candidates: CallSite[] = [];
        for (const match of cached.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
            const callee = match[1];
            if (callee.length < 3 || isKeyword(callee)) continue;
            const defs = engine.indexer.index.definitionsNamed(callee);
            if (defs.length !== 1 || (defs[0].def.kind !== "function" && defs[0].def.kind !== "method")) continue;
            if (family(engine.indexer.index.get(defs[0].path)?.symbols.language) !== family(file.symbols.language)) continue;
            const line = lineOf(cached.starts, match.index);
            const {path: defPath, def} = defs[0];
            if (defPath === file.path && (Math.abs(def.nameLine - line) <= farLines || (def.startLine <= line && line <= def.endLine))) continue;
            candidates.push({path: file.path, line, column: match.index - cached.starts[line], callee, defPath, def});
        }
        for (const site of shuffle(candidates, random).slice(0, 2)) if (sites.length < wanted) sites.push(site);
    }
    return sites;
}

/** Languages that call each other's definitions directly. */
function family(language: string | undefined): string {
    if (language === "c" || language === "cpp") return "c";
    if (language === "typescript" || language === "tsx" || language === "javascript") return "ecmascript";
    return language ?? "";
}

function contains(result: PackResult, site: CallSite): boolean {
    return result.snippets.some((s) => s.path === site.defPath && s.startLine <= site.def.nameLine && site.def.nameLine <= s.endLine && !s.outline);
}

function lineOf(starts: readonly number[], offset: number): number {
    let low = 0, high = starts.length - 1;
    while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid] <= offset) low = mid; else high = mid - 1;
    }
    return low;
}


// Hostile GGUF files: mutants of the generated models' headers (byte flips, truncation, huge counts and lengths,
// wrong types, array lengths, duplicate keys, control characters, odd hyperparameters and tensor infos) go
// through the header reader and validate.ts in this process, then every one through the real load path
// (RuntimeClient → dist/runtime-host.mjs → validate.ts → llama.cpp). Every mutant is refused cleanly, by name, or
// loads; the reader never throws anything but a GgufFormatError, memory stays bounded, and the runtime process
// never dies: a native abort on a file validate.ts accepted is a hole in validate.ts.
// Loading an accepted mutant natively costs about a second (node-llama-cpp resolves the chat template), so the
// suite loads one per distinct mutation, up to a cap per model; HEARTH_FUZZ_FULL=1 loads every accepted one.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {RuntimeClient} from "../../src/runtime/client";
import {silentLogger} from "../../src/log";
import {GgufFormatError, readGgufHeaderFromFile} from "../../src/runtime/models/gguf";
import {validateModelFiles, type ValidateRequest} from "../../src/runtime/models/validate";
import {RuntimeError, type LoadParams} from "../../src/runtime/protocol";
import {findLlamaServerBinary} from "../../src/runtime/llamaServerBinary";
import {makeMutants, readLayout, writeMutant, type Mutant} from "../support/ggufMutants";
import {ensureTestModels, fuzzBasePath, testModelPath, type ModelName} from "../support/testModels";
import type {FuzzBaseName} from "../../scripts/testModels/fuzzBases";

const hostPath = path.resolve("dist/runtime-host.mjs");
const SEED = 20260601;
const FULL = process.env.HEARTH_FUZZ_FULL === "1";
/**
 * Mutants per base model, 2,100 in all, and how many accepted ones of each the suite loads natively. The gemma4
 * bases are the small fuzz models (scripts/testModels/fuzzBases.ts): the real-vocabulary ones have 15 MB headers.
 */
type Base = ModelName | FuzzBaseName;
const BASES: ReadonlyArray<{base: Base, mutants: number, nativeLoads: number}> = [
    {base: "gemma4-small-draft", mutants: 900, nativeLoads: 24},
    {base: "llama-draft", mutants: 500, nativeLoads: 6},
    // MTP drafters run only on llama-server: a few.
    {base: "gemma4-small-assistant", mutants: 700, nativeLoads: 2}
];
const basePath = (base: Base) => (base.startsWith("gemma4-small-") ? fuzzBasePath(base as FuzzBaseName) : testModelPath(base as ModelName));
/** Heap the in-process pass may grow by: the reader's budget bounds a header to far less. */
const HEAP_BOUND_BYTES = 256 << 20;
/** Peak resident memory of the runtime process across every load. */
const RUNTIME_RSS_BOUND_BYTES = 2 * 2 ** 30;

interface Case {
    id: number;
    base: Base;
    mutant: Mutant;
    file: string;
    request: ValidateRequest;
    verdict?: "accepted" | "refused";
    message?: string;
}

const describeCase = (c: Case) => `mutant #${c.id} of ${c.base} (${c.mutant.kind}: ${c.mutant.detail}; seed ${SEED})`;

describe("hostile GGUF files", function () {
    this.timeout(600_000);
    let dir: string;
    const cases: Case[] = [];

    before(function () {
        ensureTestModels();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-fuzz-"));
        let id = 0;
        for (const [index, {base, mutants}] of BASES.entries()) {
            const layout = readLayout(basePath(base));
            for (const mutant of makeMutants(layout, mutants, SEED + index)) {
                const file = path.join(dir, `${base}-${id}.gguf`);
                // An MTP drafter can only be judged beside its target.
                const request: ValidateRequest = base === "gemma4-small-assistant"
                    ? {modelPath: fuzzBasePath("gemma4-small-target"), drafterPath: file, drafterMode: "mtp"}
                    : {modelPath: file, drafterMode: "off"};
                cases.push({id: id++, base, mutant, file, request});
            }
        }
    });

    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it("refuses each mutant cleanly and by name, or accepts it, within bounded memory (reader and validate.ts)", function () {
        const started = performance.now();
        const heapBefore = process.memoryUsage().heapUsed;
        let heapPeak = heapBefore;
        for (const c of cases) {
            writeMutant(c.file, c.mutant);
            try {
                readGgufHeaderFromFile(c.file);
            } catch (error) {
                assert.ok(error instanceof GgufFormatError, `${describeCase(c)}: the reader threw ${String(error)}`);
                assert.ok(error.message.startsWith(`${c.file}: `), `${describeCase(c)}: the reader's refusal does not name the file: ${error.message}`);
            }
            try {
                validateModelFiles(c.request);
                c.verdict = "accepted";
            } catch (error) {
                assert.ok(error instanceof RuntimeError && error.code === "badModel", `${describeCase(c)}: validate.ts threw ${String(error)}`);
                assert.equal(error.path, c.file, `${describeCase(c)}: the refusal blames another file: ${error.message}`);
                assert.ok(error.message.includes(c.file), `${describeCase(c)}: the refusal does not name the file: ${error.message}`);
                c.verdict = "refused";
                c.message = error.message;
            }
            heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        }
        const refused = cases.filter((c) => c.verdict === "refused").length;
        const accepted = cases.length - refused;
        const kinds = new Map<string, [number, number]>();
        for (const c of cases) {
            const [a, r] = kinds.get(c.mutant.kind) ?? [0, 0];
            kinds.set(c.mutant.kind, c.verdict === "accepted" ? [a + 1, r] : [a, r + 1]);
        }
        console.log(`      fuzz in-process: ${JSON.stringify({mutants: cases.length, refused, accepted, heapPeakGrowthMB: Math.round((heapPeak - heapBefore) / 2 ** 20),
            ms: Math.round(performance.now() - started), byKind: Object.fromEntries([...kinds].map(([k, [a, r]]) => [k, {accepted: a, refused: r}]))})}`);
        assert.ok(cases.length >= 2000);
        assert.ok(refused > cases.length / 4 && accepted > 0, "the mutants should be both refused and accepted, or the fuzzing tests nothing");
        assert.ok(heapPeak - heapBefore < HEAP_BOUND_BYTES, `the heap grew by ${Math.round((heapPeak - heapBefore) / 2 ** 20)} MB`);
    });

    it("refuses every mutant in the runtime process as it did here, loads the accepted ones, and the process never dies", async function () {
        assert.ok(cases.every((c) => c.verdict !== undefined), "the in-process pass did not run");
        const started = performance.now();
        const client = new RuntimeClient({hostPath, log: silentLogger, backoff: {initialDelayMs: 50, maxDelayMs: 100, maxCrashes: 1000}});
        const crashes: string[] = [];
        let current: Case | undefined;
        client.onCrash((crash) => crashes.push(`${current ? describeCase(current) : "?"}: ${JSON.stringify(crash).slice(0, 600)}`));
        const server = findLlamaServerBinary();
        const native = new Set<Case>();
        for (const {base, nativeLoads} of BASES) {
            const seen = new Set<string>();
            const distinct = cases.filter((c) => c.base === base && c.verdict === "accepted" && !seen.has(c.mutant.signature) && seen.add(c.mutant.signature));
            if (base === "gemma4-small-assistant" && !server.found) continue;
            for (const c of FULL ? distinct : spread(distinct, nativeLoads)) native.add(c);
        }
        const counts = {refusedAsHere: 0, loaded: 0, refusedByLlamaCpp: 0, acceptedNotLoaded: 0};
        try {
            await client.start();
            const pid = client.pid;
            for (const c of cases) {
                if (c.verdict === "accepted" && !native.has(c)) {
                    counts.acceptedNotLoaded++;
                    continue;
                }
                current = c;
                const params: LoadParams = {engine: "embedded", maxDraftTokens: 4, contextSize: 256, gpu: "off", threads: 1, ...c.request};
                let loaded = false;
                try {
                    await client.load(params);
                    assert.equal(c.verdict, "accepted", `${describeCase(c)}: refused in-process, loaded by the runtime`);
                    counts.loaded++;
                    loaded = true;
                } catch (error) {
                    assert.ok(error instanceof RuntimeError, `${describeCase(c)}: ${String(error)}`);
                    assert.notEqual(error.code, "runtimeCrashed", `${describeCase(c)} crashed the runtime process: ${error.message}`);
                    if (c.verdict === "refused") {
                        assert.equal(error.code, "badModel", `${describeCase(c)}: ${error.message}`);
                        assert.equal(error.message, c.message, `${describeCase(c)}: the runtime judged it otherwise`);
                        counts.refusedAsHere++;
                    } else {
                        // validate.ts accepted it and llama.cpp refused it: cleanly, as an error, and llama-server
                        // (MTP drafters) by exiting, never by a crash.
                        assert.ok(error.code === "badModel" || error.code === "engineFailed", `${describeCase(c)}: ${error.code} ${error.message}`);
                        assert.doesNotMatch(error.message, /\(exit SIG(ABRT|SEGV|FPE|BUS|ILL|TRAP)\)/, `${describeCase(c)} crashed llama-server: ${error.message}`);
                        counts.refusedByLlamaCpp++;
                    }
                }
                if (loaded) {
                    // One decode step too: ggml aborts at the first compute on some weights (llama-server's warm-up
                    // does this for MTP drafters). A clean failure is fine; a crash is not.
                    const failure = await client.complete({context: "", prefix: "export ", suffix: "", maxTokens: 2, stop: []}).then(() => undefined, (error: unknown) => error);
                    assert.ok(failure === undefined || (failure instanceof RuntimeError && failure.code !== "runtimeCrashed"),
                        `${describeCase(c)}: the first decode failed: ${String(failure)}`);
                }
                assert.deepEqual(crashes, [], "the runtime process died");
                assert.equal(client.pid, pid, `${describeCase(c)}: the runtime process was replaced`);
            }
            const peakRss = peakResidentBytes(pid!);
            console.log(`      fuzz load path: ${JSON.stringify({mutants: cases.length, ...counts,
                runtimePeakRssMB: peakRss === undefined ? null : Math.round(peakRss / 2 ** 20), ms: Math.round(performance.now() - started)})}`);
            assert.ok(counts.loaded > 0, "no mutant loaded: the load path tested nothing");
            if (peakRss !== undefined) assert.ok(peakRss < RUNTIME_RSS_BOUND_BYTES, `the runtime process peaked at ${Math.round(peakRss / 2 ** 20)} MB`);
        } finally {
            current = undefined;
            await client.dispose();
        }
    });
});

/** `count` items spread evenly over `items`. */
function spread<T>(items: readonly T[], count: number): T[] {
    if (items.length <= count) return [...items];
    return Array.from({length: count}, (_, i) => items[Math.floor((i * items.length) / count)]);
}

/** The process's peak resident set (VmHWM), where /proc has it. */
function peakResidentBytes(pid: number): number | undefined {
    try {
        const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : undefined;
    } catch {
        return undefined;
    }
}

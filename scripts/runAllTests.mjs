// Runs every test suite in order and ends with one line `N passed, N failed` summing them all.
// A step that crashes, or a suite that reports no counts, counts as a failure: it can never pass silently.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const only = process.argv.slice(2); // e.g. `npm test -- unit runtime`
const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tests-")), "summary.jsonl");

/** Preparation steps: a failure stops the run, since no suite could mean anything after it. */
const prepare = [
    ["typecheck", "npx", ["tsc", "--noEmit", "-p", "."]],
    ["build", "node", ["esbuild.mjs"]],
    ["models", "npm", ["run", "--silent", "models"]],
    ["llama-server", "npm", ["run", "--silent", "build:llama-server"]]
];
// A suite that hangs (a process it left running keeps it alive) is stopped after its bound and counts as failed.
const suites = [
    ["unit", "npm", ["run", "--silent", "test:unit"], 10 * 60_000],
    ["runtime", "npm", ["run", "--silent", "test:runtime"], 25 * 60_000],
    ["e2e", "npm", ["run", "--silent", "test:e2e"]]
];

function run(name, command, args, extraEnv = {}, timeoutMs = undefined) {
    console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
    const result = spawnSync(command, args, {stdio: "inherit", env: {...process.env, ...extraEnv}, ...(timeoutMs ? {timeout: timeoutMs, killSignal: "SIGKILL"} : {})});
    if (result.error?.code === "ETIMEDOUT") console.log(`${name}: still running after ${timeoutMs / 60_000} min; stopped`);
    return result.status ?? 1;
}

for (const [name, command, args] of prepare) {
    if (run(name, command, args) !== 0) {
        console.log(`\n${name} failed; no suite was run.\n0 passed, 1 failed`);
        process.exit(1);
    }
}

let passed = 0, failed = 0, skipped = 0;
for (const [name, command, args, timeoutMs] of suites) {
    if (only.length > 0 && !only.includes(name)) continue;
    const before = readSummary().length;
    const status = run(name, command, args, {HEARTH_TEST_SUMMARY: summaryFile, HEARTH_TEST_SUITE: name}, timeoutMs);
    const rows = readSummary().slice(before);
    for (const row of rows) { passed += row.passes; failed += row.failures; skipped += row.pending; }
    const counted = rows.reduce((n, row) => n + row.failures, 0);
    if (rows.length === 0) { console.log(`${name}: reported no results (exit ${status}); counted as 1 failure`); failed += 1; }
    else if (status !== 0 && counted === 0) { console.log(`${name}: exited ${status} with no failing test; counted as 1 failure`); failed += 1; }
}

console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);

function readSummary() {
    if (!fs.existsSync(summaryFile)) return [];
    return fs.readFileSync(summaryFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

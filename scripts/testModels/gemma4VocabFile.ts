// Finds real Gemma 4's vocabulary, llama.cpp's models/ggml-vocab-gemma-4.gguf (262,144 tokens, its merges and
// chat template), on this machine without any download: node-llama-cpp ships llama.cpp's source as a git bundle
// (llama/gitRelease.bundle), and `npm run build:llama-server` unpacks it into <cache>/llama-server/src/<commit>/.
// The test models are generated before that build (scripts/runAllTests.mjs) and CI starts clean, so where the
// unpacked source is missing this extracts just that one file from the bundle into <cache>/gemma4-vocab/<commit>/.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const GEMMA4_VOCAB_FILE = "ggml-vocab-gemma-4.gguf";
const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const BUNDLE = path.join(REPO_ROOT, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

/** Hearth's cache (as scripts/buildLlamaServer.mjs and src/runtime/llamaServerBinary.ts resolve it). */
function cacheRoot(): string {
    return process.env.HEARTH_CACHE_DIR ?? path.join(os.homedir(), ".cache", "hearth");
}

function git(args: string[], what: string): string {
    const result = spawnSync("git", args, {encoding: "utf8", maxBuffer: 1 << 20});
    if (result.error) throw new Error(`${what}: git could not run (${result.error.message}); git is needed to read ${BUNDLE}`);
    if (result.status !== 0) throw new Error(`${what}: git ${args[0]} failed: ${result.stderr.trim()}`);
    return result.stdout;
}

/** The llama.cpp commit the bundle holds (its HEAD), as buildLlamaServer.mjs reads it. */
export function bundleCommit(): string {
    if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: node-llama-cpp is not installed (run npm install)`);
    const heads = git(["bundle", "list-heads", BUNDLE], "reading llama.cpp's source bundle");
    const commit = heads.split("\n").map((line) => line.split(" ")[0]).find((sha) => /^[0-9a-f]{40}$/.test(sha));
    if (commit === undefined) throw new Error(`no commit found in ${BUNDLE}`);
    return commit;
}

/**
 * Path of the Gemma 4 vocabulary GGUF: $HEARTH_GEMMA_VOCAB if set, else the unpacked llama.cpp source in the cache,
 * else a copy extracted from the bundle (about 2 s, once per llama.cpp commit).
 */
export function findGemma4VocabFile(): string {
    const override = process.env.HEARTH_GEMMA_VOCAB;
    if (override) {
        if (!fs.existsSync(override)) throw new Error(`HEARTH_GEMMA_VOCAB names ${override}, which does not exist`);
        return override;
    }
    const commit = bundleCommit();
    const unpacked = path.join(cacheRoot(), "llama-server", "src", commit, "models", GEMMA4_VOCAB_FILE);
    if (fs.existsSync(unpacked)) return unpacked;
    const extracted = path.join(cacheRoot(), "gemma4-vocab", commit, GEMMA4_VOCAB_FILE);
    if (fs.existsSync(extracted)) return extracted;

    fs.mkdirSync(path.dirname(extracted), {recursive: true});
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vocab-"));
    try {
        const what = `extracting ${GEMMA4_VOCAB_FILE} from ${BUNDLE}`;
        git(["init", "--quiet", "--bare", scratch], what);
        git(["--git-dir", scratch, "fetch", "--quiet", BUNDLE, commit], what);
        const blob = spawnSync("git", ["--git-dir", scratch, "cat-file", "blob", `${commit}:models/${GEMMA4_VOCAB_FILE}`], {maxBuffer: 256 << 20});
        if (blob.status !== 0) throw new Error(`${what}: ${blob.stderr.toString().trim()}`);
        // Through a temporary name, so a concurrent or interrupted extraction never leaves half a file.
        const temporary = `${extracted}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, blob.stdout);
        fs.renameSync(temporary, extracted);
        return extracted;
    } finally {
        fs.rmSync(scratch, {recursive: true, force: true});
    }
}

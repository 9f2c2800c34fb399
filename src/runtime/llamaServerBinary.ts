// Finds the llama-server binary: the configured path, then the one a platform VSIX carries
// (dist/bin/<target>/, scripts/packageVsix.mjs), then PATH, then the one `npm run build:llama-server` cached
// for the llama.cpp commit node-llama-cpp ships. No vscode; the engine and the benchmark share it.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

export type LlamaServerBinary =
    | {found: true, path: string, source: "configured" | "bundled" | "PATH" | "cache"}
    | {found: false, reason: string};

export const BUILD_COMMAND = "npm run build:llama-server";

const binaryName = process.platform === "win32" ? "llama-server.exe" : "llama-server";

/** Where built binaries are cached: $HEARTH_CACHE_DIR/llama-server or ~/.cache/hearth/llama-server. */
export function llamaServerCacheRoot(): string {
    const base = process.env.HEARTH_CACHE_DIR || path.join(os.homedir(), ".cache", "hearth");
    return path.join(base, "llama-server");
}

/** The llama.cpp commit in node-llama-cpp's `llama/gitRelease.bundle`, read from the bundle's header. */
export function bundledLlamaCppCommit(nodeLlamaCppDir = findNodeLlamaCppDir()): string | undefined {
    if (!nodeLlamaCppDir) return undefined;
    const bundle = path.join(nodeLlamaCppDir, "llama", "gitRelease.bundle");
    let header: string;
    try {
        const fd = fs.openSync(bundle, "r");
        try {
            const buffer = Buffer.alloc(4096);
            const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
            header = buffer.subarray(0, length).toString("latin1");
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return undefined;
    }
    // "# v2 git bundle\n<sha> HEAD\n…\n\n<pack>": the refs come before the first empty line.
    const refs = header.split("\n\n")[0].split("\n").slice(1);
    const head = refs.find((line) => / HEAD$/.test(line)) ?? refs[0];
    const sha = head?.split(" ")[0];
    return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** VS Code's name for this platform, as a platform VSIX is built for it: linux-x64, darwin-arm64, … */
export function vsixTarget(): string {
    return `${process.platform}-${process.arch === "arm" ? "armhf" : process.arch}`;
}

/** Where a platform VSIX carries llama-server: dist/bin/<target>/ beside the bundled runtime host. */
export function bundledBinaryPath(distDir = moduleDir()): string {
    return path.join(distDir, "bin", vsixTarget(), binaryName);
}

export function cachedBinaryPath(commit: string): string {
    return path.join(llamaServerCacheRoot(), commit, binaryName);
}

/** `distDir`: the folder of the bundled runtime host (tests pass an extension layout of their own). */
export function findLlamaServerBinary(configuredPath?: string, distDir = moduleDir()): LlamaServerBinary {
    if (configuredPath) {
        if (isExecutable(configuredPath)) return {found: true, path: configuredPath, source: "configured"};
        return {found: false, reason: `llama-server not found at the configured path ${configuredPath} (hearth.llamaServer.path): no executable file there.`};
    }
    const bundled = bundledBinaryPath(distDir);
    const bundledProblem = checkBundled(bundled);
    if (bundledProblem === undefined) return {found: true, path: bundled, source: "bundled"};
    const onPath = findOnPath(binaryName);
    if (onPath) return {found: true, path: onPath, source: "PATH"};

    const commit = bundledLlamaCppCommit();
    if (commit) {
        const cached = cachedBinaryPath(commit);
        // build.json is written only after a complete, verified build.
        if (isExecutable(cached) && fs.existsSync(path.join(path.dirname(cached), "build.json")))
            return {found: true, path: cached, source: "cache"};
    }
    const where = commit ? cachedBinaryPath(commit) : `${llamaServerCacheRoot()}/<commit>/${binaryName}`;
    return {
        found: false,
        reason: `llama-server not found: not configured (hearth.llamaServer.path), ${bundledProblem}, not on PATH, and not built at ${where}. ` +
            `Set hearth.llamaServer.path to a llama-server built from llama.cpp ${commit ? `${commit.slice(0, 12)} or newer` : "recent enough to know gemma4-assistant"}. ` +
            `Run \`${BUILD_COMMAND}\` in a Hearth source checkout to build one from the llama.cpp source node-llama-cpp ships.`
    };
}

const bundledChecks = new Map<string, string | undefined>();

/** Undefined when the bundled binary is there and runs on this machine; else why not, for the message. */
function checkBundled(binary: string): string | undefined {
    if (!fs.existsSync(binary)) return `not bundled with this Hearth package for ${vsixTarget()}`;
    const key = `${binary}:${fs.statSync(binary).mtimeMs}`;
    if (!bundledChecks.has(key)) bundledChecks.set(key, runsHere(binary));
    return bundledChecks.get(key);
}

function runsHere(binary: string): string | undefined {
    // An installer that dropped the zip's mode bits leaves it unexecutable; the extension folder is the user's.
    if (!isExecutable(binary)) {
        try { fs.chmodSync(binary, 0o755); } catch { /* reported below */ }
        if (!isExecutable(binary)) return `the bundled ${binary} is not executable`;
    }
    // Built on one machine for many: a C library older than the build machine's shows here, before any model loads.
    const run = spawnSync(binary, ["--version"], {encoding: "utf8", timeout: 20_000});
    if (run.status === 0) return undefined;
    const detail = run.error?.message ?? `${run.stderr ?? ""}${run.stdout ?? ""}`.trim().split("\n").slice(-2).join(" ");
    return `the bundled ${binary} does not run on this machine (${detail || `exit ${run.status ?? run.signal}`})`;
}

function findOnPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (!dir) continue;
        const candidate = path.join(dir, name);
        if (isExecutable(candidate)) return candidate;
    }
    return undefined;
}

function isExecutable(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) return false;
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

function findNodeLlamaCppDir(): string | undefined {
    // Walk up from here (src/runtime in development, dist/ when bundled) to a node_modules that holds it.
    for (let dir = moduleDir(); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "node_modules", "node-llama-cpp");
        if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
        if (path.dirname(dir) === dir) return undefined;
    }
}

function moduleDir(): string {
    // CommonJS (tsx on .ts) has __dirname; the ESM runtime-host bundle, forked with the extension host's
    // working directory, knows its own place (dist/) from import.meta.url.
    return typeof __dirname === "string" ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

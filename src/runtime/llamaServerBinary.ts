// Finds the llama-server binary: the configured path, then PATH, then the one `npm run build:llama-server`
// cached for the llama.cpp commit node-llama-cpp ships. No vscode; the engine and the benchmark share it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type LlamaServerBinary =
    | {found: true, path: string, source: "configured" | "PATH" | "cache"}
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

export function cachedBinaryPath(commit: string): string {
    return path.join(llamaServerCacheRoot(), commit, binaryName);
}

export function findLlamaServerBinary(configuredPath?: string): LlamaServerBinary {
    if (configuredPath) {
        if (isExecutable(configuredPath)) return {found: true, path: configuredPath, source: "configured"};
        return {found: false, reason: `llama-server not found at the configured path ${configuredPath} (hearth.llamaServer.path): no executable file there.`};
    }
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
        reason: `llama-server not found: not configured (hearth.llamaServer.path), not on PATH, and not built at ${where}. ` +
            `Run \`${BUILD_COMMAND}\` to build it from the llama.cpp source node-llama-cpp ships.`
    };
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
    // CommonJS (the bundle, tsx on .ts) has __dirname; under ESM the working directory is the best guess.
    return typeof __dirname === "string" ? __dirname : process.cwd();
}

#!/usr/bin/env node
// Builds llama.cpp's `llama-server` from the source node-llama-cpp ships (llama/gitRelease.bundle), offline,
// and caches the binary by llama.cpp commit: <cache>/llama-server/<commit>/llama-server.
// The cache lies outside the repository (~/.cache/hearth or $HEARTH_CACHE_DIR) so CI on one machine reuses it.
// Usage: node scripts/buildLlamaServer.mjs [--force]; scripts/packageVsix.mjs imports ensureLlamaServer().
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundlePath = path.join(repoRoot, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

// Mirrors src/runtime/llamaServerBinary.ts (the runtime resolves the binary the same way).
const cacheRoot = process.env.HEARTH_CACHE_DIR
    ? path.join(process.env.HEARTH_CACHE_DIR, "llama-server")
    : path.join(os.homedir(), ".cache", "hearth", "llama-server");

// The binary ships in the linux-x64 VSIX (scripts/packageVsix.mjs), so it must run on other machines than this
// one: on x64 no -march=native but x86-64-v3 (AVX2, FMA, F16C, BMI2: what llama.cpp's own AVX2 release targets),
// and no OpenMP runtime (ggml's own thread pool instead), leaving libc, libm, libstdc++ and libgcc_s. The C++
// runtime stays shared: linked in statically it would call glibc 2.36's arc4random, and so need glibc 2.36.
const portableOptions = [
    ...(process.arch === "x64"
        ? ["-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON", "-DGGML_BMI2=ON"]
        : []),
    "-DGGML_OPENMP=OFF"
];

// Everything optional that could reach the network (TLS, web UI download/npm build, FetchContent) is off.
const cmakeOptions = [
    ...portableOptions,
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_LLGUIDANCE=OFF",
    "-DFETCHCONTENT_FULLY_DISCONNECTED=ON"
];

function log(message) {
    process.stdout.write(`[build:llama-server] ${message}\n`);
}

function fail(message) {
    process.stderr.write(`[build:llama-server] error: ${message}\n`);
    process.exit(1);
}

function which(program) {
    const result = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" });
    return result.status === 0 ? result.stdout.trim() : undefined;
}

function bundleCommit() {
    if (!fs.existsSync(bundlePath))
        fail(`${bundlePath} is missing: node-llama-cpp is not installed (run npm install).`);
    const heads = spawnSync("git", ["bundle", "list-heads", bundlePath], { encoding: "utf8" });
    if (heads.status !== 0)
        fail(`git could not read ${bundlePath}: ${heads.stderr.trim() || heads.error?.message}`);
    const commit = heads.stdout.split("\n").map((line) => line.split(" ")[0]).find((sha) => /^[0-9a-f]{40}$/.test(sha));
    if (!commit) fail(`no commit found in ${bundlePath}`);
    return commit;
}

/** A cached build counts only if it was built with today's options (build.json records them). */
function cachedBuildMatches(marker) {
    try {
        return JSON.stringify(JSON.parse(fs.readFileSync(marker, "utf8")).cmakeOptions) === JSON.stringify(cmakeOptions);
    } catch {
        return false;
    }
}

function binaryRuns(binary) {
    if (!fs.existsSync(binary)) return false;
    const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 20000 });
    return result.status === 0;
}

// One build per commit at a time: a second invocation waits for the first, then finds the cached binary.
async function acquireLock(lockPath) {
    for (let waitedMs = 0; ; waitedMs += 2000) {
        try {
            fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
            return () => fs.rmSync(lockPath, { force: true });
        } catch (error) {
            if (error.code !== "EEXIST") throw error;
            const holder = Number(fs.readFileSync(lockPath, "utf8"));
            if (!isAlive(holder)) {
                fs.rmSync(lockPath, { force: true });
                continue;
            }
            if (waitedMs % 60000 === 0) log(`another build (pid ${holder}) is running; waiting for it…`);
            await new Promise((resolve) => setTimeout(resolve, 2000));
        }
    }
}

function isAlive(pid) {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return error.code === "EPERM";
    }
}

let currentChild;
let cleanupPaths = [];
function cleanupAndExit(signal) {
    currentChild?.kill("SIGTERM");
    for (const leftover of cleanupPaths) fs.rmSync(leftover, { recursive: true, force: true });
    log(`interrupted (${signal}); no binary was installed.`);
    process.exit(130);
}

// Runs a command, turning ninja's "[12/260]" and make's "[ 45%]" into one progress line each.
function run(command, args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
        currentChild = child;
        const tail = [];
        let lastPercent = -1;
        const onLine = (line) => {
            if (!line.trim()) return;
            tail.push(line);
            if (tail.length > 60) tail.shift();
            const ninja = /^\[(\d+)\/(\d+)\]\s*(.*)$/.exec(line);
            const make = /^\[\s*(\d+)%\]\s*(.*)$/.exec(line);
            if (ninja) {
                const percent = Math.floor((100 * Number(ninja[1])) / Number(ninja[2]));
                log(`${String(percent).padStart(3)}% [${ninja[1]}/${ninja[2]}] ${ninja[3]}`);
                lastPercent = percent;
            } else if (make) {
                const percent = Number(make[1]);
                log(`${String(percent).padStart(3)}% ${make[2]}`);
                lastPercent = percent;
            } else if (options.echoAll || /error|warning: unused|CMake Error/i.test(line)) {
                process.stdout.write(`  ${line}\n`);
            }
        };
        for (const stream of [child.stdout, child.stderr]) {
            let pending = "";
            stream.setEncoding("utf8");
            stream.on("data", (chunk) => {
                pending += chunk;
                const lines = pending.split("\n");
                pending = lines.pop();
                lines.forEach(onLine);
            });
            stream.on("end", () => pending && onLine(pending));
        }
        child.on("error", (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
        child.on("close", (code, signal) => {
            currentChild = undefined;
            if (code === 0) resolve(lastPercent);
            else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}). Last output:\n${tail.join("\n")}`));
        });
    });
}

/** Builds llama-server unless a build with today's options is cached; resolves with its path and commit. */
export async function ensureLlamaServer({ force = false } = {}) {
    process.on("SIGINT", () => cleanupAndExit("SIGINT"));
    process.on("SIGTERM", () => cleanupAndExit("SIGTERM"));
    const commit = bundleCommit();
    const binDir = path.join(cacheRoot, commit);
    const binary = path.join(binDir, "llama-server");
    const marker = path.join(binDir, "build.json");

    if (!force && cachedBuildMatches(marker) && binaryRuns(binary)) {
        log(`cached: ${binary} (llama.cpp ${commit.slice(0, 12)})`);
        return { binary, commit };
    }

    for (const tool of ["git", "cmake", "c++"])
        if (!which(tool)) fail(`${tool} is not installed; it is needed to build llama-server (Debian: apt-get install cmake ninja-build g++ git).` +
            (process.env.npm_lifecycle_event === "package" ? " HEARTH_VSIX_LLAMA_SERVER=none packages without it." : ""));

    fs.mkdirSync(cacheRoot, { recursive: true });
    const release = await acquireLock(path.join(cacheRoot, `${commit}.lock`));
    try {
        if (!force && cachedBuildMatches(marker) && binaryRuns(binary)) {
            log(`cached (built by another run): ${binary}`);
            return { binary, commit };
        }
        const started = Date.now();
        const srcDir = path.join(cacheRoot, "src", commit);
        const buildDir = path.join(cacheRoot, "build", commit);

        if (!fs.existsSync(path.join(srcDir, "CMakeLists.txt"))) {
            const partial = `${srcDir}.partial`;
            fs.rmSync(partial, { recursive: true, force: true });
            cleanupPaths = [partial];
            log(`unbundling llama.cpp ${commit.slice(0, 12)} from ${path.relative(repoRoot, bundlePath)}…`);
            fs.mkdirSync(path.dirname(srcDir), { recursive: true });
            await run("git", ["clone", "--quiet", bundlePath, partial]);
            await run("git", ["-C", partial, "checkout", "--quiet", "--detach", commit]);
            fs.renameSync(partial, srcDir);
            cleanupPaths = [];
        }

        const generator = which("ninja") ? ["-G", "Ninja"] : [];
        const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
        log(`configuring (${generator.length ? "ninja" : "make"}, -j${jobs})…`);
        // A fresh configure, so options dropped since the last build do not linger in CMake's cache; ninja
        // still recompiles only what the new options change.
        fs.rmSync(path.join(buildDir, "CMakeCache.txt"), { force: true });
        await run("cmake", ["-S", srcDir, "-B", buildDir, ...generator, ...cmakeOptions]);
        log("compiling the llama-server target (about 20 minutes on 2 cores)…");
        await run("cmake", ["--build", buildDir, "--target", "llama-server", "--config", "Release", "-j", jobs]);

        const built = path.join(buildDir, "bin", "llama-server");
        if (!fs.existsSync(built)) fail(`the build finished but ${built} does not exist.`);
        fs.mkdirSync(binDir, { recursive: true });
        const staging = path.join(binDir, `llama-server.partial-${process.pid}`);
        cleanupPaths = [staging];
        fs.copyFileSync(built, staging);
        fs.chmodSync(staging, 0o755);
        if (!binaryRuns(staging)) fail(`the built binary does not run: ${staging} --version failed.`);
        fs.rmSync(marker, { force: true });
        fs.renameSync(staging, binary);
        cleanupPaths = [];
        const version = spawnSync(binary, ["--version"], { encoding: "utf8" });
        const seconds = Math.round((Date.now() - started) / 1000);
        fs.writeFileSync(marker, JSON.stringify({
            commit,
            builtAt: new Date().toISOString(),
            buildSeconds: seconds,
            cmakeOptions,
            version: `${version.stdout}${version.stderr}`.trim()
        }, null, 4) + "\n");
        log(`done in ${Math.floor(seconds / 60)}m${seconds % 60}s: ${binary} (${(fs.statSync(binary).size / 1048576).toFixed(1)} MiB)`);
        return { binary, commit };
    } finally {
        release();
    }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
    ensureLlamaServer({ force: process.argv.includes("--force") }).catch((error) => fail(error.message));

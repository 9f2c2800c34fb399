// `npm run package [-- --target <vscode-target>]`: a production build, then hearth.vsix for one platform
// (vsce --target; default this machine's). The VSIX carries node-llama-cpp and its production dependencies (it
// is never bundled, since it loads native binaries from its own folder). .vscodeignore drops every
// @node-llama-cpp/* binary package; this script adds back the ones for the target: the CPU build and the Vulkan
// build (any GPU vendor). CUDA builds are 180-360 MB each and stay out: NVIDIA GPUs run through Vulkan.
// For this machine's own platform it also puts in dist/bin/<target>/llama-server, built from the llama.cpp
// source node-llama-cpp ships (scripts/buildLlamaServer.mjs, cached), so Gemma 4's MTP drafter runs with
// nothing to build; a VSIX for another platform has none and the runtime says how to get one.
// HEARTH_VSIX_LLAMA_SERVER=none packages this platform without it too (a machine with no C++ compiler).
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const output = path.resolve(repoRoot, process.env.HEARTH_VSIX ?? "hearth.vsix");
/** Where the runtime looks for a bundled llama-server (src/runtime/llamaServerBinary.ts, bundledBinaryPath). */
const serverRoot = path.join(repoRoot, "dist", "bin");

/** VS Code's target names and node-llama-cpp's binary packages for each platform we can package. */
const platforms = {
    "linux-x64": ["linux-x64", "linux-x64-vulkan"],
    "linux-arm64": ["linux-arm64"],
    "linux-armhf": ["linux-armv7l"],
    "darwin-arm64": ["mac-arm64-metal"],
    "darwin-x64": ["mac-x64"],
    "win32-x64": ["win-x64", "win-x64-vulkan"],
    "win32-arm64": ["win-arm64"]
};

/** Libraries every Linux that runs VS Code has; anything else the binary links would have to ship beside it. */
const systemLibraries = /^(linux-vdso|ld-linux[-\w]*|libc|libm|libpthread|libdl|librt|libstdc\+\+|libgcc_s)\.so/;

const argTarget = process.argv.indexOf("--target");
const host = vscodeTarget();
const target = (argTarget >= 0 ? process.argv[argTarget + 1] : undefined) ?? process.env.HEARTH_VSIX_TARGET ?? host;
const binaryPackages = platforms[target];
if (!binaryPackages) fail(`no packaging rule for target ${target}; known: ${Object.keys(platforms).join(", ")}`);
const missing = binaryPackages.filter((name) => !fs.existsSync(path.join(repoRoot, "node_modules/@node-llama-cpp", name, "package.json")));
if (missing.includes(binaryPackages[0])) fail(`node_modules/@node-llama-cpp/${binaryPackages[0]} is not installed; run npm install on a ${target} machine`);

const ignoreFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vsix-")), "vscodeignore");
const keep = binaryPackages.filter((name) => !missing.includes(name)).map((name) => `!node_modules/@node-llama-cpp/${name}/**`);
fs.writeFileSync(ignoreFile, fs.readFileSync(path.join(repoRoot, ".vscodeignore"), "utf8") + "\n" + keep.join("\n") + "\n");
// On every exit, failures included: a staged binary must never reach a VSIX for another platform, nor a
// source checkout's runtime (which would prefer it to the cache).
process.on("exit", () => {
    fs.rmSync(serverRoot, {recursive: true, force: true});
    fs.rmSync(path.dirname(ignoreFile), {recursive: true, force: true});
});

run("node", ["esbuild.mjs", "--production"]);
fs.rmSync(serverRoot, {recursive: true, force: true});
let server = "no llama-server";
if (target === host && process.env.HEARTH_VSIX_LLAMA_SERVER !== "none") server = await stageLlamaServer();
else console.log(`package: no llama-server for ${target} (it is built only for this machine's platform, ${host}); ` +
    "that VSIX runs MTP drafters once hearth.llamaServer.path points at one");
run(path.join(repoRoot, "node_modules/.bin/vsce"), ["package", "--target", target, "--ignoreFile", ignoreFile, "--out", output]);
console.log(`hearth.vsix for ${target} (${keep.length} node-llama-cpp binary package(s), ${server}): ${output}, ` +
    `${(fs.statSync(output).size / 2 ** 20).toFixed(1)} MiB`);

/** Builds (or takes from the cache) llama-server and copies it, executable, to dist/bin/<target>/. */
async function stageLlamaServer() {
    const {ensureLlamaServer} = await import("./buildLlamaServer.mjs");
    const {binary, commit} = await ensureLlamaServer();
    checkLinkedLibraries(binary);
    const staged = path.join(serverRoot, target, path.basename(binary));
    fs.mkdirSync(path.dirname(staged), {recursive: true});
    fs.copyFileSync(binary, staged);
    // vsce records each file's mode in the zip, and VS Code's installer restores it.
    fs.chmodSync(staged, 0o755);
    return `llama-server ${commit.slice(0, 12)} at ${path.relative(repoRoot, staged)}, ${(fs.statSync(staged).size / 2 ** 20).toFixed(1)} MiB`;
}

/** The shipped binary must need no library beyond the C and C++ runtimes (buildLlamaServer.mjs sees to it). */
function checkLinkedLibraries(binary) {
    if (process.platform !== "linux") return;
    const ldd = spawnSync("ldd", [binary], {encoding: "utf8"});
    if (/not a dynamic executable/.test(`${ldd.stdout}${ldd.stderr}`)) return;
    if (ldd.status !== 0) fail(`ldd ${binary} failed: ${ldd.stderr.trim() || ldd.error?.message}`);
    const extra = ldd.stdout.split("\n").map((line) => line.trim().split(/\s+/)[0]).filter((name) => name && !systemLibraries.test(path.basename(name)));
    if (extra.length > 0) fail(`${binary} links ${extra.join(", ")}, which users may lack; rebuild it with npm run build:llama-server -- --force`);
}

function vscodeTarget() {
    const arch = process.arch === "arm" ? "armhf" : process.arch;
    return `${process.platform}-${arch}`;
}

function run(command, args) {
    const result = spawnSync(command, args, {cwd: repoRoot, stdio: "inherit"});
    if (result.status !== 0) fail(`${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function fail(message) {
    console.error(`package: ${message}`);
    process.exit(1);
}

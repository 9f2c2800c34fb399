// `npm run package`: a production build, then hearth.vsix for this machine's platform (vsce --target).
// The VSIX carries node-llama-cpp and its production dependencies (it is never bundled, since it loads
// native binaries from its own folder). .vscodeignore drops every @node-llama-cpp/* binary package; this
// script adds back the ones for the target: the CPU build and the Vulkan build (any GPU vendor). CUDA
// builds are 180-360 MB each and stay out: NVIDIA GPUs run through Vulkan.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const output = path.resolve(repoRoot, process.env.HEARTH_VSIX ?? "hearth.vsix");

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

const target = process.env.HEARTH_VSIX_TARGET ?? vscodeTarget();
const binaryPackages = platforms[target];
if (!binaryPackages) fail(`no packaging rule for target ${target}; known: ${Object.keys(platforms).join(", ")}`);
const missing = binaryPackages.filter((name) => !fs.existsSync(path.join(repoRoot, "node_modules/@node-llama-cpp", name, "package.json")));
if (missing.includes(binaryPackages[0])) fail(`node_modules/@node-llama-cpp/${binaryPackages[0]} is not installed; run npm install on a ${target} machine`);

const ignoreFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vsix-")), "vscodeignore");
const keep = binaryPackages.filter((name) => !missing.includes(name)).map((name) => `!node_modules/@node-llama-cpp/${name}/**`);
fs.writeFileSync(ignoreFile, fs.readFileSync(path.join(repoRoot, ".vscodeignore"), "utf8") + "\n" + keep.join("\n") + "\n");

run("node", ["esbuild.mjs", "--production"]);
run(path.join(repoRoot, "node_modules/.bin/vsce"), ["package", "--target", target, "--ignoreFile", ignoreFile, "--out", output]);
fs.rmSync(path.dirname(ignoreFile), {recursive: true, force: true});
console.log(`hearth.vsix for ${target} (${keep.length} node-llama-cpp binary package(s)): ${output}, ${(fs.statSync(output).size / 2 ** 20).toFixed(1)} MiB`);

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

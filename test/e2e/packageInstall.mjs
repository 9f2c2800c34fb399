// The packaging check: `npm run package` builds hearth.vsix with this platform's llama-server stored
// executable, code-server installs it into a fresh extensions folder and lists hearth-dev.hearth at this
// version, and the installed node-llama-cpp and llama-server both run. Each is one counted check.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {codeServerCli} from "./lib/codeServer.mjs";
import {nodeBinary, repoRoot} from "./lib/tools.mjs";
import {zipListing} from "./lib/zipListing.mjs";

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
export const extensionId = `${manifest.publisher}.${manifest.name}`;
export const vsixPath = path.join(repoRoot, "hearth.vsix");
/** The VSIX is packaged for this machine, so it carries the llama-server built here (scripts/packageVsix.mjs). */
const target = `${process.platform}-${process.arch === "arm" ? "armhf" : process.arch}`;
const serverInVsix = `extension/dist/bin/${target}/${process.platform === "win32" ? "llama-server.exe" : "llama-server"}`;

/** Runs the checks, printing them like mocha does; resolves with counts and whether Hearth is installed. */
export async function checkPackage(sandbox) {
    const counts = {passes: 0, failures: 0, pending: 0};
    console.log("\n  packaging");
    const built = check(counts, "npm run package produces hearth.vsix", () => {
        fs.rmSync(vsixPath, {force: true});
        const result = spawnSync("npm", ["run", "--silent", "package"], {cwd: repoRoot, encoding: "utf8"});
        if (result.status !== 0) throw new Error(`npm run package exited ${result.status}:\n${result.stdout}${result.stderr}`);
        if (!fs.existsSync(vsixPath)) throw new Error(`npm run package succeeded but wrote no ${vsixPath}`);
        return `${(fs.statSync(vsixPath).size / 2 ** 20).toFixed(1)} MiB`;
    });
    built && check(counts, `it carries an executable llama-server at ${serverInVsix}`, () => {
        const entry = zipListing(vsixPath).get(serverInVsix);
        if (!entry) throw new Error(`hearth.vsix has no ${serverInVsix}`);
        if ((entry.mode & 0o111) !== 0o111) throw new Error(`${serverInVsix} is stored with mode ${entry.mode.toString(8)}, not executable`);
        return `${(entry.size / 2 ** 20).toFixed(1)} MiB, mode ${(entry.mode & 0o777).toString(8)}`;
    });
    const installed = built && check(counts, `code-server installs it and lists ${extensionId}@${manifest.version}`, () => {
        codeServerCli(sandbox, ["--install-extension", vsixPath]);
        const listed = codeServerCli(sandbox, ["--list-extensions", "--show-versions"]);
        const wanted = `${extensionId}@${manifest.version}`;
        if (!listed.split(/\s+/).includes(wanted)) throw new Error(`--list-extensions does not show ${wanted}:\n${listed}`);
        return "";
    });
    installed && check(counts, "node-llama-cpp in the installed extension loads its prebuilt CPU binary", () => {
        const folder = fs.readdirSync(sandbox.extensionsDir).find((name) => name.startsWith(`${extensionId}-`));
        if (!folder) throw new Error(`no ${extensionId}-* folder in ${sandbox.extensionsDir}`);
        return loadLlama(path.join(sandbox.extensionsDir, folder));
    });
    installed && check(counts, "its llama-server stays executable once installed and runs", () => {
        const folder = fs.readdirSync(sandbox.extensionsDir).find((name) => name.startsWith(`${extensionId}-`));
        const binary = path.join(sandbox.extensionsDir, folder, serverInVsix.slice("extension/".length));
        fs.accessSync(binary, fs.constants.X_OK);
        const result = spawnSync(binary, ["--version"], {encoding: "utf8", timeout: 30000});
        const output = `${result.stdout}${result.stderr}`;
        if (result.status !== 0) throw new Error(`${binary} --version exited ${result.status ?? result.error?.message}:\n${output}`);
        return output.split("\n").find((line) => /version/.test(line))?.trim() ?? "";
    });
    return {counts, installed};
}

/**
 * Loads node-llama-cpp from the installed extension with the Node that code-server's extension host
 * runs on, the way the runtime child process will: prebuilt binaries only, never a source build.
 */
function loadLlama(extensionDir) {
    const entry = path.join(extensionDir, "node_modules/node-llama-cpp/dist/index.js");
    if (!fs.existsSync(entry)) throw new Error(`the VSIX has no ${path.relative(extensionDir, entry)}`);
    const probe = path.join(repoRoot, "test/e2e/lib/loadLlama.mjs");
    const result = spawnSync(nodeBinary, [probe, entry], {cwd: extensionDir, encoding: "utf8", timeout: 120000});
    if (result.status !== 0) throw new Error(`loading node-llama-cpp failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    const loaded = JSON.parse(result.stdout.trim().split("\n").pop());
    if (loaded.gpu !== false) throw new Error(`expected the CPU build, got gpu=${loaded.gpu}`);
    return `llama.cpp ${loaded.llamaCpp}`;
}

function check(counts, title, body) {
    const started = Date.now();
    try {
        const note = body();
        counts.passes += 1;
        console.log(`    ✔ ${title} (${note ? `${note}, ` : ""}${((Date.now() - started) / 1000).toFixed(1)} s)`);
        return true;
    } catch (error) {
        counts.failures += 1;
        console.log(`    ✖ ${title}\n      ${String(error.message ?? error).split("\n").join("\n      ")}`);
        return false;
    }
}

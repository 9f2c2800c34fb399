// Which llama-server the runtime finds, in an extension layout like the one a platform VSIX installs
// (dist/bin/<target>/llama-server, scripts/packageVsix.mjs), with the real binary `npm run build:llama-server`
// built: the setting, then the bundled copy, then PATH, then the cache. Last, the bundled runtime host of such
// a layout runs the gemma4 target with its MTP drafter on the bundled server, with nothing else to find.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {RuntimeClient} from "../../src/runtime/client";
import {silentLogger} from "../../src/log";
import {bundledBinaryPath, findLlamaServerBinary, vsixTarget} from "../../src/runtime/llamaServerBinary";
import {ensureTestModels, testModelPath} from "../support/testModels";

/** An installed extension: dist/runtime-host.mjs, dist/bin/<target>/llama-server and node_modules. */
function extensionLayout(root: string, server: {from?: string, script?: string, mode?: number}): {dist: string, binary: string} {
    const dist = path.join(root, "dist");
    const binary = bundledBinaryPath(dist);
    fs.mkdirSync(path.dirname(binary), {recursive: true});
    if (server.from) fs.copyFileSync(server.from, binary);
    if (server.script) fs.writeFileSync(binary, server.script);
    if (server.from || server.script) fs.chmodSync(binary, server.mode ?? 0o755);
    return {dist, binary};
}

/** Runs `body` with PATH and the llama-server cache pointed at `dir` (nothing there unless the test puts it). */
function withEnvironment<T>(env: {PATH?: string, HEARTH_CACHE_DIR?: string}, body: () => T): T {
    const saved = {PATH: process.env.PATH, HEARTH_CACHE_DIR: process.env.HEARTH_CACHE_DIR};
    try {
        for (const [key, value] of Object.entries(env)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        return body();
    } finally {
        process.env.PATH = saved.PATH;
        if (saved.HEARTH_CACHE_DIR === undefined) delete process.env.HEARTH_CACHE_DIR;
        else process.env.HEARTH_CACHE_DIR = saved.HEARTH_CACHE_DIR;
    }
}

describe("llama-server binary resolution", function () {
    this.timeout(300_000);
    let built: string;
    let scratch: string;
    let emptyDir: string;

    before(function () {
        // The one npm test builds (or the user's, on PATH): the real server the bundled copy is made from.
        const found = findLlamaServerBinary(undefined, path.join(os.tmpdir(), "hearth-no-extension"));
        if (!found.found) throw new Error(`${found.reason} (npm test builds it before the suites)`);
        built = found.path;
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-server-binary-"));
        emptyDir = path.join(scratch, "empty");
        fs.mkdirSync(emptyDir);
    });
    after(() => fs.rmSync(scratch, {recursive: true, force: true}));

    it("prefers the bundled llama-server to PATH and the cache, and the setting to both", function () {
        const {dist, binary} = extensionLayout(path.join(scratch, "preferred"), {from: built});
        const pathDir = path.join(scratch, "path-bin");
        fs.mkdirSync(pathDir);
        fs.symlinkSync(built, path.join(pathDir, path.basename(binary)));

        withEnvironment({PATH: pathDir}, () => {
            assert.deepEqual(findLlamaServerBinary(undefined, dist), {found: true, path: binary, source: "bundled"});
            assert.deepEqual(findLlamaServerBinary(built, dist), {found: true, path: built, source: "configured"});
            // The same layout without the binary: PATH is next.
            assert.deepEqual(findLlamaServerBinary(undefined, path.join(scratch, "elsewhere", "dist")),
                {found: true, path: path.join(pathDir, path.basename(binary)), source: "PATH"});
        });
    });

    it("makes a bundled binary executable again when the installer dropped its mode", function () {
        const {dist, binary} = extensionLayout(path.join(scratch, "no-mode"), {from: built, mode: 0o644});
        const found = withEnvironment({PATH: emptyDir, HEARTH_CACHE_DIR: emptyDir}, () => findLlamaServerBinary(undefined, dist));
        assert.deepEqual(found, {found: true, path: binary, source: "bundled"});
        assert.equal(fs.statSync(binary).mode & 0o111, 0o111);
    });

    it("passes over a bundled binary that does not run on this machine, and says why", function () {
        // What the dynamic loader says on a system with an older C library than the build machine's.
        // (Only shell builtins: PATH is empty here.)
        const script = "#!/bin/sh\necho \"llama-server: /lib/x86_64-linux-gnu/libc.so.6: version \\`GLIBC_2.99' not found\" >&2\nexit 1\n";
        const {dist, binary} = extensionLayout(path.join(scratch, "broken"), {script});
        const missing = withEnvironment({PATH: emptyDir, HEARTH_CACHE_DIR: emptyDir}, () => findLlamaServerBinary(undefined, dist));
        assert.equal(missing.found, false);
        assert.match(missing.found ? "" : missing.reason, new RegExp(`the bundled ${binary} does not run on this machine \\(.*GLIBC_2\\.99' not found\\)`));
        // What a source checkout finds (PATH, or the cache npm test built) still serves.
        const fallback = findLlamaServerBinary(undefined, dist);
        assert.ok(fallback.found && fallback.source !== "bundled", JSON.stringify(fallback));
    });

    it("says how to get one when the package carries none (a VSIX for another platform)", function () {
        const {dist} = extensionLayout(path.join(scratch, "other-platform"), {});
        const missing = withEnvironment({PATH: emptyDir, HEARTH_CACHE_DIR: emptyDir}, () => findLlamaServerBinary(undefined, dist));
        assert.equal(missing.found, false);
        const reason = missing.found ? "" : missing.reason;
        assert.match(reason, new RegExp(`not bundled with this Hearth package for ${vsixTarget()}`));
        assert.match(reason, /Set hearth\.llamaServer\.path to a llama-server built from llama\.cpp [0-9a-f]{12} or newer/);
        assert.match(reason, /Run `npm run build:llama-server` in a Hearth source checkout/);
    });

    it("runs the MTP drafter on the bundled server from the extension's own runtime host", async function () {
        ensureTestModels();
        const root = path.join(scratch, "installed");
        const {dist} = extensionLayout(root, {from: built});
        fs.copyFileSync(path.resolve("dist/runtime-host.mjs"), path.join(dist, "runtime-host.mjs"));
        fs.symlinkSync(path.resolve("node_modules"), path.join(root, "node_modules"), "dir");
        // Nothing on PATH and an empty cache: only the bundled binary can serve. The host is forked with this
        // process's working directory (the repository), as VS Code forks it with its own, never the extension's.
        const client = new RuntimeClient({hostPath: path.join(dist, "runtime-host.mjs"), log: silentLogger, env: {PATH: emptyDir, HEARTH_CACHE_DIR: emptyDir}});
        try {
            const info = await client.load({
                engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterPath: testModelPath("gemma4-assistant"),
                drafterMode: "auto", maxDraftTokens: 8, contextSize: 2048, gpu: "off", threads: 0
            });
            assert.equal(info.engine, "llamaServer");
            assert.equal(info.drafter, "mtp");
            const result = await client.complete({context: "", prefix: "export function ", suffix: "", maxTokens: 16, stop: []});
            assert.equal(result.stats.generatedTokens, 16);
        } finally {
            await client.dispose();
        }
    });
});

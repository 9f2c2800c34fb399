// Bundles test/e2e/suite (index.ts and every *.test.ts) into CommonJS the extension host can load.
// `vscode` is provided by the extension host and mocha is loaded from the project's node_modules.
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import {cacheDir, repoRoot} from "./tools.mjs";

/**
 * Bundles into .cache/e2e/suite/<pid> (inside the repository, so `require("mocha")` finds the project's
 * node_modules; one folder per run, so two runs in one checkout do not clash). Returns the entry point
 * and a function that removes the bundle.
 */
export async function buildSuite() {
    const suiteOutDir = path.join(cacheDir, "suite", String(process.pid));
    const sourceDir = path.join(repoRoot, "test/e2e/suite");
    const entryPoints = fs.readdirSync(sourceDir)
        .filter((name) => name === "index.ts" || name.endsWith(".test.ts"))
        .map((name) => path.join(sourceDir, name));
    fs.rmSync(suiteOutDir, {recursive: true, force: true});
    await esbuild.build({
        entryPoints,
        outdir: suiteOutDir,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        sourcemap: "inline",
        external: ["vscode", "mocha"],
        logLevel: "warning"
    });
    return {suiteIndex: path.join(suiteOutDir, "index.js"), removeSuite: () => fs.rmSync(suiteOutDir, {recursive: true, force: true})};
}

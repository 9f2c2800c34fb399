// Bundles every entry point into dist/. One table, so adding an entry is one line.
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** node-llama-cpp ships native binaries and loads them from its own folder, so it is never bundled. */
const nodeExternals = ["vscode", "node-llama-cpp"];

/** web-tree-sitter's ESM build needs import.meta, which a CommonJS bundle lacks: bundle its CommonJS build. */
const treeSitterCjs = {"web-tree-sitter": "./node_modules/web-tree-sitter/tree-sitter.cjs"};

const common = {
    bundle: true,
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "info",
    legalComments: "none"
};

/** @type {import("esbuild").BuildOptions[]} */
const entries = [
    // The extension itself, loaded by VS Code's extension host (CommonJS); it parses too (completion shapes).
    {entryPoints: {extension: "src/extension.ts"}, platform: "node", format: "cjs", target: "node20", external: nodeExternals, alias: treeSitterCjs},
    // The runtime child process: ESM because node-llama-cpp is ESM-only.
    {entryPoints: {"runtime-host": "src/runtime/host/main.ts"}, platform: "node", format: "esm", target: "node20", external: nodeExternals, outExtension: {".js": ".mjs"}},
    // The context index worker thread, and its parse helper threads (src/context/worker/).
    {entryPoints: {"context-worker": "src/context/worker/main.ts"}, platform: "node", format: "cjs", target: "node20", external: nodeExternals, alias: treeSitterCjs},
    {entryPoints: {"context-parser": "src/context/worker/parseHelper.ts"}, platform: "node", format: "cjs", target: "node20", external: nodeExternals, alias: treeSitterCjs},
    // Model discovery off the extension host's thread (src/runtime/models/discoveryThread.ts).
    {entryPoints: {"models-discovery": "src/runtime/models/discoveryWorker.ts"}, platform: "node", format: "cjs", target: "node20", external: nodeExternals},
    // The chat webview's script runs in a browser sandbox.
    {entryPoints: {"webview/chat": "src/webview/chat.ts"}, platform: "browser", format: "iife", target: "es2022"},
    // Its stylesheet, with the codicon font beside it in dist/webview/ (the view's only resource root).
    {entryPoints: {"webview/chat": "media/chat.css"}, loader: {".ttf": "file"}, assetNames: "webview/[name]"}
];

/** tree-sitter's runtime and grammar .wasm files, found at run time in dist/grammars/ (src/context/wasmLocation.ts). */
function copyGrammars() {
    const table = JSON.parse(fs.readFileSync("src/context/grammars.json", "utf8"));
    fs.mkdirSync("dist/grammars", {recursive: true});
    for (const spec of [table.runtime, ...Object.values(table.grammars)]) {
        fs.copyFileSync(path.join("node_modules", spec), path.join("dist/grammars", path.basename(spec)));
    }
}
copyGrammars();

const contexts = await Promise.all(entries.map((entry) => esbuild.context({...common, outdir: "dist", ...entry})));
if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
}

// Bundles every entry point into dist/. One table, so adding an entry is one line.
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** node-llama-cpp ships native binaries and loads them from its own folder, so it is never bundled. */
const nodeExternals = ["vscode", "node-llama-cpp"];

const common = {
    bundle: true,
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "info",
    legalComments: "none"
};

/** @type {import("esbuild").BuildOptions[]} */
const entries = [
    // The extension itself, loaded by VS Code's extension host (CommonJS).
    {entryPoints: {extension: "src/extension.ts"}, platform: "node", format: "cjs", target: "node20", external: nodeExternals},
    // The runtime child process: ESM because node-llama-cpp is ESM-only.
    {entryPoints: {"runtime-host": "src/runtime/host/main.ts"}, platform: "node", format: "esm", target: "node20", external: nodeExternals, outExtension: {".js": ".mjs"}},
    // The chat webview's script runs in a browser sandbox.
    {entryPoints: {"webview/chat": "src/webview/chat.ts"}, platform: "browser", format: "iife", target: "es2022"}
];

const contexts = await Promise.all(entries.map((entry) => esbuild.context({...common, outdir: "dist", ...entry})));
if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
}

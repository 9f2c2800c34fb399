// Where the tree-sitter runtime and grammar .wasm files are. The bundle ships them in `dist/grammars/`
// (copied by esbuild.mjs from grammars.json); from source (tests, benchmarks) they are read from node_modules.
import fs from "node:fs";
import path from "node:path";
import grammarTable from "./grammars.json";
import type {ParsedLanguage} from "./languages";

/** Files are flattened to their base names in the bundle's grammars folder. */
export const bundledGrammarDirName = "grammars";

export interface WasmFiles {
    runtime: string;
    grammars: Record<ParsedLanguage, string>;
}

/** Resolves every wasm file, preferring `dir` (or the bundle's grammars folder), else node_modules. */
export function locateWasmFiles(dir?: string): WasmFiles {
    const here = path.dirname(__filename); // dist/ in the bundle, src/context/ from source (both CommonJS)
    const bundled = dir ?? path.join(here, bundledGrammarDirName);
    const find = (spec: string): string => {
        const inBundle = path.join(bundled, path.basename(spec));
        if (fs.existsSync(inBundle)) return inBundle;
        for (let d = here; ; d = path.dirname(d)) {
            const candidate = path.join(d, "node_modules", spec);
            if (fs.existsSync(candidate)) return candidate;
            if (path.dirname(d) === d) break;
        }
        throw new Error(`Hearth context: cannot find ${path.basename(spec)} in ${bundled} or any node_modules above ${here}`);
    };
    const grammars = {} as Record<ParsedLanguage, string>;
    for (const [language, spec] of Object.entries(grammarTable.grammars)) grammars[language as ParsedLanguage] = find(spec);
    return {runtime: find(grammarTable.runtime), grammars};
}

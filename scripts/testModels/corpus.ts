// The code corpus the test models learn from: source files of node-llama-cpp, pinned at an exact version in
// package.json ("node-llama-cpp": "3.22.1"), so every machine trains on the same bytes. Its hash is part of the
// generator hash in models.json: a different corpus regenerates the models and their expectations together.
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const CORPUS_PACKAGE = "node-llama-cpp";
export const CORPUS_PACKAGE_VERSION = "3.22.1";
export const CORPUS_FILES: readonly string[] = [
    "dist/evaluator/LlamaCompletion.js",
    "dist/utils/LlamaText.js",
    "dist/utils/StopGenerationDetector.js",
    "dist/utils/TokenStreamRegulator.js",
    "dist/evaluator/LlamaRankingContext.js",
    "dist/utils/ThreadsSplitter.js",
    "dist/utils/parseModelUri.js",
    "dist/evaluator/LlamaContext/LlamaContext.d.ts"
];

export interface CorpusDocument {
    name: string;
    text: string;
}

export interface Corpus {
    documents: CorpusDocument[];
    sha256: string;
    bytes: number;
}

export function loadCorpus(repoRoot: string): Corpus {
    const packageRoot = path.join(repoRoot, "node_modules", CORPUS_PACKAGE);
    const version = (JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {version: string}).version;
    if (version !== CORPUS_PACKAGE_VERSION) {
        throw new Error(`test-model corpus expects ${CORPUS_PACKAGE}@${CORPUS_PACKAGE_VERSION}, found ${version}; update CORPUS_PACKAGE_VERSION (models regenerate)`);
    }
    const hash = createHash("sha256");
    const documents = CORPUS_FILES.map((name) => {
        // Source-map comments are build noise, not code.
        const text = fs.readFileSync(path.join(packageRoot, name), "utf8").replace(/^\/\/# sourceMappingURL=.*$/gm, "").replace(/\r\n/g, "\n");
        hash.update(name).update("\0").update(text).update("\0");
        return {name, text};
    });
    return {documents, sha256: hash.digest("hex"), bytes: documents.reduce((n, d) => n + Buffer.byteLength(d.text), 0)};
}

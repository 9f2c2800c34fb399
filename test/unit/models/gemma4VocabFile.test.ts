// Finding real Gemma 4's vocabulary with no download (scripts/testModels/gemma4VocabFile.ts): on a clean machine it
// is extracted from node-llama-cpp's llama.cpp source bundle into the cache, once; a wrong override is named.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {bundleCommit, findGemma4VocabFile, GEMMA4_VOCAB_FILE} from "../../../scripts/testModels/gemma4VocabFile";
import {readModelFacts} from "../../../src/runtime/models/gguf/modelFacts";

describe("Gemma 4 vocabulary file", function () {
    this.timeout(60_000);
    const saved = {cache: process.env.HEARTH_CACHE_DIR, vocab: process.env.HEARTH_GEMMA_VOCAB};
    let cache: string;
    beforeEach(() => {
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vocab-cache-"));
        process.env.HEARTH_CACHE_DIR = cache;
        delete process.env.HEARTH_GEMMA_VOCAB;
    });
    afterEach(() => {
        for (const [key, value] of [["HEARTH_CACHE_DIR", saved.cache], ["HEARTH_GEMMA_VOCAB", saved.vocab]] as const) {
            if (value === undefined) delete process.env[key]; else process.env[key] = value;
        }
        fs.rmSync(cache, {recursive: true, force: true});
    });

    it("extracts llama.cpp's vocabulary from the bundle into an empty cache, then finds it there", () => {
        const file = findGemma4VocabFile();
        assert.equal(file, path.join(cache, "gemma4-vocab", bundleCommit(), GEMMA4_VOCAB_FILE));
        const facts = readModelFacts(file);
        assert.equal(facts.vocabSize, 262144);
        assert.equal(facts.tokenizerModel, "gemma4");
        assert.deepEqual(facts.fimTokens, {}, "real Gemma 4 has no FIM tokens");
        assert.deepEqual(fs.readdirSync(path.dirname(file)), [GEMMA4_VOCAB_FILE], "no temporary file left");
        const mtime = fs.statSync(file).mtimeMs;
        assert.equal(findGemma4VocabFile(), file);
        assert.equal(fs.statSync(file).mtimeMs, mtime, "found, not extracted again");
    });

    it("prefers the source the llama-server build unpacked", () => {
        const unpacked = path.join(cache, "llama-server", "src", bundleCommit(), "models", GEMMA4_VOCAB_FILE);
        fs.mkdirSync(path.dirname(unpacked), {recursive: true});
        fs.writeFileSync(unpacked, "stand-in");
        assert.equal(findGemma4VocabFile(), unpacked);
    });

    it("names a HEARTH_GEMMA_VOCAB that does not exist", () => {
        process.env.HEARTH_GEMMA_VOCAB = path.join(cache, "missing.gguf");
        assert.throws(() => findGemma4VocabFile(), /HEARTH_GEMMA_VOCAB names .*missing\.gguf, which does not exist/);
    });
});

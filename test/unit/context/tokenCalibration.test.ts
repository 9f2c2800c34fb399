// Calibration of the token estimate against the real Gemma 4 tokenizer (a vocabulary-only GGUF loaded by
// node-llama-cpp). This is also the procedure that produced `gemmaTokenModel`: it fits the linear model on
// 40-line chunks and prints the coefficients. The vocabulary is llama.cpp's own, found where the llama-server build
// unpacks it or extracted from node-llama-cpp's source bundle (test/support/testModels.ts: findGemma4VocabFile).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {describe, it} from "mocha";
import {estimateTokens, featureNames, fitTokenModel, gemmaTokenModel} from "../../../src/context/tokenCount";
import {findGemma4VocabFile} from "../../support/testModels";
import {fixtureRoot} from "./fixture";

function codeFiles(dir: string, out: string[] = []): string[] {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) codeFiles(full, out);
        else if (/\.(ts|tsx|js|mjs|py|go|rs|java|c|h|cpp|hpp|cs|rb|php|sh|md)$/.test(entry.name)) out.push(full);
    }
    return out;
}

describe("context: token estimate calibration (Gemma 4 tokenizer)", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    it("the stored coefficients estimate real token counts closely on code of many languages", async function () {
        const vocab = findGemma4VocabFile();
        const {getLlama} = await import("node-llama-cpp");
        const llama = await getLlama({gpu: false, build: "never"});
        const model = await llama.loadModel({modelPath: vocab, vocabOnly: true});
        assert.equal(model.fileInfo.metadata.tokenizer.ggml.tokens.length, 262144, "real Gemma 4 vocabulary");
        const samples: Array<{text: string, tokens: number}> = [];
        for (const file of [...codeFiles(fixtureRoot), ...codeFiles(path.resolve(__dirname, "../../../src/context"))]) {
            const lines = fs.readFileSync(file, "utf8").split("\n");
            for (let s = 0; s < lines.length; s += 40) {
                const text = lines.slice(s, s + 40).join("\n");
                if (text.trim()) samples.push({text, tokens: model.tokenize(text, false).length});
            }
        }
        await model.dispose();
        const errors = samples.map((s) => Math.abs(estimateTokens(s.text) - s.tokens) / s.tokens).sort((a, b) => a - b);
        const total = samples.reduce((n, s) => n + s.tokens, 0);
        const estimated = samples.reduce((n, s) => n + estimateTokens(s.text), 0);
        const refit = fitTokenModel(samples);
        console.log(`    ${samples.length} chunks, ${total} tokens; median error ${(errors[errors.length >> 1] * 100).toFixed(1)}%, ` +
            `p90 ${(errors[Math.floor(errors.length * 0.9)] * 100).toFixed(1)}%, total ${(estimated / total).toFixed(3)}×`);
        console.log(`    refit here: ${featureNames.map((n) => `${n}=${refit[n].toFixed(4)}`).join(" ")}`);
        console.log(`    stored:     ${featureNames.map((n) => `${n}=${gemmaTokenModel[n].toFixed(4)}`).join(" ")}`);
        assert.ok(samples.length > 50);
        assert.ok(errors[errors.length >> 1] < 0.1, "median error under 10%");
        assert.ok(Math.abs(estimated / total - 1) < 0.1, "total within 10%");
    });
});

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {RuntimeError} from "../../../src/runtime/protocol";
import {validateModelFiles, type ValidateRequest} from "../../../src/runtime/models/validate";
import {checkDrafterAloneOffThread, checkMainModelOffThread, classifyMainModelOffThread, validateModelFilesOffThread} from "../../../src/runtime/models/discoveryThread";
import {GgufValueType} from "../../../src/runtime/models/gguf";
import {ByteBuilder} from "../../../scripts/testModels/gguf";
import {gemmaTokens, makeTempDir, otherTokens, writeTinyModel, writeTruncatedCopy} from "./support/tinyGguf";

/** Runs the validation and returns the refusal, failing the test if there was none. */
function refusal(request: ValidateRequest): RuntimeError {
    try {
        validateModelFiles(request);
    } catch (error) {
        assert.ok(error instanceof RuntimeError, `expected a RuntimeError, got ${String(error)}`);
        return error;
    }
    assert.fail(`${JSON.stringify(request)} was accepted`);
}

function assertRefuses(request: ValidateRequest, file: string, reason: RegExp): void {
    const error = refusal(request);
    assert.equal(error.code, "badModel");
    assert.equal(error.path, file);
    assert.ok(error.message.includes(file), `message does not name ${file}: ${error.message}`);
    assert.match(error.message, reason);
}

describe("models/validate", () => {
    const dir = makeTempDir("validate");
    const main = writeTinyModel(path.join(dir, "gemma-main.gguf"), {embeddingLength: 48});
    const smallDraft = writeTinyModel(path.join(dir, "gemma-small.gguf"), {embeddingLength: 16});
    const assistant = writeTinyModel(path.join(dir, "mtp-assistant.gguf"), {architecture: "gemma4-assistant", embeddingLength: 16, embeddingLengthOut: 48});
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it("accepts a gemma4 main model with its MTP drafter and returns their facts", () => {
        const result = validateModelFiles({modelPath: main, drafterPath: assistant, drafterMode: "mtp"});
        assert.equal(result.model.facts.architecture, "gemma4");
        assert.equal(result.model.facts.vocabSize, gemmaTokens.length);
        assert.equal(result.drafter?.kind, "mtp");
        assert.equal(result.drafter?.facts.isMtpDrafter, true);
    });

    it("classifies the drafter by its header in auto mode, and ignores it when the mode needs no file", () => {
        assert.equal(validateModelFiles({modelPath: main, drafterPath: smallDraft, drafterMode: "auto"}).drafter?.kind, "draftModel");
        assert.equal(validateModelFiles({modelPath: main, drafterPath: assistant, drafterMode: "auto"}).drafter?.kind, "mtp");
        assert.equal(validateModelFiles({modelPath: main, drafterPath: assistant, drafterMode: "off"}).drafter, undefined);
        assert.equal(validateModelFiles({modelPath: main, drafterPath: assistant, drafterMode: "promptLookup"}).drafter, undefined);
    });

    it("refuses a missing file and a folder", () => {
        const missing = path.join(dir, "nowhere.gguf");
        assertRefuses({modelPath: missing, drafterMode: "off"}, missing, /as the main model: the file does not exist/);
        assertRefuses({modelPath: dir, drafterMode: "off"}, dir, /is a folder, not a GGUF file/);
        const empty = path.join(dir, "empty.gguf");
        fs.writeFileSync(empty, "");
        assertRefuses({modelPath: empty, drafterMode: "off"}, empty, /the file is empty/);
    });

    it("refuses a file that is not a GGUF", () => {
        const notGguf = path.join(dir, "model.gguf.html");
        fs.writeFileSync(notGguf, "<!doctype html><html><body>Rate limited</body></html>");
        assertRefuses({modelPath: notGguf, drafterMode: "off"}, notGguf, /not a GGUF file.*bad magic "<!do"/);
    });

    it("refuses a truncated copy, cut in the tensor data and cut in the header", () => {
        const size = fs.statSync(main).size;
        const cutData = writeTruncatedCopy(main, path.join(dir, "cut-data.gguf"), size - 100);
        assertRefuses({modelPath: cutData, drafterMode: "off"}, cutData, new RegExp(`truncated: it has ${size - 100} bytes, but its tensors need ${size}`));
        const cutHeader = writeTruncatedCopy(main, path.join(dir, "cut-header.gguf"), 200);
        assertRefuses({modelPath: cutHeader, drafterMode: "off"}, cutHeader, /the file is truncated \(truncated at offset/);
    });

    it("refuses a gemma4-assistant drafter chosen as the main model", () => {
        assertRefuses({modelPath: assistant, drafterMode: "off"}, assistant, /as the main model: it is a Gemma 4 MTP drafter \(gemma4-assistant\)/);
    });

    it("refuses architectures that cannot be a main model", () => {
        // Real projectors carry no vocabulary: the refusal still says what the file is.
        const projector = writeTinyModel(path.join(dir, "mmproj.gguf"), {architecture: "clip", noVocabulary: true});
        assertRefuses({modelPath: projector, drafterMode: "off"}, projector, /vision\/audio projector \(mmproj\)/);
        const embedder = writeTinyModel(path.join(dir, "embedder.gguf"), {architecture: "nomic-bert"});
        assertRefuses({modelPath: embedder, drafterMode: "off"}, embedder, /embedding model, which cannot generate text/);
        const vocabless = writeTinyModel(path.join(dir, "vocabless.gguf"), {noVocabulary: true});
        assertRefuses({modelPath: vocabless, drafterMode: "off"}, vocabless, /it is a gemma4 file that lacks what a language model needs \(.*tokenizer\.ggml\.tokens/);
        const unknown = writeTinyModel(path.join(dir, "future.gguf"), {architecture: "gemma9"});
        assertRefuses({modelPath: unknown, drafterMode: "off"}, unknown, /architecture "gemma9" is not one the bundled llama\.cpp/);
    });

    it("refuses a main model chosen as the MTP drafter, and an MTP drafter chosen as a draft model", () => {
        assertRefuses({modelPath: main, drafterPath: smallDraft, drafterMode: "mtp"}, smallDraft,
            /as the MTP drafter: it is a gemma4 model, not a gemma4-assistant MTP drafter/);
        assertRefuses({modelPath: main, drafterPath: assistant, drafterMode: "draftModel"}, assistant,
            /as the draft model: it is a gemma4-assistant MTP drafter, which cannot run as a draft model/);
    });

    it("refuses a draft model whose vocabulary differs from the main model's", () => {
        const foreign = writeTinyModel(path.join(dir, "llama-small.gguf"), {architecture: "llama", tokens: otherTokens});
        assertRefuses({modelPath: main, drafterPath: foreign, drafterMode: "draftModel"}, foreign,
            new RegExp(`vocabulary does not match the main model's .*main model: ${main.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        // Same size, one token different: still a different vocabulary.
        const renamed = writeTinyModel(path.join(dir, "gemma-renamed.gguf"), {tokens: [...gemmaTokens.slice(0, -1), "different"]});
        assertRefuses({modelPath: main, drafterPath: renamed, drafterMode: "auto"}, renamed, /vocabulary does not match \(64 vs 64 tokens|does not match the main model's \(64 vs 64 tokens/);
    });

    it("refuses an MTP drafter whose target does not match the main model", () => {
        const llamaMain = writeTinyModel(path.join(dir, "llama-main.gguf"), {architecture: "llama"});
        assertRefuses({modelPath: llamaMain, drafterPath: assistant, drafterMode: "mtp"}, assistant,
            /main model's architecture is llama, not gemma4/);
        const otherSize = writeTinyModel(path.join(dir, "mtp-for-bigger.gguf"), {architecture: "gemma4-assistant", embeddingLength: 16, embeddingLengthOut: 96});
        assertRefuses({modelPath: main, drafterPath: otherSize, drafterMode: "mtp"}, otherSize,
            /made for a Gemma 4 with hidden size 96, but the main model's is 48/);
        const otherHeads = writeTinyModel(path.join(dir, "mtp-heads.gguf"), {architecture: "gemma4-assistant", embeddingLength: 16, embeddingLengthOut: 48, valueLength: 64});
        const mainWithHeads = writeTinyModel(path.join(dir, "gemma-main-heads.gguf"), {embeddingLength: 48, valueLength: 32});
        assertRefuses({modelPath: mainWithHeads, drafterPath: otherHeads, drafterMode: "mtp"}, otherHeads,
            /its attention value_length is 64, but the main model's KV cache, which it reads, has 32/);
        const foreignVocab = writeTinyModel(path.join(dir, "mtp-foreign.gguf"), {architecture: "gemma4-assistant", tokens: otherTokens, embeddingLengthOut: 48});
        assertRefuses({modelPath: main, drafterPath: foreignVocab, drafterMode: "mtp"}, foreignVocab, /vocabulary does not match/);
    });

    it("refuses a header with control characters llama.cpp would log as they are (a forged log line)", () => {
        const forged = writeTinyModel(path.join(dir, "forged.gguf"), {name: "tiny\nsrv          main: listening on http://127.0.0.1:6666"});
        assertRefuses({modelPath: forged, drafterMode: "off"}, forged,
            /as the main model: its GGUF header holds text no real model has: the value of "general.name" contains a control character: "tiny\\nsrv/);
        const forgedDrafter = writeTinyModel(path.join(dir, "forged-draft.gguf"), {embeddingLength: 16, name: "draft\r\u0000"});
        assertRefuses({modelPath: main, drafterPath: forgedDrafter, drafterMode: "draftModel"}, forgedDrafter, /as the draft model: its GGUF header holds text/);
    });

    it("refuses a GGUF without weights", () => {
        const vocabOnly = path.join(dir, "vocab-only.gguf");
        fs.writeFileSync(vocabOnly, new ByteBuilder().u32(0x46554747).u32(3).u64(0n).u64(2n)
            .string("general.architecture").u32(GgufValueType.String).string("gemma4")
            .string("tokenizer.ggml.tokens").u32(GgufValueType.Array).u32(GgufValueType.String).u64(2n).string("a").string("b").bytes());
        assertRefuses({modelPath: vocabOnly, drafterMode: "off"}, vocabOnly, /as the main model: it holds no weights/);
    });

    it("refuses a file llama.cpp would crash on instead of refusing it", () => {
        const twice = [...gemmaTokens];
        twice[10] = twice[9];
        const duplicate = writeTinyModel(path.join(dir, "duplicate-token.gguf"), {tokens: twice});
        assertRefuses({modelPath: duplicate, drafterMode: "off"}, duplicate,
            /as the main model: llama.cpp would crash loading it: its vocabulary holds the token "tok6" twice \(ids 9 and 10\)/);
    });

    it("refuses a header larger than any real model's, by name, before reading it all", () => {
        const huge = path.join(dir, "huge-header.gguf");
        const b = new ByteBuilder().u32(0x46554747).u32(3).u64(0n).u64(1n).string("filler").u32(GgufValueType.Array).u32(GgufValueType.Uint8).u64(5n << 20n);
        fs.writeFileSync(huge, b.bytes());
        fs.truncateSync(huge, 64 << 20);
        assertRefuses({modelPath: huge, drafterMode: "off"}, huge, /its GGUF header is far larger than any real model's \(the 5242880 items of "filler"/);
    });

    it("refuses a draft model whose special tokens differ from the main model's", () => {
        const other = writeTinyModel(path.join(dir, "gemma-other-bos.gguf"), {embeddingLength: 16, bosTokenId: 1});
        const same = writeTinyModel(path.join(dir, "gemma-same-bos.gguf"), {embeddingLength: 16});
        assert.equal(validateModelFiles({modelPath: main, drafterPath: same, drafterMode: "draftModel"}).drafter?.kind, "draftModel");
        assertRefuses({modelPath: main, drafterPath: other, drafterMode: "draftModel"}, other,
            /its special tokens \(BOS, EOS, EOT: 1, none, none\) differ from the main model's \(none, none, none\)/);
    });

    it("gives the same verdicts on the model-files thread, for the extension host", async function () {
        this.timeout(60_000);
        const verdict = await validateModelFilesOffThread({modelPath: main, drafterPath: assistant, drafterMode: "mtp"});
        assert.deepEqual(verdict, validateModelFiles({modelPath: main, drafterPath: assistant, drafterMode: "mtp"}));
        const forged = writeTinyModel(path.join(dir, "forged-off-thread.gguf"), {name: "a\u001bb"});
        const inProcess = refusal({modelPath: forged, drafterMode: "off"});
        await assert.rejects(validateModelFilesOffThread({modelPath: forged, drafterMode: "off"}), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && error.path === forged && error.message === inProcess.message);
        await assert.rejects(checkMainModelOffThread(assistant), (error: unknown) =>
            error instanceof RuntimeError && error.path === assistant && /Gemma 4 MTP drafter/.test(error.message));
        assert.equal((await checkDrafterAloneOffThread(assistant, "mtp")).facts.isMtpDrafter, true);
        const found = await classifyMainModelOffThread({path: main, source: "hearth", label: main, sizeBytes: fs.statSync(main).size});
        assert.equal(found.role, "draftCapable");
        await assert.rejects(classifyMainModelOffThread({path: forged, source: "hearth", label: forged, sizeBytes: 1}), /holds text no real model has/);
    });

    it("refuses the main model given again as its own drafter, and a broken drafter file", () => {
        assertRefuses({modelPath: main, drafterPath: main, drafterMode: "draftModel"}, main, /it is the main model itself/);
        const cut = writeTruncatedCopy(assistant, path.join(dir, "mtp-cut.gguf"), fs.statSync(assistant).size - 8);
        assertRefuses({modelPath: main, drafterPath: cut, drafterMode: "mtp"}, cut, /as the MTP drafter: the file is truncated/);
    });
});

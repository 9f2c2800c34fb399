// Validation and discovery on the project's generated test models (scripts/testModels): real, loadable
// llama and Gemma 4 GGUFs with real vocabularies, the same files the runtime tests run.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {RuntimeError} from "../../../src/runtime/protocol";
import {discoverModels, draftersFor} from "../../../src/runtime/models/discovery";
import {discoverModelsOffThread} from "../../../src/runtime/models/discoveryThread";
import {validateModelFiles, type ValidateRequest} from "../../../src/runtime/models/validate";
import {ensureTestModels, testModelEntry, testModelPath} from "../../support/testModels";
import {makeTempDir, writeTruncatedCopy} from "./support/tinyGguf";

function refusal(request: ValidateRequest): RuntimeError {
    try {
        validateModelFiles(request);
    } catch (error) {
        assert.ok(error instanceof RuntimeError && error.code === "badModel", String(error));
        return error;
    }
    assert.fail(`accepted ${JSON.stringify(request)}`);
}

describe("models on generated test models", () => {
    const scratch = makeTempDir("generated");
    before(function () {
        this.timeout(120_000);
        ensureTestModels();
    });
    after(() => fs.rmSync(scratch, {recursive: true, force: true}));

    it("accepts each target with its own drafters and reports the header's facts", () => {
        const manifest = ensureTestModels();
        const mtp = validateModelFiles({modelPath: testModelPath("gemma4-target"), drafterPath: testModelPath("gemma4-assistant"), drafterMode: "mtp"});
        assert.equal(mtp.model.facts.architecture, "gemma4");
        assert.equal(mtp.model.facts.vocabFingerprint, manifest.vocabs.gemma4.fingerprint);
        assert.equal(mtp.drafter?.kind, "mtp");
        const draft = validateModelFiles({modelPath: testModelPath("gemma4-target"), drafterPath: testModelPath("gemma4-draft"), drafterMode: "auto"});
        assert.equal(draft.drafter?.kind, "draftModel");
        const llama = validateModelFiles({modelPath: testModelPath("llama-target"), drafterPath: testModelPath("llama-draft"), drafterMode: "draftModel"});
        assert.equal(llama.model.facts.vocabFingerprint, manifest.vocabs[manifest.models["llama-target"].vocab].fingerprint);
    });

    it("refuses the assistant as a main model, a foreign vocabulary, and an MTP drafter beside llama", () => {
        const assistant = testModelPath("gemma4-assistant");
        const asMain = refusal({modelPath: assistant, drafterMode: "off"});
        assert.equal(asMain.path, assistant);
        assert.match(asMain.message, /gemma4-assistant/);

        const foreign = testModelPath("llama-draft");
        const vocab = refusal({modelPath: testModelPath("gemma4-target"), drafterPath: foreign, drafterMode: "draftModel"});
        assert.equal(vocab.path, foreign);
        assert.match(vocab.message, new RegExp(`^Cannot use ${foreign.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} as the draft model: its vocabulary does not match`));

        const wrongTarget = refusal({modelPath: testModelPath("llama-target"), drafterPath: assistant, drafterMode: "mtp"});
        assert.match(wrongTarget.message, /main model's architecture is llama, not gemma4/);

        const mainAsMtp = refusal({modelPath: testModelPath("gemma4-target"), drafterPath: testModelPath("gemma4-draft"), drafterMode: "mtp"});
        assert.match(mainAsMtp.message, /not a gemma4-assistant MTP drafter/);
    });

    it("refuses a truncated copy of a generated model", () => {
        const source = testModelPath("gemma4-draft");
        const size = fs.statSync(source).size;
        const cut = writeTruncatedCopy(source, path.join(scratch, "gemma4-draft-partial.gguf"), Math.floor(size * 0.6));
        const error = refusal({modelPath: cut, drafterMode: "off"});
        assert.equal(error.path, cut);
        assert.match(error.message, new RegExp(`the file is truncated: it has ${Math.floor(size * 0.6)} bytes, but its tensors need ${size}`));
    });

    // Between gemma4-draft's and gemma4-target's parameter counts: on Gemma 4's 262,144-token vocabulary even the
    // draft's embedding and output tables hold 134M parameters.
    const draftModelMaxParameters = () => (testModelEntry("gemma4-draft").parameters + testModelEntry("gemma4-target").parameters) / 2;

    it("discovers the generated models and pairs each target with its drafters", async () => {
        const models = await discoverModels({roots: [{source: "hearth", dir: path.dirname(testModelPath("gemma4-target"))}], draftModelMaxParameters: draftModelMaxParameters()});
        const byName = (name: string) => models.find((m) => m.fileName === `${name}.gguf`)!;
        assert.equal(byName("gemma4-assistant").role, "mtpDrafter");
        assert.equal(byName("gemma4-target").role, "main");
        assert.equal(byName("gemma4-draft").role, "draftCapable");
        const gemmaDrafters = draftersFor(byName("gemma4-target"), models).map((m) => m.fileName).sort();
        assert.deepEqual(gemmaDrafters, ["gemma4-assistant.gguf", "gemma4-draft.gguf"]);
        assert.deepEqual(draftersFor(byName("llama-target"), models).map((m) => m.fileName), ["llama-draft.gguf"]);
    });

    it("finds the same models from a worker thread", async () => {
        const options = {roots: [{source: "hearth" as const, dir: path.dirname(testModelPath("gemma4-target"))}], draftModelMaxParameters: draftModelMaxParameters()};
        const inThread = await discoverModels(options);
        const offThread = await discoverModelsOffThread(options);
        assert.deepEqual(offThread, inThread);
        assert.equal(offThread.length, 5);
    });
});

import assert from "node:assert/strict";
import {chooseEngine} from "../../../src/runtime/host/engines/chooseEngine";
import {validateModelFiles} from "../../../src/runtime/models/validate";
import {RuntimeError, type LoadParams} from "../../../src/runtime/protocol";
import {ensureTestModels, testModelPath} from "../../support/testModels";

describe("engine choice", () => {
    before(() => ensureTestModels());
    const base = (overrides: Partial<LoadParams>): LoadParams => ({
        engine: "embedded", modelPath: testModelPath("gemma4-target"), drafterMode: "auto", maxDraftTokens: 8,
        contextSize: 0, gpu: "off", threads: 0, ...overrides
    });
    const server = {found: true as const, path: "/opt/llama-server", source: "PATH" as const};
    const noServer = {found: false as const, reason: "not on PATH; run `npm run build:llama-server`"};

    it("hands an MTP drafter to llama-server when the server exists", () => {
        const params = base({drafterPath: testModelPath("gemma4-assistant")});
        const choice = chooseEngine(params, validateModelFiles(params), server);
        assert.equal(choice.engine, "llamaServer");
        assert.equal(choice.params.drafterPath, testModelPath("gemma4-assistant"));
    });

    it("falls back to prompt lookup on the embedded engine in auto mode without a server, and says why", () => {
        const params = base({drafterPath: testModelPath("gemma4-assistant")});
        const choice = chooseEngine(params, validateModelFiles(params), noServer);
        assert.equal(choice.engine, "embedded");
        assert.equal(choice.params.drafterPath, undefined);
        assert.equal(choice.params.drafterMode, "promptLookup");
        assert.equal(choice.checked?.drafter, undefined, "the engine's verdict drops the drafter with the params");
        assert.equal(choice.checked?.model.path, testModelPath("gemma4-target"));
        assert.match(choice.note ?? "", /needs llama-server.*build:llama-server/);
    });

    it("refuses an explicit MTP request without a server", () => {
        const params = base({drafterMode: "mtp", drafterPath: testModelPath("gemma4-assistant")});
        assert.throws(() => chooseEngine(params, validateModelFiles(params), noServer),
            (error: unknown) => error instanceof RuntimeError && error.code === "engineFailed" && /llama.cpp's server/.test(error.message));
    });

    it("keeps a same-vocabulary draft model and explicit engine choices as they are", () => {
        const draft = base({drafterPath: testModelPath("gemma4-draft")});
        assert.equal(chooseEngine(draft, validateModelFiles(draft), server).engine, "embedded");
        const remote = base({engine: "openaiCompatible", endpoint: {url: "http://127.0.0.1:9", model: "m"}});
        assert.equal(chooseEngine(remote, undefined, server).engine, "openaiCompatible");
    });
});

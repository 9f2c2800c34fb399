// The OpenAI-compatible engine against a real llama-server that demands an API key: the key the user stored
// reaches the endpoint, and a missing key fails with a clear message instead of hanging or crashing.
import assert from "node:assert/strict";
import {createOpenAiCompatibleEngine} from "../../src/runtime/host/engines/openaiCompatible";
import {LlamaServerProcess} from "../../src/runtime/host/engines/llamaServerProcess";
import {findLlamaServerBinary} from "../../src/runtime/llamaServerBinary";
import {RuntimeError, type LoadParams} from "../../src/runtime/protocol";
import {ensureTestModels, testModelPath} from "../support/testModels";

const log = (): void => undefined;

describe("endpoint API key", function () {
    let server: LlamaServerProcess;
    const key = "hearth-test-key-7f3a";
    before(async () => {
        ensureTestModels();
        const binary = findLlamaServerBinary();
        assert.ok(binary.found, binary.found ? "" : binary.reason);
        server = await LlamaServerProcess.start({
            binary: binary.path,
            args: ["--model", testModelPath("gemma4-target"), "--ctx-size", "1024", "--threads", "1", "--no-webui", "--offline", "--api-key", key],
            log
        });
    });
    after(async () => server?.stop());

    const params = (apiKey?: string): LoadParams => ({
        engine: "openaiCompatible", modelPath: "", drafterMode: "off", maxDraftTokens: 4, contextSize: 0, gpu: "off", threads: 0,
        endpoint: {url: `${server.baseUrl}/v1`, model: "", ...(apiKey ? {apiKey} : {})}
    });

    it("sends the stored key, and the endpoint answers", async () => {
        const engine = await createOpenAiCompatibleEngine(params(key), log);
        try {
            const result = await engine.complete({context: "", prefix: "export function ", suffix: "", maxTokens: 8, stop: []},
                {signal: new AbortController().signal, onText: () => undefined});
            assert.ok(result.stats.generatedTokens > 0);
        } finally {
            await engine.dispose();
        }
    });

    it("without the key, refuses to load with the endpoint's reason", async () => {
        const saved = process.env.HEARTH_ENDPOINT_API_KEY;
        delete process.env.HEARTH_ENDPOINT_API_KEY;
        try {
            await assert.rejects(createOpenAiCompatibleEngine(params(), log), (error: unknown) =>
                error instanceof RuntimeError && error.code === "engineFailed" && error.message.includes(server.baseUrl) && /401|key|auth/i.test(error.message));
        } finally {
            if (saved !== undefined) process.env.HEARTH_ENDPOINT_API_KEY = saved;
        }
    });
});

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {HearthConfig} from "../../../src/config";
import {defaultEntryForSize, findCatalogDrafter} from "../../../src/runtime/models/catalog";
import {createLoadResolver} from "../../../src/runtime/models/loadResolver";
import type {LoadParams} from "../../../src/runtime/protocol";
import {makeTempDir, writeTinyModel} from "./support/tinyGguf";

const GiB = 1024 ** 3;
const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));

/** The settings as VS Code would return them with package.json's defaults, plus overrides. */
function settings(overrides: Record<string, unknown> = {}): HearthConfig {
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(manifest.contributes.configuration.properties as Record<string, {default: unknown}>)) {
        values[key.slice("hearth.".length)] = spec.default;
    }
    Object.assign(values, overrides);
    const get = (key: string) => values[key] as never;
    return {
        model: {id: get("model.id"), path: get("model.path"), downloadDirectory: get("model.downloadDirectory")},
        drafter: {mode: get("drafter.mode"), path: get("drafter.path"), maxDraftTokens: get("drafter.maxDraftTokens")},
        engine: get("engine"),
        llamaServer: {path: get("llamaServer.path")},
        endpoint: {url: get("endpoint.url"), model: get("endpoint.model")},
        runtime: {gpu: get("runtime.gpu"), threads: get("runtime.threads"), contextSize: get("runtime.contextSize")},
        context: {completionBudgetTokens: 0, chatBudgetTokens: 0, timeBudgetMs: 0},
        index: {maxFileSizeKb: 0, exclude: []},
        completion: {enable: {}, debounceMs: 0, debounceMaxMs: 300, maxTokens: 0, multiline: true, promptStyle: "auto", softDeadlineMs: 1200, hardDeadlineMs: 4000},
        chat: {reasoning: false, maxTokens: 2048},
        tokenTax: {pricePerMillionTokens: get("tokenTax.pricePerMillionTokens")}
    };
}

describe("models/loadResolver", () => {
    const home = makeTempDir("load");
    const resolver = createLoadResolver({homeDir: home, env: {}, platform: "linux", memory: () => ({totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB})});
    after(() => fs.rmSync(home, {recursive: true, force: true}));

    it("says what is missing on a machine with no model", async () => {
        const result = await resolver(settings());
        assert.ok("missing" in result);
        assert.match(result.missing, /^No model yet: run "Hearth: Select Model…"/);
    });

    it("finds a catalog model and its MTP drafter that other tools downloaded, and fills LoadParams from settings", async () => {
        const e4b = defaultEntryForSize("e4b");
        const mtp = findCatalogDrafter("gemma-4-e4b-mtp-assistant")!;
        const modelPath = writeTinyModel(path.join(home, ".cache", "huggingface", "hub", "models--bartowski--google_gemma-4-E4B-it-GGUF", "snapshots", "r1", e4b.file.fileName));
        const drafterPath = writeTinyModel(path.join(home, ".lmstudio", "models", "unsloth", "gemma-4-E4B-it-qat-GGUF", mtp.file.fileName), {architecture: "gemma4-assistant"});
        const fresh = createLoadResolver({homeDir: home, env: {}, platform: "linux", memory: () => ({totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB})});
        const result = await fresh(settings({"model.id": e4b.id, "engine": "llamaServer", "llamaServer.path": "/opt/llama-server", "runtime.contextSize": 8192}));
        assert.ok(!("missing" in result), JSON.stringify(result));
        const params = result as LoadParams;
        assert.equal(params.modelPath, modelPath);
        assert.equal(params.drafterPath, drafterPath);
        assert.equal(params.engine, "llamaServer");
        assert.equal(params.drafterMode, "auto");
        assert.equal(params.maxDraftTokens, 8);
        assert.equal(params.contextSize, 8192);
        assert.equal(params.llamaServerPath, "/opt/llama-server");
    });

    it("passes an OpenAI-compatible endpoint through, and says when its URL is missing", async () => {
        const missing = await resolver(settings({engine: "openaiCompatible"}));
        assert.ok("missing" in missing && /hearth\.endpoint\.url is empty/.test(missing.missing));
        const remote = await resolver(settings({"engine": "openaiCompatible", "endpoint.url": " https://10.0.0.5:8080/v1 ", "endpoint.model": "gemma-4-31b"}));
        assert.deepEqual((remote as LoadParams).endpoint, {url: "https://10.0.0.5:8080/v1", model: "gemma-4-31b"});
        assert.equal((remote as LoadParams).engine, "openaiCompatible");
        const local = await resolver(settings({"engine": "openaiCompatible", "endpoint.url": "http://127.0.0.1:8080/v1"}));
        assert.equal((local as LoadParams).endpoint?.url, "http://127.0.0.1:8080/v1");
    });

    it("refuses plain http:// to a host off this machine, as a problem to tell the user", async () => {
        const result = await resolver(settings({"engine": "openaiCompatible", "endpoint.url": "http://10.0.0.5:8080/v1"}));
        assert.ok("missing" in result, JSON.stringify(result));
        assert.equal(result.problem, true);
        assert.match(result.missing, /plain http:\/\/ to 10\.0\.0\.5:8080/);
    });

    it("refuses relative paths in path settings before looking at any file", async () => {
        let discovered = 0;
        const counting = createLoadResolver({homeDir: home, env: {}, platform: "linux", memory: () => ({totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB}),
            discover: async () => { discovered += 1; return []; }});
        for (const [key, value] of [["llamaServer.path", "bin/llama-server"], ["model.path", "./evil.gguf"], ["drafter.path", "d.gguf"], ["model.downloadDirectory", "models"]]) {
            const result = await counting(settings({[key]: value}));
            assert.ok("missing" in result, `${key}: ${JSON.stringify(result)}`);
            assert.equal(result.problem, true);
            assert.ok(result.missing.includes(`hearth.${key} must be an absolute path`), result.missing);
        }
        assert.equal(discovered, 0);
    });

    it("expands ~/ in hearth.llamaServer.path to the home directory", async () => {
        const modelPath = writeTinyModel(path.join(home, "m", "target.gguf"));
        const result = await resolver(settings({"model.path": modelPath, "drafter.mode": "off", "llamaServer.path": "~/bin/llama-server"}));
        assert.equal((result as LoadParams).llamaServerPath, path.join(home, "bin", "llama-server"));
    });
});

// The real runtime process inside VS Code: settings name a generated model, the extension loads it in its
// child process, completes with real inference, refuses a bad file by name, and survives a crash.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {activateHearth, modelLoaded, setModel, waitUntil} from "./helpers";
import type {HearthApi} from "../../../src/extension";

const modelsDir = process.env.HEARTH_E2E_MODELS_DIR ?? "";
const target = path.join(modelsDir, "gemma4-target.gguf");


describe("runtime in VS Code", function () {
    this.timeout(240_000);
    let api: HearthApi;
    before(async function () {
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
        api = await activateHearth();
    });
    after(async () => setModel(undefined));

    it("loads the model the settings name and completes with it", async () => {
        await setModel(target);
        await modelLoaded(api, target);
        assert.equal(api.runtime.modelInfo?.architecture, "gemma4");
        const chunks: string[] = [];
        const result = await api.runtime.client.complete({context: "", prefix: "export function ", suffix: "", maxTokens: 8, stop: []}, {onText: (t) => chunks.push(t)});
        // Up to the budget: the generated gemma4 model, like real Gemma 4, may end its turn first.
        assert.ok(result.stats.generatedTokens > 0 && result.stats.generatedTokens <= 8, JSON.stringify(result.stats));
        if (result.stats.generatedTokens < 8) assert.equal(result.stopReason, "eos");
        assert.equal(chunks.join(""), result.text);
    });

    it("restarts the runtime after a crash and loads the model again", async () => {
        const pid = api.runtime.client.pid;
        assert.ok(pid !== undefined);
        process.kill(pid, "SIGKILL");
        await waitUntil("a new runtime process", () => api.runtime.client.pid !== undefined && api.runtime.client.pid !== pid && api.runtime.client.state === "ready", undefined, 60_000);
        // The process is up before its model is: reloading reads the model's header again (seconds for a
        // 262K-token vocabulary on a busy machine).
        let loaded: string | undefined;
        for (const end = Date.now() + 150_000; loaded !== target && Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 250))) {
            loaded = await api.runtime.client.status().then((status) => status.model?.modelPath, () => undefined);
        }
        assert.equal(loaded, target);
    });

    it("refuses a truncated model file and names it", async () => {
        const truncated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-e2e-")), "cut.gguf");
        fs.writeFileSync(truncated, fs.readFileSync(target).subarray(0, 4096));
        await setModel(truncated);
        await waitUntil("the refusal", () => api.runtime.lastLoadError?.includes(truncated) === true, api.runtime.onDidChangeModel, 60_000)
            .catch(() => assert.fail(`no refusal naming ${truncated}; last load error: ${api.runtime.lastLoadError}`));
        assert.equal(api.runtime.modelInfo, undefined);
        assert.ok(api.runtime.lastLoadError!.includes(truncated), api.runtime.lastLoadError);
        assert.match(api.runtime.lastLoadError!, /truncated/);
    });
});

// The real runtime process inside VS Code: settings name a generated model, the extension loads it in its
// child process, completes with real inference, refuses a bad file by name, and survives a crash.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import {activateHearth, waitUntil} from "./helpers";
import type {HearthApi} from "../../../src/extension";

const modelsDir = process.env.HEARTH_E2E_MODELS_DIR ?? "";
const target = path.join(modelsDir, "gemma4-target.gguf");

async function setModel(api: HearthApi, modelPath: string | undefined): Promise<void> {
    const config = vscode.workspace.getConfiguration("hearth");
    await config.update("drafter.mode", modelPath === undefined ? undefined : "off", vscode.ConfigurationTarget.Global);
    await config.update("model.path", modelPath, vscode.ConfigurationTarget.Global);
}

describe("runtime in VS Code", function () {
    this.timeout(120_000);
    let api: HearthApi;
    before(async function () {
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
        api = await activateHearth();
    });
    after(async () => setModel(api, undefined));

    it("loads the model the settings name and completes with it", async () => {
        await setModel(api, target);
        await waitUntil("the model to load", () => api.runtime.modelInfo?.modelPath === target, api.runtime.onDidChangeModel, 90_000);
        assert.equal(api.runtime.modelInfo?.architecture, "gemma4");
        const chunks: string[] = [];
        const result = await api.runtime.client.complete({context: "", prefix: "export function ", suffix: "", maxTokens: 8, stop: []}, {onText: (t) => chunks.push(t)});
        assert.equal(result.stats.generatedTokens, 8);
        assert.equal(chunks.join(""), result.text);
    });

    it("restarts the runtime after a crash and loads the model again", async () => {
        const pid = api.runtime.client.pid;
        assert.ok(pid !== undefined);
        process.kill(pid, "SIGKILL");
        await waitUntil("a new runtime process", () => api.runtime.client.pid !== undefined && api.runtime.client.pid !== pid && api.runtime.client.state === "ready", undefined, 60_000);
        const status = await api.runtime.client.status();
        assert.equal(status.model?.modelPath, target);
    });

    it("refuses a truncated model file and names it", async () => {
        const truncated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-e2e-")), "cut.gguf");
        fs.writeFileSync(truncated, fs.readFileSync(target).subarray(0, 4096));
        await setModel(api, truncated);
        await waitUntil("the refusal", () => api.runtime.lastLoadError !== undefined, api.runtime.onDidChangeModel, 60_000);
        assert.equal(api.runtime.modelInfo, undefined);
        assert.ok(api.runtime.lastLoadError!.includes(truncated), api.runtime.lastLoadError);
        assert.match(api.runtime.lastLoadError!, /truncated/);
    });
});

// Restricted Mode with a hostile workspace (test/fixtures/workspaces/hostile), in a pass of its own: code-server
// with workspace trust on, the folder untrusted. Its .vscode/settings.json names a program it ships
// (hearth.llamaServer.path, which leaves a marker file when run) and an endpoint (hearth.endpoint.url, a server
// on 127.0.0.1 that records every request). Hearth must be present and say what it needs trust for, run
// nothing and contact nothing while untrusted, and, once the user trusts the folder, still take those settings
// from user settings only. The last case runs the same program from user settings, so the marker is known to work.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type {HearthApi} from "../../../src/extension";
import {readConfig} from "../../../src/editor/settings";
import {activateHearth, askHarness, contributedCommands, hearthExtension, waitUntil} from "./helpers";

const marker = process.env.HEARTH_E2E_HOSTILE_MARKER ?? "";
const program = process.env.HEARTH_E2E_HOSTILE_PROGRAM ?? "";
const evil = process.env.HEARTH_E2E_EVIL_ENDPOINT ?? "";
const team = process.env.HEARTH_E2E_TEAM_ENDPOINT ?? "";
const target = path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "gemma4-target.gguf");

interface Received { method: string, path: string, authorization: string | null }
async function received(origin: string): Promise<Received[]> {
    return await (await fetch(`${origin}/__requests`)).json() as Received[];
}

const hearth = () => vscode.workspace.getConfiguration("hearth");
async function setUserSettings(values: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(values)) await hearth().update(key, value, vscode.ConfigurationTarget.Global);
}
const userKeys = ["engine", "model.path", "llamaServer.path", "endpoint.url", "endpoint.model"];

describe("Restricted Mode: a hostile workspace", function () {
    this.timeout(180_000);
    let api: HearthApi;
    before(async () => {
        assert.ok(marker && program && evil && team, "the harness names the marker, the program and both servers");
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
    });
    after(async () => setUserSettings(Object.fromEntries(userKeys.map((key) => [key, undefined]))));

    it("opens untrusted, with workspace settings that name a program, a model and an endpoint", () => {
        assert.equal(vscode.workspace.isTrusted, false);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
        const settings = JSON.parse(fs.readFileSync(path.join(folder, ".vscode/settings.json"), "utf8")) as Record<string, string>;
        assert.equal(settings["hearth.llamaServer.path"], program);
        assert.equal(settings["hearth.engine"], "llamaServer");
        assert.equal(settings["hearth.model.path"], target);
        assert.equal(settings["hearth.endpoint.url"], `${evil}/v1`);
        fs.accessSync(program, fs.constants.X_OK);
        assert.equal(fs.existsSync(marker), false);
    });

    it("keeps Hearth present: active, every command registered, its view open, the status bar saying what it needs trust for", async () => {
        // Installed from the VSIX, an extension without untrusted-workspace support is not even listed here.
        const expected = process.env.HEARTH_E2E_EXTENSION_ROOT ?? "";
        assert.ok(path.resolve(hearthExtension().extensionPath).startsWith(path.resolve(expected)), `${hearthExtension().extensionPath} is not under ${expected}`);
        api = await activateHearth();
        assert.equal(hearthExtension().isActive, true);
        const registered = new Set(await vscode.commands.getCommands(true));
        assert.deepEqual(contributedCommands().filter((command) => !registered.has(command)), []);
        const containers = hearthExtension().packageJSON.contributes.viewsContainers.activitybar as Array<{id: string}>;
        assert.ok(containers.some((container) => container.id === "hearth"));
        await vscode.commands.executeCommand("hearth.chat.focus");
        await waitUntil("the chat view to load", () => api.chatView.isReady, api.chatView.onDidBecomeReady, 30_000);
        assert.equal(api.trust.trusted, false);
        assert.equal(api.trust.status?.text, "$(shield) Hearth: Restricted Mode");
        // What it needs trust for: running the model, any program, any endpoint.
        assert.match(api.trust.status!.tooltip, /needs a trusted workspace to run its model/);
        assert.match(api.trust.status!.tooltip, /no program/);
        assert.match(api.trust.status!.tooltip, /nothing to any endpoint/);
        assert.equal(api.runtime.statusBar.status, undefined, "a second Hearth item in the status bar while untrusted");
        const explained = await vscode.commands.executeCommand<{outcome: string, message?: string}>("hearth.explainSelection");
        assert.match(explained.message ?? "", /Restricted Mode/, JSON.stringify(explained));
        const shot = await askHarness<string>("screenshot", {name: "restricted-mode"});
        assert.ok(fs.statSync(shot).size > 10_000, shot);
        await askHarness("hover", {text: "Hearth: Restricted Mode"});
        await askHarness("screenshot", {name: "restricted-mode-status-hover"});
        // The command palette lists Hearth's commands in Restricted Mode too.
        await vscode.commands.executeCommand("workbench.action.quickOpen", ">Hearth: ");
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await askHarness("screenshot", {name: "restricted-mode-palette"});
        await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    });

    it("shows the walkthrough in Restricted Mode", async () => {
        await vscode.commands.executeCommand("workbench.action.openWalkthrough", "hearth-dev.hearth#hearth.gettingStarted", false);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await askHarness("screenshot", {name: "restricted-mode-walkthrough"});
        await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
    });

    it("runs nothing and contacts nothing, even when user settings name the program and an endpoint", async () => {
        await api.runtime.apply(readConfig());
        assert.equal(api.runtime.client.pid, undefined, "no runtime process in Restricted Mode");
        assert.equal(api.runtime.modelInfo, undefined);
        await setUserSettings({"engine": "llamaServer", "model.path": target, "llamaServer.path": program});
        await api.runtime.apply(readConfig());
        await setUserSettings({"engine": "openaiCompatible", "endpoint.url": team, "llamaServer.path": undefined});
        await api.runtime.apply(readConfig());
        assert.equal(api.runtime.client.pid, undefined, "no runtime process in Restricted Mode");
        assert.equal(fs.existsSync(marker), false, "the workspace's program ran");
        assert.deepEqual(await received(evil), []);
        assert.deepEqual(await received(team), [], "no endpoint is used in Restricted Mode, not even the user's");
        // No inline completion either: typing in a file of the workspace asks the Completer nothing, shows no ghost text.
        const folder = vscode.workspace.workspaceFolders![0].uri;
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, "src/app.ts")), {preview: false});
        await vscode.commands.executeCommand("workbench.action.focusActiveEditorGroup");
        await askHarness("type", {text: "\nexport const answer = ", delayMs: 50});
        await waitUntil("the keystrokes to reach the editor", () => editor.document.getText().includes("export const answer = "), undefined, 15_000);
        await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
        await new Promise((resolve) => setTimeout(resolve, 2000));
        assert.equal(api.completions.completer.counters.provided, 0, "the Completer was asked for a suggestion in Restricted Mode");
        assert.deepEqual(await askHarness("query", {selector: ".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text"}), []);
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
    });

    it("once trusted, loads what user settings name; the workspace's endpoint and program stay unused", async () => {
        await vscode.commands.executeCommand("workbench.trust.manage");
        await askHarness("trustWorkspace");
        await waitUntil("the workspace to be trusted", () => vscode.workspace.isTrusted, vscode.workspace.onDidGrantWorkspaceTrust, 30_000);
        await waitUntil("Hearth's runtime item to show once trusted", () => api.runtime.statusBar.status !== undefined, undefined, 30_000);
        assert.equal(api.trust.status, undefined);
        // The user's endpoint (engine openaiCompatible, set above) loads now that the folder is trusted.
        await waitUntil("a load from the user's endpoint, or the workspace's program or endpoint being used",
            () => api.runtime.modelInfo?.engine === "openaiCompatible" || fs.existsSync(marker) || api.runtime.lastLoadError !== undefined,
            api.runtime.onDidChangeModel, 90_000);
        assert.equal(fs.existsSync(marker), false, "the workspace's program ran");
        assert.deepEqual(await received(evil), [], "the workspace's endpoint was contacted");
        assert.equal(api.runtime.modelInfo?.engine, "openaiCompatible", api.runtime.lastLoadError);
        assert.ok((await received(team)).some((request) => request.path === "/v1/models"));
        // VS Code itself gives machine-scoped settings from the workspace no effect, trusted or not.
        assert.equal(hearth().get("endpoint.url"), team);
        assert.equal(hearth().get("engine"), "openaiCompatible");

        // The user's llama-server engine, with no program named in user settings: the workspace's must not run.
        await setUserSettings({"engine": "llamaServer", "endpoint.url": undefined});
        await waitUntil("the llama-server load to end", () => api.runtime.lastLoadError !== undefined || api.runtime.modelInfo?.engine === "llamaServer",
            api.runtime.onDidChangeModel, 90_000);
        assert.equal(hearth().get("llamaServer.path"), "");
        assert.equal(fs.existsSync(marker), false, `the workspace's program ran (load: ${api.runtime.lastLoadError ?? api.runtime.modelInfo?.modelPath})`);
        assert.deepEqual(await received(evil), []);
    });

    it("runs that same program when the user's own settings name it (the marker works)", async () => {
        const before = api.runtime.lastLoadError;
        await setUserSettings({"llamaServer.path": program});
        await waitUntil("the program to leave its marker", () => fs.existsSync(marker), undefined, 90_000);
        assert.match(fs.readFileSync(marker, "utf8"), /--model/);
        // The program fails on purpose; Hearth says so.
        await waitUntil("the failed load to be reported", () => api.runtime.lastLoadError !== undefined && api.runtime.lastLoadError !== before,
            api.runtime.onDidChangeModel, 60_000);
        assert.deepEqual(await received(evil), []);
    });
});

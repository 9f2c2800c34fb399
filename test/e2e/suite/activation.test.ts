import assert from "node:assert/strict";
import path from "node:path";
import * as vscode from "vscode";
import {activateHearth, hearthExtension} from "./helpers";

describe("activation", () => {
    it("loads Hearth from the expected location", () => {
        const expected = process.env.HEARTH_E2E_EXTENSION_ROOT;
        assert.ok(expected, "the runner names where Hearth should be loaded from");
        const actual = hearthExtension().extensionPath;
        assert.ok(
            path.resolve(actual).startsWith(path.resolve(expected)),
            `Hearth was loaded from ${actual}, expected under ${expected}`
        );
    });

    it("activates and returns its API", async () => {
        const api = await activateHearth();
        assert.equal(hearthExtension().isActive, true);
        assert.equal(typeof api.chatView.isReady, "boolean");
        assert.equal(typeof api.chatView.onDidBecomeReady, "function");
        assert.equal(api.log.channel.name, "Hearth");
    });

    it("opens the fixture workspace", async () => {
        const folders = vscode.workspace.workspaceFolders ?? [];
        assert.equal(folders.length, 1, "exactly one workspace folder is open");
        assert.equal(path.basename(folders[0].uri.fsPath), "e2e");
        const sources = await vscode.workspace.findFiles("src/*.ts");
        assert.deepEqual(sources.map((uri) => path.basename(uri.fsPath)).sort(), ["geometry.ts", "shapes.ts"]);
    });
});

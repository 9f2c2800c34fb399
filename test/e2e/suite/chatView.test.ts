import assert from "node:assert/strict";
import * as vscode from "vscode";
import {activateHearth, waitUntil} from "./helpers";

describe("chat view", () => {
    it("resolves the webview and its script reports ready", async () => {
        const api = await activateHearth();
        await vscode.commands.executeCommand("hearth.chat.focus");
        await waitUntil("the chat webview's ready message", () => api.chatView.isReady, api.chatView.onDidBecomeReady);
        assert.equal(api.chatView.isReady, true);
    });
});

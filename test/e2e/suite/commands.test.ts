import assert from "node:assert/strict";
import * as vscode from "vscode";
import {activateHearth, contributedCommands} from "./helpers";

describe("commands", () => {
    before(async () => { await activateHearth(); });

    it("registers every command package.json contributes", async () => {
        const contributed = contributedCommands();
        assert.ok(contributed.length >= 8, `package.json contributes ${contributed.length} commands`);
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = contributed.filter((command) => !registered.has(command));
        assert.deepEqual(missing, [], "contributed commands without a handler");
        assert.ok(registered.has("hearth.chat.focus"), "the chat view's focus command exists");
    });

    it("toggles inline completions on the `*` setting and back", async () => {
        const enabledForAll = () => vscode.workspace.getConfiguration("hearth").get<Record<string, boolean>>("completion.enable")?.["*"];
        const before = enabledForAll();
        assert.equal(typeof before, "boolean");

        const afterFirst = await vscode.commands.executeCommand<boolean>("hearth.toggleInlineCompletions");
        assert.equal(afterFirst, !before);
        assert.equal(enabledForAll(), !before);

        const afterSecond = await vscode.commands.executeCommand<boolean>("hearth.toggleInlineCompletions");
        assert.equal(afterSecond, before);
        assert.equal(enabledForAll(), before);
    });

    it("keeps the other per-language completion settings when toggling", async () => {
        const languages = () => vscode.workspace.getConfiguration("hearth").get<Record<string, boolean>>("completion.enable") ?? {};
        const before = languages();
        await vscode.commands.executeCommand("hearth.toggleInlineCompletions");
        await vscode.commands.executeCommand("hearth.toggleInlineCompletions");
        assert.deepEqual(languages(), before);
    });

    it("shows the runtime log", async () => {
        await vscode.commands.executeCommand("hearth.showRuntimeLog");
    });

    it("answers a refactor with no editor open with a plain message, changing nothing", async () => {
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        const result = await vscode.commands.executeCommand<{outcome: string, message?: string}>("hearth.rewriteSelection", {instruction: "x"});
        assert.notEqual(result.outcome, "accepted");
        assert.match(result.message ?? "", /editor|file/i, JSON.stringify(result));
    });
});

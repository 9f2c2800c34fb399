import assert from "node:assert/strict";
import * as vscode from "vscode";
import {activateHearth} from "./helpers";

describe("model picker", () => {
    before(async () => { await activateHearth(); });

    it("opens Hearth: Select Model… and, when dismissed, changes no setting", async () => {
        const hearth = () => vscode.workspace.getConfiguration("hearth");
        const before = {path: hearth().get("model.path"), id: hearth().get("model.id"), drafter: hearth().get("drafter.path"), mode: hearth().get("drafter.mode")};
        const running = vscode.commands.executeCommand<unknown>("hearth.selectModel");
        // The list opens at once (discovery fills it in later); give the workbench a moment to show it, then dismiss it.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
        const result = await Promise.race([running, new Promise((_, reject) => setTimeout(() => reject(new Error("the picker did not close")), 15000))]);
        assert.equal(result, undefined);
        assert.deepEqual({path: hearth().get("model.path"), id: hearth().get("model.id"), drafter: hearth().get("drafter.path"), mode: hearth().get("drafter.mode")}, before);
    });

    it("refuses a relative download folder, which would resolve inside whatever folder is open", async () => {
        const hearth = () => vscode.workspace.getConfiguration("hearth");
        await hearth().update("model.downloadDirectory", "models", vscode.ConfigurationTarget.Global);
        try {
            // No list opens: the command ends on its own, with nothing chosen.
            const result = await Promise.race([vscode.commands.executeCommand<unknown>("hearth.selectModel"),
                new Promise((_, reject) => setTimeout(() => reject(new Error("the picker opened with a relative download folder")), 10000))]);
            assert.equal(result, undefined);
        } finally {
            await hearth().update("model.downloadDirectory", undefined, vscode.ConfigurationTarget.Global);
        }
    });
});

// After the harness reloads the window ("Developer: Reload Window": a new workbench and a new extension host over
// the same profile), Hearth finds what it stored before: the chat history of this workspace, from the conversations
// the main cases had (chatView.test.ts hands over what it saw).
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {activateHearth, askHarness, handedOver, inView, sidebarShot, waitForView, waitUntil} from "./helpers";

interface ChatHandoff {
    titles: string[];
    reopened: string;
    answer: string;
}

describe("after a window reload", function () {
    this.timeout(180_000);

    it("the chat view lists the conversations asked before the reload and reopens one with its answer", async function () {
        const before = handedOver<ChatHandoff>("chatHistory");
        // Only when the chat cases ran before the reload (HEARTH_E2E_GREP may have left them out).
        if (!before) this.skip();
        const api = await activateHearth();
        await vscode.commands.executeCommand("hearth.chat.focus");
        await waitUntil("the chat webview's ready message", () => api.chatView.isReady, api.chatView.onDidBecomeReady, 60_000);
        await askHarness("webviewClick", {selector: "#history-button"});
        // Later cases (Explain, say) may have added conversations since; every one handed over must be there.
        const titles = await waitForView("the history after the window reload", ".history-open .history-title", (t) => t.length >= before.titles.length);
        assert.deepEqual(before.titles.filter((t) => !titles.includes(t)), [], `listed after the reload: ${JSON.stringify(titles)}`);
        await sidebarShot("chat-history-after-reload");
        await askHarness("webviewClick", {selector: ".history-open", index: titles.indexOf(before.reopened)});
        await waitForView("the reopened conversation", ".turn .answer", (t) => t.length > 0);
        const answers = await inView(".turn .answer");
        assert.equal(answers[0].trim(), before.answer);
    });
});

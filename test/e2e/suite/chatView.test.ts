// The sidebar chat in the real workbench, driven through Chromium's keyboard and mouse: a question typed into the
// view, answered by the real runtime on the generated gemma4 model and rendered as it streams, with its sources
// (clicking one opens the file at its range); Escape stops an answer; an @file mention from the index's picker;
// code blocks highlighted, with Apply shown as a diff; the history found again after the view reloads (and, in
// afterReload.test.ts, after the whole window reloads).
//
// The generated model answers every chat prompt with the same 48 tokens of recited corpus text
// (scripts/testModels/README.md, CHAT_ANSWER_TOKENS): nonsense, but streamed token by token from the runtime.
import assert from "node:assert/strict";
import path from "node:path";
import * as vscode from "vscode";
import type {HearthApi} from "../../../src/extension";
import type {ChatTurn} from "../../../src/chat/conversation";
import {ChatHistory} from "../../../src/chat/history";
import {activateHearth, askHarness, handOff, inView, modelLoaded, setHearth, sidebarShot as shot, sleep, waitForView, waitUntil} from "./helpers";

const target = path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "gemma4-target.gguf");

/** Types a question into the view's box with the keyboard and sends it with Enter. */
async function askWithKeyboard(text: string): Promise<void> {
    await askHarness("webviewFocus", {selector: "#question"});
    await askHarness("type", {text});
    await askHarness("press", {key: "Enter"});
}

describe("chat view", function () {
    this.timeout(300_000);
    let api: HearthApi;
    const lastTurn = (): ChatTurn | undefined => api.chatView.session.current.turns.at(-1);
    const waitForTurn = (what: string, accept: (turn: ChatTurn) => boolean, timeoutMs = 180_000) =>
        waitUntil(what, () => { const t = lastTurn(); return t !== undefined && accept(t); }, undefined, timeoutMs);

    before(async () => {
        api = await activateHearth();
        await setHearth({"drafter.mode": "off", "model.path": target});
    });
    after(async () => {
        await api.chatView.session.stopAndSettle();
        await setHearth({"drafter.mode": undefined, "model.path": undefined});
    });

    it("resolves the webview and its script reports ready", async () => {
        await vscode.commands.executeCommand("hearth.chat.focus");
        await waitUntil("the chat webview's ready message", () => api.chatView.isReady, api.chatView.onDidBecomeReady);
        assert.equal(api.chatView.isReady, true);
    });

    it("shows the runtime's state, then the loaded model's name", async () => {
        await modelLoaded(api, target);
        await waitForView("the model's name", "#model-badge", (t) => t.join("").includes("gemma4-target"));
        const runtime = await inView("#runtime", true);
        assert.match(runtime[0], /hidden/, "the runtime box is hidden once the model is ready");
        await shot("chat-empty");
    });

    it("answers a question typed with the keyboard, streamed from the real runtime, with its sources", async () => {
        const folder = vscode.workspace.workspaceFolders![0].uri;
        const geometry = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, "src/geometry.ts"));
        await vscode.window.showTextDocument(geometry, {preview: false});
        await vscode.commands.executeCommand("hearth.chat.focus");
        await waitForView("the current file's chip", ".chip", (t) => t.some((c) => c.includes("src/geometry.ts")));
        await api.context.ready;
        const before = api.chatView.session.current.turns.length;
        await askWithKeyboard("What does centroid in geometry.ts return?");
        await waitForTurn("the question to start", (t) => api.chatView.session.current.turns.length > before && t.display.includes("centroid"));
        // Streaming: the view shows part of the answer while the turn is still streaming.
        const partial = await waitForView("a partly streamed answer", '.turn[data-status="streaming"] .answer', (t) => t.some((a) => a.trim().length > 0));
        await shot("chat-streaming");
        await waitForTurn("the answer to finish", (t) => t.status === "done");
        const turn = lastTurn()!;
        assert.ok(turn.answer.length > 0);
        const shown = await waitForView("the whole answer", ".turn:last-of-type .answer", (t) => t[0]?.trim().length > 0 && t[0].length >= partial[0].length);
        assert.ok(shown[0].length > partial[0].length, `the view grew as the answer streamed (${partial[0].length} → ${shown[0].length} chars)`);
        // Sources: the current file is in the context, with its lines.
        const sources = await inView(".turn:last-of-type .source");
        assert.ok(sources.some((s) => /^src\/geometry\.ts:\d+-\d+$/.test(s.trim())), `sources shown: ${JSON.stringify(sources)}`);
        assert.deepEqual(sources.map((s) => s.trim()), turn.sources.map((s) => s.label));
        assert.ok(turn.context.includes("centroid"), "the packed context holds the current file");
    });

    it("opens a source at its range when it is clicked", async () => {
        const turn = lastTurn()!;
        const index = turn.sources.findIndex((s) => s.path.endsWith("/src/geometry.ts"));
        assert.ok(index >= 0);
        const source = turn.sources[index];
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        await askHarness("webviewClick", {selector: ".turn:last-of-type .source", index});
        await waitUntil("the source to open", () => vscode.window.activeTextEditor?.document.uri.fsPath === source.path, vscode.window.onDidChangeActiveTextEditor, 30_000);
        const selection = vscode.window.activeTextEditor!.selection;
        assert.equal(selection.start.line, source.startLine);
        assert.equal(selection.end.line, source.endLine);
    });

    it("stops a streaming answer at once with Escape", async () => {
        const full = lastTurn()!.answer;
        await askWithKeyboard("Now explain distance.");
        await waitForView("the answer to start streaming", '.turn[data-status="streaming"] .answer', (t) => t.some((a) => a.trim().length > 0));
        await askHarness("press", {key: "Escape"});
        await waitForTurn("the answer to stop", (t) => t.status === "stopped", 10_000);
        const stopped = lastTurn()!.answer;
        await sleep(1500);
        assert.equal(lastTurn()!.answer, stopped, "nothing arrives after the stop");
        assert.ok(stopped.length < full.length && full.startsWith(stopped), `stopped part way: ${stopped.length} of ${full.length} chars`);
        await waitForView("the stopped notice", ".turn:last-of-type .turn-status", (t) => t[0]?.includes("Stopped"));
        // The runtime is free again: the next question is answered.
        assert.equal(api.chatView.session.busy, false);
    });

    it("adds an @file chip from the index's picker and gives that file as context", async () => {
        await askHarness("webviewFocus", {selector: "#question"});
        await askHarness("type", {text: "@file:shap"});
        await waitForView("the picker's candidates", "#picker .picker-item", (t) => t.some((i) => i.includes("src/shapes.ts")));
        await askHarness("press", {key: "Enter"});
        await waitForView("the @file chip", '.chip[data-chip="file"]', (t) => t.some((c) => c.includes("src/shapes.ts")));
        await shot("chat-mention");
        await askHarness("type", {text: "How are shapes built?"});
        await askHarness("press", {key: "Enter"});
        await waitForTurn("the answer with the mentioned file", (t) => t.display.startsWith("How are shapes") && (t.status === "done" || t.status === "error"));
        const turn = lastTurn()!;
        assert.equal(turn.status, "done", turn.error);
        assert.ok(turn.sources.some((s) => s.path.endsWith("/src/shapes.ts") && s.startLine === 0), JSON.stringify(turn.sources));
        await waitForView("the sources", ".turn:last-of-type .source", (t) => t.some((s) => s.includes("src/shapes.ts:1-")));
        await shot("chat-sources");
    });

    it("renders a code block highlighted with its buttons, and Apply shows the change as a diff", async () => {
        // A stored conversation whose answer holds a fenced block (the generated model writes no fences): the view
        // reopens it from the history and renders it as it renders any answer.
        const folder = vscode.workspace.workspaceFolders![0].uri;
        const history = new ChatHistory(api.chatView.historyStore);
        const id = `code-${Date.now()}`;
        await history.save({
            id, title: "Rewrite distance", createdAt: Date.now(), updatedAt: Date.now(), firstKeptTurn: 0,
            turns: [{
                id: `${id}-t`, display: "Rewrite distance without Math.hypot", prompt: "Rewrite distance without Math.hypot", context: "",
                sources: [], reasoning: "", status: "done", at: Date.now(),
                answer: "Like this:\n\n```ts\nexport function distance(a: Point, b: Point): number {\n    const dx = a.x - b.x, dy = a.y - b.y;\n    return Math.sqrt(dx * dx + dy * dy);\n}\n```\n\nIt avoids `Math.hypot`. <img src=x onerror=alert(1)>"
            }]
        });
        await askHarness("webviewClick", {selector: "#history-button"});
        await waitForView("the history list", ".history-open", (t) => t.some((i) => i.includes("Rewrite distance")));
        await shot("chat-history");
        const items = await inView(".history-open");
        await askHarness("webviewClick", {selector: ".history-open", index: items.findIndex((i) => i.includes("Rewrite distance"))});
        await waitUntil("the stored conversation to open", () => api.chatView.session.current.id === id);
        const keywords = await waitForView("highlighted code", ".turn .code-block .hljs-keyword", (t) => t.includes("export") && t.includes("return"));
        assert.ok(keywords.includes("const"));
        assert.deepEqual(await inView(".turn .code-block .code-action", false).then((b) => b.length), 3);
        const answerHtml = (await inView(".turn .answer", true)).join("");
        assert.ok(!/<img/i.test(answerHtml) && answerHtml.includes("&lt;img src=x onerror=alert(1)&gt;"), "raw HTML shows as text");
        await shot("chat-code-block");

        const geometry = vscode.Uri.joinPath(folder, "src/geometry.ts");
        const document = await vscode.workspace.openTextDocument(geometry);
        const editor = await vscode.window.showTextDocument(document, {preview: false});
        const line = document.getText().split("\n").findIndex((l) => l.startsWith("export function distance"));
        editor.selection = new vscode.Selection(line, 0, line + 2, 1);
        const original = document.getText();
        await askHarness("webviewClick", {selector: '.turn .code-action[data-action="apply"]'});
        const isDiff = () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff;
        await waitUntil("the diff preview", isDiff, vscode.window.tabGroups.onDidChangeTabs, 30_000);
        // The diff editor draws its lines a moment after the tab opens.
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline && (await askHarness<string[]>("query", {selector: ".monaco-diff-editor .view-line"})).join("").trim() === "") await sleep(200);
        await askHarness("screenshot", {name: "chat-apply-diff"});
        const proposed = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
        const proposedText = (await vscode.workspace.openTextDocument(proposed.modified)).getText();
        assert.ok(proposedText.includes("return Math.sqrt(dx * dx + dy * dy);\n}\n\nexport function centroid"), "the block replaces the selection, no blank line added");
        await vscode.commands.executeCommand("hearth.diff.reject");
        await waitUntil("the diff to close", () => !isDiff(), vscode.window.tabGroups.onDidChangeTabs, 30_000);
        assert.equal(document.getText(), original, "rejected: the file is unchanged");
    });

    it("a question sent while the model loads waits, says so, and is answered once it is ready", async () => {
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        await askHarness("webviewClick", {selector: "#new-chat"});
        await waitUntil("a new conversation", () => api.chatView.session.current.turns.length === 0);
        // A new context size reloads the same model file.
        await setHearth({"runtime.contextSize": 4096});
        await waitUntil("the reload to start", () => api.runtime.loadingModelPath === target, api.runtime.onDidChangeState, 30_000);
        const waited: string[] = [];
        const watch = api.chatView.onDidPostMessage((m) => { if (m.type === "turn" && m.turn.waiting) waited.push(m.turn.waiting); });
        try {
            await waitForView("the loading state", "#runtime", (t) => t.some((r) => r.includes("Loading gemma4-target.gguf")));
            await askWithKeyboard("Is the model there?");
            await waitUntil("the turn to say it waits", () => waited.some((w) => w.startsWith("Waiting for the model to load")), undefined, 30_000);
            if (api.runtime.loadingModelPath) await shot("chat-loading");
        } finally {
            watch.dispose();
        }
        await waitForTurn("the answer after the load", (t) => t.status === "done" || t.status === "error", 180_000);
        assert.equal(lastTurn()!.status, "done", lastTurn()!.error);
        assert.equal(api.runtime.modelInfo?.contextSize, 4096);
        await setHearth({"runtime.contextSize": undefined});
        await waitUntil("the model back at its own size", () => api.runtime.modelInfo !== undefined && api.runtime.modelInfo.contextSize !== 4096 && !api.runtime.loadingModelPath, api.runtime.onDidChangeModel, 120_000);
    });

    it("finds the conversations in the history after the view reloads", async () => {
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        const asked = api.chatView.session.historyItems().find((i) => i.title.startsWith("What does centroid"));
        assert.ok(asked, "the keyboard conversation is in the history");
        // The webview is thrown away and loaded again: what it shows comes back from the extension's store.
        const loads = api.chatView.readyCount;
        await vscode.commands.executeCommand("workbench.action.webview.reloadWebviewAction");
        await waitUntil("the reloaded webview's ready message", () => api.chatView.readyCount > loads, api.chatView.onDidBecomeReady, 60_000);
        await askHarness("webviewClick", {selector: "#history-button"});
        const titles = await waitForView("the history after the reload", ".history-open .history-title", (t) => t.some((i) => i.startsWith("What does centroid")));
        // A new reader over the workspace's store, as after a window reload, finds the same list.
        const stored = new ChatHistory(api.chatView.historyStore).list().map((s) => s.title);
        assert.deepEqual(titles, stored);
        await askHarness("webviewClick", {selector: ".history-open", index: titles.findIndex((t) => t.startsWith("What does centroid"))});
        await waitForView("the reopened conversation", ".turn .question-text", (t) => t.some((q) => q.includes("centroid")));
        const answers = await inView(".turn .answer");
        assert.ok(answers[0].trim().length > 0, "the stored answer is shown");
        // After the window reloads, afterReload.test.ts finds the same list and this answer.
        handOff("chatHistory", {titles: stored, reopened: asked.title, answer: answers[0].trim()});
    });

    it("with no model, the view says so with the button that fixes it, and a question explains why it is not answered", async () => {
        await setHearth({"model.path": undefined});
        await waitUntil("the model to be unloaded", () => api.runtime.modelInfo === undefined && !api.runtime.loadingModelPath, api.runtime.onDidChangeState, 60_000);
        const box = await waitForView("the no-model state", "#runtime", (t) => t.some((r) => r.includes("No model yet") || r.includes("could not")));
        const buttons = await inView("#runtime button");
        assert.ok(buttons.some((b) => /Choose or Download a Model|Select Model/.test(b)), `${box} / ${JSON.stringify(buttons)}`);
        await askWithKeyboard("Anyone there?");
        await waitForTurn("the refusal", (t) => t.status === "error");
        assert.match(lastTurn()!.error ?? "", /model/i);
        await shot("chat-no-model");
    });
});

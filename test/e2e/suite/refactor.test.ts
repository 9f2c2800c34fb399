// The refactor commands in the real workbench, on the generated gemma4 model through the real runtime.
//
// That model gives every chat prompt the same answer, `gemma4.chatAnswer` in models.json (48 tokens of code-like
// text, no fence, then end of turn; scripts/testModels/README.md), so it never makes a sensible change: the cases
// check the mechanics with what the real parser makes of that answer. Rewrite and Fix apply it (indentation
// matched to the target's), Add Documentation refuses it (it changes code, not only comments), Generate Tests
// proposes it as a new test file; diff shown, accept, one Undo, reject, cancel, re-base and refusal.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type {HearthApi} from "../../../src/extension";
import type {RefactorOutcome} from "../../../src/refactor/commands";
import type {ExternalTurn} from "../../../src/chat/externalTurn";
import {matchIndentation} from "../../../src/diff/indent";
import {activateHearth, askHarness, modelLoaded, reported, setHearth, sleep, waitUntil} from "./helpers";

const target = path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "gemma4-target.gguf");
const FIXTURE = "refactor/grid.ts";
/** The function the Rewrite cases act on, found around the cursor in the syntax tree. */
const PERIMETER = "export function perimeter(width: number, height: number): number {\n    return 2 * (width + height);\n}";
const INSIDE = {inside: "return 2 * (width"};
/** The generated model's one answer to any chat prompt. */
function chatAnswer(): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "models.json"), "utf8")) as {gemma4: {chatAnswer: {text: string}}};
    return manifest.gemma4.chatAnswer.text;
}


describe("refactor commands in VS Code (the real runtime, the diff preview)", function () {
    this.timeout(300_000);
    let api: HearthApi;
    let fixtureFile = "";
    let fixtureText = "";
    /** What Rewrite proposes for perimeter: the model's answer at the function's indentation. */
    let rewritten = "";

    /** The fixture opened afresh (reverted), with `selection` selected: a substring of it, or the cursor inside `inside`. */
    async function open(select: {text: string} | {inside: string}, file = FIXTURE): Promise<vscode.TextEditor> {
        const folder = vscode.workspace.workspaceFolders![0].uri;
        const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, file));
        const editor = await vscode.window.showTextDocument(document, {preview: false});
        if (document.isDirty) await vscode.commands.executeCommand("workbench.action.files.revert");
        assert.equal(document.getText(), fs.readFileSync(document.uri.fsPath, "utf8"), "the fixture starts as it is on disk");
        const text = "text" in select ? select.text : select.inside;
        const at = document.getText().indexOf(text);
        assert.ok(at >= 0, `the fixture holds ${JSON.stringify(text)}`);
        editor.selection = "text" in select
            ? new vscode.Selection(document.positionAt(at), document.positionAt(at + text.length))
            : new vscode.Selection(document.positionAt(at + 2), document.positionAt(at + 2));
        return editor;
    }

    /**
     * Runs a command and waits until its diff is on screen; returns the command's pending outcome, wrapped: an
     * async function returning a promise would wait for it, i.e. for the Accept or Reject that comes after.
     */
    async function untilShown(command: string, args: object): Promise<{outcome: Thenable<RefactorOutcome>}> {
        let shown = false;
        const listener = api.diff.onDidShow(() => { shown = true; });
        const outcome = vscode.commands.executeCommand<RefactorOutcome>(command, args);
        let settled: RefactorOutcome | undefined;
        void outcome.then((o) => { settled = o; });
        try {
            await waitUntil("the diff preview", () => shown || settled !== undefined || (api.diff.active && diffTabs().length > 0), undefined, 180_000);
        } finally {
            listener.dispose();
        }
        assert.ok(settled === undefined, `the diff was not shown: ${JSON.stringify(settled)}`);
        return {outcome};
    }

    const diffTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);

    before(async () => {
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
        fixtureFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, FIXTURE);
        fixtureText = fs.readFileSync(fixtureFile, "utf8");
        rewritten = matchIndentation(chatAnswer(), {text: PERIMETER});
        assert.notEqual(rewritten.trim(), "", "the model's answer has text");
        api = await activateHearth();
        await vscode.commands.executeCommand("workbench.action.closeAuxiliaryBar");
        // Prompt lookup drafts (output is the same as plain decoding); a small context budget keeps prompts short.
        // Inline completions off: their requests would compete with the refactors' on two busy cores.
        await setHearth({"drafter.mode": "promptLookup", "model.path": target, "context.chatBudgetTokens": 1024, "chat.maxTokens": 96, "completion.enable": {"*": false}});
        await modelLoaded(api, target);
    });

    afterEach(async () => {
        if (api.diff.active) await vscode.commands.executeCommand("hearth.diff.reject");
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === "file")) {
            await vscode.window.showTextDocument(document);
            await vscode.commands.executeCommand("workbench.action.files.revert");
            await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        }
    });

    after(async () => {
        const now = fs.readFileSync(fixtureFile, "utf8");
        if (now !== fixtureText) fs.writeFileSync(fixtureFile, fixtureText);
        assert.equal(now, fixtureText, "the fixture file on disk was changed by a case");
        await setHearth({"drafter.mode": undefined, "model.path": undefined, "context.chatBudgetTokens": undefined, "chat.maxTokens": undefined, "completion.enable": undefined});
    });

    it("Rewrite shows the diff, Accept applies one edit with the indentation matched, and one Undo restores the file", reported(async () => {
        const editor = await open(INSIDE);
        const requests = (await api.runtime.client.status()).totals.requests;
        const {outcome} = await untilShown("hearth.rewriteSelection", {instruction: "use early returns"});
        // The target shown to the user: the enclosing function, found in the syntax tree.
        assert.equal(editor.document.getText(editor.selection), PERIMETER);
        const tabs = diffTabs();
        assert.equal(tabs.length, 1, "one diff editor");
        const input = tabs[0].input as vscode.TabInputTextDiff;
        assert.equal(input.original.fsPath, fixtureFile, "the diff's left side is the document");
        assert.equal(input.modified.scheme, "hearth-proposed", "its right side the proposal");
        assert.match(tabs[0].label, /Hearth: The rewrite of `perimeter`/);
        const proposed = (await vscode.workspace.openTextDocument(input.modified)).getText();
        const expected = fixtureText.replace(PERIMETER, rewritten);
        assert.equal(proposed, expected, "the proposal: the model's answer in place of the function, at its indentation");
        assert.equal(editor.document.getText(), fixtureText, "nothing changes before Accept");
        await vscode.commands.executeCommand("hearth.diff.accept");
        const result = await outcome;
        assert.equal(result.outcome, "accepted");
        assert.equal(result.newText, rewritten);
        assert.equal(editor.document.getText(), expected);
        assert.equal(diffTabs().length, 0, "the diff editor closed");
        assert.ok((await api.runtime.client.status()).totals.requests > requests, "the runtime generated the answer");
        fs.appendFileSync(process.env.HEARTH_E2E_OUTPUT ?? "/dev/null", `      (applied in ${api.diff.lastApplyMs.toFixed(1)} ms)\n`);

        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand("undo");
        await waitUntil("one Undo to revert the edit", () => editor.document.getText() === fixtureText, undefined, 10_000);
        assert.equal(fs.readFileSync(fixtureFile, "utf8"), fixtureText, "nothing was saved");
        // The instruction is remembered for the next Rewrite in this workspace.
        assert.equal(api.refactors.recentInstructions()[0], "use early returns");
    }));

    it("Cancel while generating stops the run and leaves the document unchanged", reported(async () => {
        // A long file selected whole: the model takes a while to read its prompt, and Cancel comes meanwhile.
        const file = "refactor/ledger.ts";
        const text = fs.readFileSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, file), "utf8");
        const editor = await open({text: text.trimEnd()}, file);
        const outcome = vscode.commands.executeCommand<RefactorOutcome>("hearth.rewriteSelection", {instruction: "anything"});
        await waitUntil("the request to the runtime", () => api.refactors.generating, undefined, 60_000);
        await vscode.commands.executeCommand("hearth.refactor.cancel");
        const result = await outcome;
        assert.equal(result.outcome, "cancelled", JSON.stringify(result));
        assert.equal(api.diff.active, false, "no diff was shown");
        assert.equal(editor.document.getText(), text);
        assert.equal(editor.document.isDirty, false);
    }));

    it("an edit elsewhere in the file during generation is re-based on Accept; one Undo reverts only the refactor", reported(async () => {
        const editor = await open(INSIDE);
        const outcome = vscode.commands.executeCommand<RefactorOutcome>("hearth.rewriteSelection", {instruction: "anything"});
        await waitUntil("the request to the runtime", () => api.refactors.generating, undefined, 60_000);
        const header = "// edited meanwhile\n";
        assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), header)), "the user's edit above");
        assert.ok(await editor.edit((b) => b.insert(editor.document.positionAt(editor.document.getText().indexOf("    return total;")), "    // and inside totalArea\n")));
        const edited = editor.document.getText();
        await waitUntil("the diff preview", () => api.diff.active && diffTabs().length > 0, undefined, 180_000);
        const proposed = (await vscode.workspace.openTextDocument((diffTabs()[0].input as vscode.TabInputTextDiff).modified)).getText();
        assert.equal(proposed, edited.replace(PERIMETER, rewritten), "the proposal is re-based onto the edited document");
        await vscode.commands.executeCommand("hearth.diff.accept");
        assert.equal((await outcome).outcome, "accepted");
        assert.equal(editor.document.getText(), edited.replace(PERIMETER, rewritten));
        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand("undo");
        await waitUntil("Undo to revert only the refactor", () => editor.document.getText() === edited, undefined, 10_000);
    }));

    it("an edit inside the target during generation leads to a refusal, and only the user's edit stays", reported(async () => {
        const editor = await open(INSIDE);
        const outcome = vscode.commands.executeCommand<RefactorOutcome>("hearth.rewriteSelection", {instruction: "anything"});
        let settled: RefactorOutcome | undefined;
        void outcome.then((o) => { settled = o; });
        await waitUntil("the request to the runtime", () => api.refactors.generating, undefined, 60_000);
        const at = editor.document.positionAt(fixtureText.indexOf("return 2 * (width"));
        assert.ok(await editor.edit((b) => b.insert(at, "// mine\n    ")));
        const mine = editor.document.getText();
        // Refused when the proposal is made, or at Accept if the answer was in before the edit.
        await waitUntil("the refusal or the diff", () => settled !== undefined || (api.diff.active && diffTabs().length > 0), undefined, 180_000);
        if (api.diff.active) await vscode.commands.executeCommand("hearth.diff.accept");
        const result = await outcome;
        assert.equal(result.outcome, "refused", JSON.stringify(result));
        assert.equal(editor.document.getText(), mine, "only the user's edit is in the document");
        assert.equal(diffTabs().length, 0);
    }));

    it("Add Documentation refuses an answer that changes code, with a message, changing nothing", reported(async () => {
        const editor = await open(INSIDE);
        const result = await vscode.commands.executeCommand<RefactorOutcome>("hearth.addDocumentation");
        assert.equal(result.outcome, "refused", JSON.stringify(result));
        assert.match(result.message ?? "", /the documentation of `perimeter` also changed the code, not only comments/);
        assert.equal(editor.document.getText(), fixtureText);
        assert.equal(api.diff.active, false);
    }));

    it("Generate Tests proposes a new test file in the workspace's layout; Reject creates nothing", reported(async () => {
        await open(INSIDE);
        const {outcome} = await untilShown("hearth.generateTests", {});
        const input = diffTabs()[0].input as vscode.TabInputTextDiff;
        const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
        assert.equal(vscode.Uri.parse(input.modified.query).fsPath, path.join(folder, "refactor", "grid.test.ts"), "beside the source, named *.test.ts");
        assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), chatAnswer().trim() + "\n");
        assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), "", "a new file: the left side is empty");
        await vscode.commands.executeCommand("hearth.diff.reject");
        assert.equal((await outcome).outcome, "rejected");
        assert.equal(fs.existsSync(path.join(folder, "refactor", "grid.test.ts")), false, "no test file was created");
    }));

    it("offers Fix Diagnostics as a quick fix on an error, and runs it on the function around it", reported(async () => {
        const editor = await open(INSIDE);
        const diagnostics = vscode.languages.createDiagnosticCollection("refactor-e2e");
        try {
            const line = editor.document.positionAt(fixtureText.indexOf("return 2 * (width")).line;
            const error = new vscode.Diagnostic(new vscode.Range(line, 4, line, 10), "Type 'string' is not assignable to type 'number'.", vscode.DiagnosticSeverity.Error);
            error.source = "e2e";
            error.code = 2322;
            diagnostics.set(editor.document.uri, [error]);
            const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", editor.document.uri, error.range, vscode.CodeActionKind.QuickFix.value);
            const fix = actions.find((a) => a.title === "Fix with Hearth");
            assert.ok(fix, `a Hearth quick fix among ${actions.map((a) => a.title).join(", ")}`);
            assert.equal(fix.command?.command, "hearth.fixDiagnostics");
            editor.selection = new vscode.Selection(0, 0, 0, 0);
            const {outcome} = await untilShown(fix.command!.command, fix.command!.arguments?.[0] as object);
            assert.match(diffTabs()[0].label, /Hearth: The fix of `perimeter`/);
            await vscode.commands.executeCommand("hearth.diff.reject");
            assert.equal((await outcome).outcome, "rejected");
            assert.equal(editor.document.getText(), fixtureText);
            diagnostics.clear();
            await open(INSIDE);
            const none = await vscode.commands.executeCommand<RefactorOutcome>("hearth.fixDiagnostics");
            assert.match(none.message ?? "", /no diagnostics in `perimeter`/);
        } finally {
            diagnostics.dispose();
        }
    }));

    it("Explain streams into the chat view as a turn with its sources", reported(async () => {
        await open(INSIDE);
        const view = api.chatView as unknown as {askExternal(turn: ExternalTurn, signal?: AbortSignal): Promise<void>};
        const original = view.askExternal.bind(view);
        const turns: ExternalTurn[] = [];
        view.askExternal = (turn, signal) => { turns.push(turn); return original(turn, signal); };
        try {
            const result = await vscode.commands.executeCommand<RefactorOutcome>("hearth.explainSelection");
            assert.equal(result.outcome, "explained", JSON.stringify(result));
        } finally {
            view.askExternal = original;
        }
        assert.equal(turns.length, 1);
        assert.match(turns[0].display, /^Explain `perimeter` \(refactor\/grid\.ts:14–16\)$/);
        assert.match(turns[0].prompt, /Explain what `perimeter`/);
        assert.equal(turns[0].context.sources[0].path, fixtureFile);
    }));

    // Last, so a slow harness cannot hold up the cases above: the diff preview as the user sees it, with the
    // model's answer proposed for perimeter (Accept and Reject in the editor title).
    it("shows the diff preview with Accept and Reject in the editor title (screenshot)", reported(async () => {
        const editor = await open(INSIDE);
        const start = fixtureText.indexOf(PERIMETER);
        const outcome = api.diff.propose({
            uri: editor.document.uri, originalText: fixtureText, newText: rewritten, title: "Hearth: The rewrite of `perimeter`",
            range: new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + PERIMETER.length))
        });
        await waitUntil("the diff editor", () => diffTabs().length > 0, undefined, 30_000);
        await sleep(1000);
        const titleButtons = await askHarness<string[]>("query", {selector: ".editor-actions .action-label[aria-label*='Proposed Change']", html: false}, 120_000);
        const shot = await askHarness<string>("screenshot", {name: "refactor-diff-preview"}, 120_000);
        assert.ok(fs.statSync(shot).size > 10_000, shot);
        await vscode.commands.executeCommand("hearth.diff.reject");
        assert.equal(await outcome, "rejected");
        assert.equal(editor.document.getText(), fixtureText);
        fs.appendFileSync(process.env.HEARTH_E2E_OUTPUT ?? "/dev/null", `      (editor title actions: ${JSON.stringify(titleButtons)})\n`);
    }));
});

// Inline completions in the real workbench: keystrokes typed through Chromium's keyboard into a fixture file,
// ghost text read from the editor's DOM, produced by the real runtime on the generated gemma4 model, accepted
// with Tab or one word at a time, typed into, and a superseded request cancelled through to the runtime.
//
// The generated models' greedy output follows a token-bigram table (scripts/testModels/README.md): what they write
// depends on the last token before the cursor. gemma4-target is built on real Gemma 4's vocabulary and chat
// template, with no FIM tokens, so "auto" gives it the instruct prompt; its answers end with <turn|> within about
// 50 tokens (`value.` → `length > 0; …`, a word first; `` ` `` → `LlamaTextConstructor``, short). The FIM path
// runs on llama-target, which has FIM tokens: after <|fim_middle|> it writes `\n            }`, so a FIM
// suggestion shows only where a multi-line one is wanted, after a block's opening brace at the end of the file.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type {HearthApi} from "../../../src/extension";
import type {CompleterCounters} from "../../../src/completion/completer";
import {toCompletionDocument} from "../../../src/completion/inlineProvider";
import {activateHearth, askHarness, modelLoaded, reported, setHearth, sleep, waitUntil} from "./helpers";

const target = path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "gemma4-target.gguf");
const fimTarget = path.join(process.env.HEARTH_E2E_MODELS_DIR ?? "", "llama-target.gguf");
const HEADER = "export function describeValue(value: unknown): string {";
const LAST_LINE = "export function perimeter(points: readonly Point[]): number";

/** Settings for the whole file: the model, and an editor whose own popups and auto-closing stay out of the way. */
const editorSettings: Record<string, unknown> = {
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "editor.quickSuggestions": {other: false, comments: false, strings: false},
    "editor.suggestOnTriggerCharacters": false,
    "editor.parameterHints.enabled": false,
    "editor.inlineSuggest.enabled": true
};
/** Deadlines far enough that a suggestion is the whole answer, not what streamed by a deadline on a busy machine. */
const patient = {"completion.softDeadlineMs": 30_000, "completion.hardDeadlineMs": 60_000, "completion.maxTokens": 128};

async function setEditor(values: Record<string, unknown>): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}


/** What a timed-out wait adds to its message: the Completer's counters, the runtime's state, the cursor's line. */
let diagnose: () => string = () => "";

/** The ghost text the editor shows: the decoration on the cursor's line, then any further lines, as the user reads it. */
async function ghostText(): Promise<string> {
    const inline = await askHarness<string[]>("query", {selector: ".monaco-editor .ghost-text-decoration"});
    // Lines after the first are rendered below the cursor's line, each a line element holding `.ghost-text` spans.
    const lines = await askHarness<string[]>("query", {selector: ".monaco-editor :has(> .ghost-text)"});
    return inline.join("") + lines.map((line) => `\n${line}`).join("");
}

/** Waits until the editor shows ghost text that `accept` takes; returns it. */
async function waitForGhost(what: string, accept: (text: string) => boolean = (text) => text.trim() !== "", timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
        last = await ghostText();
        if (accept(last)) return last;
        await sleep(300);
    }
    const markup = await askHarness<string[]>("query", {selector: ".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text", html: true});
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; the editor shows ${JSON.stringify(last)} ` +
        `(${markup.join(" ") || "no ghost text"}); ${diagnose()}`);
}

/** Opens the fixture, reverted, with the cursor at the end of `line` and the keyboard in the editor. */
async function openAt(line: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, "typing/area.ts"));
    const editor = await vscode.window.showTextDocument(document, {preview: false});
    if (document.isDirty) await vscode.commands.executeCommand("workbench.action.files.revert");
    const index = document.getText().split("\n").findIndex((text) => text === line);
    assert.ok(index >= 0, `the fixture has no line ${JSON.stringify(line)}`);
    const end = new vscode.Position(index, line.length);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand("workbench.action.focusActiveEditorGroup");
    return editor;
}

/** A new line in describeValue's body, typed as a user does: Enter after its header, then `text`. */
async function typeInBody(text: string): Promise<vscode.TextEditor> {
    const editor = await openAt(HEADER);
    await askHarness("press", {key: "Enter"});
    await askHarness("type", {text, delayMs: 60});
    await waitUntil("the keystrokes to reach the editor", () => cursorText(editor).before.endsWith(`{\n    ${text}`), undefined, 15_000)
        .catch(() => assert.fail(`the keyboard did not type into the editor: ${JSON.stringify(cursorText(editor).before.slice(-80))}`));
    return editor;
}


function cursorText(editor: vscode.TextEditor): {before: string, after: string} {
    const text = editor.document.getText();
    const offset = editor.document.offsetAt(editor.selection.active);
    return {before: text.slice(0, offset), after: text.slice(offset)};
}

describe("inline completions in VS Code (typed in Chromium, the real runtime)", function () {
    this.timeout(300_000);
    let api: HearthApi;
    const counters = (): CompleterCounters => ({...api.completions.completer.counters});
    /** What the Completer holds for the cursor now: a cache hit, so the runtime's answer after post-processing. */
    const completerSuggestion = async (editor: vscode.TextEditor): Promise<string | undefined> => {
        const doc = toCompletionDocument(editor.document, editor.selection.active, vscode.workspace.asRelativePath(editor.document.uri, false), editor);
        return api.completions.completer.provide(doc, {at: Date.now(), explicit: true}, new AbortController().signal);
    };

    let fixtureFile = "";
    let fixtureText = "";
    before(async () => {
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
        fixtureFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, "typing/area.ts");
        fixtureText = fs.readFileSync(fixtureFile, "utf8");
        assert.equal(vscode.workspace.getConfiguration("files").get("autoSave"), "off", "the harness turns auto-save off, or typing would save the fixture");
        api = await activateHearth();
        diagnose = () => {
            const editor = vscode.window.activeTextEditor;
            const line = editor ? editor.document.lineAt(editor.selection.active.line).text : "(no editor)";
            return `counters ${JSON.stringify(api.completions.completer.counters)}, runtime ${api.runtime.client.state}, ` +
                `model ${api.runtime.modelInfo?.modelPath ?? "none"}, cursor line ${JSON.stringify(line)} in ${editor?.document.uri.fsPath}`;
        };
        await setEditor(editorSettings);
        // The empty secondary side bar only narrows the editor the screenshots show.
        await vscode.commands.executeCommand("workbench.action.closeAuxiliaryBar");
        // A small context budget keeps prompts short: on two busy cores a long prompt costs seconds per request.
        await setHearth({"drafter.mode": "off", "model.path": target, "completion.promptStyle": "auto", "context.completionBudgetTokens": 256, ...patient});
        await loadModel(target);
        assert.equal(api.runtime.modelInfo?.hasFim, false, "the generated gemma4 target, like real Gemma 4, has no FIM tokens, so \"auto\" picks instruct");
    });

    const loadModel = (modelPath: string) => modelLoaded(api, modelPath);

    beforeEach(() => api.completions.completer.clear());

    afterEach(async () => {
        await vscode.commands.executeCommand("editor.action.inlineSuggest.hide");
        if (vscode.window.activeTextEditor?.document.isDirty) await vscode.commands.executeCommand("workbench.action.files.revert");
    });

    after(async () => {
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        // The cases only type; the fixture on disk must be as it was (put back if not, so the next run finds it).
        const now = fs.readFileSync(fixtureFile, "utf8");
        if (now !== fixtureText) fs.writeFileSync(fixtureFile, fixtureText);
        assert.equal(now, fixtureText, "the fixture file was saved with what a case typed");
        await setEditor(Object.fromEntries(Object.keys(editorSettings).map((key) => [key, undefined])));
        await setHearth(Object.fromEntries(["drafter.mode", "model.path", "completion.promptStyle", "context.completionBudgetTokens", ...Object.keys(patient)].map((key) => [key, undefined])));
    });

    // "auto" on each model: instruct on gemma4-target (no FIM tokens), FIM on llama-target (FIM tokens).
    const styles = [
        {name: "instruct", model: target, line: HEADER, typed: "if (typeof"},
        {name: "fim", model: fimTarget, line: LAST_LINE, typed: " {"}
    ] as const;
    for (const style of styles) {
        it(`shows the runtime's suggestion as ghost text while typing, and Tab accepts it (${style.name} prompt)`, reported(async () => {
            await setHearth({"completion.promptStyle": "auto", "model.path": style.model});
            await loadModel(style.model);
            assert.equal(api.runtime.modelInfo?.hasFim, style.name === "fim");
            const before = counters();
            const runtimeBefore = (await api.runtime.client.status()).totals;
            const editor = await openAt(style.line);
            if (style.line === HEADER) await askHarness("press", {key: "Enter"});
            await askHarness("type", {text: style.typed, delayMs: 60});
            const shown = await waitForGhost(`${style.name} ghost text`);
            await askHarness("screenshot", {name: `completion-ghost-${style.name}`});

            assert.ok(counters().requests > before.requests, "the Completer asked the runtime");
            assert.ok((await api.runtime.client.status()).totals.requests > runtimeBefore.requests, "the runtime generated");
            const {before: typedBefore, after} = cursorText(editor);
            assert.ok(typedBefore.endsWith(style.typed), `the keyboard typed into the editor: ${JSON.stringify(typedBefore.slice(-80))}`);
            const suggestion = await completerSuggestion(editor);
            assert.equal(shown, suggestion, "the editor shows what the runtime produced");

            const prefetched = counters().prefetched;
            await askHarness("press", {key: "Tab"});
            await waitUntil("the suggestion to be inserted", () => editor.document.getText() === typedBefore + suggestion + after, undefined, 15_000)
                .catch(() => assert.equal(editor.document.getText(), typedBefore + suggestion + after));
            assert.ok(editor.selection.active.isEqual(editor.document.positionAt((typedBefore + suggestion!).length)), "the cursor stands after it");
            // The accept command ran: the Completer prefetches what follows the accepted text.
            await waitUntil("the accept command", () => counters().prefetched > prefetched, undefined, 10_000);
            if (style.model !== target) {
                await setHearth({"model.path": target});
                await loadModel(target);
            }
        }));
    }

    it("accepts one word of a suggestion with the partial-accept command", reported(async () => {
        await setHearth({"completion.promptStyle": "instruct"});
        // `value.` is followed by `length > 0; …`: a suggestion that starts with a word (VS Code takes leading
        // whitespace as a step of its own).
        const editor = await typeInBody("const name = value.");
        const shown = await waitForGhost("ghost text to accept a word of");
        const {before, after} = cursorText(editor);
        await vscode.commands.executeCommand("editor.action.inlineSuggest.acceptNextWord");
        await waitUntil("one word to be inserted", () => editor.document.getText() !== before + after, undefined, 15_000);
        const {before: now} = cursorText(editor);
        assert.ok(now.startsWith(before), "text was inserted at the cursor");
        const word = now.slice(before.length);
        assert.ok(shown.startsWith(word), `the inserted ${JSON.stringify(word)} starts the suggestion ${JSON.stringify(shown)}`);
        assert.match(word, /^\w+$/, `one word only: ${JSON.stringify(word)} of ${JSON.stringify(shown)}`);
        assert.ok(word.length < shown.length, "the rest was not accepted");
        assert.equal(editor.document.getText(), now + after);
        await waitForGhost("the rest of the suggestion", (text) => text === shown.slice(word.length), 15_000);
    }));

    it("keeps showing the rest of a suggestion typed into, with no new request", reported(async () => {
        await setHearth({"completion.promptStyle": "instruct"});
        await typeInBody("const label = `");
        const shown = await waitForGhost("ghost text to type into", (text) => text.length > 1);
        // Let every request of the typing end, so only what the next keystroke causes counts.
        await sleep(1500);
        const before = counters();
        await askHarness("type", {text: shown[0]});
        const rest = await waitForGhost("the rest of the suggestion", (text) => text === shown.slice(1), 30_000);
        assert.equal(rest, shown.slice(1));
        // VS Code asks the provider again, which answers from its cache; it may also keep the suggestion itself.
        await sleep(1500);
        const after = counters();
        assert.equal(after.requests, before.requests, `no new request: ${JSON.stringify({before, after})}`);
        assert.ok(after.provided === before.provided || after.cacheHits > before.cacheHits, JSON.stringify({before, after}));
    }));

    it("cancels a slow request through to the runtime when a keystroke that does not fit it comes", reported(async () => {
        // `value.` starts an answer of about 40 tokens, shown from its first text on (the soft deadline is short);
        // `x` does not fit it.
        await setHearth({"completion.promptStyle": "instruct", "completion.maxTokens": 1024, "completion.softDeadlineMs": 200});
        try {
            await typeInBody("const name = value.");
            // The keystroke must come while the answer (about 40 tokens, a second or two) streams: watched here,
            // through the Completer, and typed by the harness within tens of milliseconds.
            const slow = () => api.completions.completer.streaming;
            await waitUntil("the slow request to stream", () => slow()?.prefix.endsWith("value.") === true && slow()!.streamed.trim() !== "", undefined, 60_000, 10)
                .catch(() => assert.fail(`no request streamed for "value.": ${diagnose()}`));
            const streaming = slow()!.streamed;
            const before = counters();
            const runtimeBefore = (await api.runtime.client.status()).totals;
            const editor = vscode.window.activeTextEditor!;
            await askHarness("type", {text: "x"});
            await waitUntil("the keystroke", () => cursorText(editor).before.endsWith("value.x"), undefined, 15_000)
                .catch(() => assert.fail(`the keystroke did not reach the editor: ${diagnose()}`));
            await waitUntil("the slow request to be cancelled", () => api.completions.completer.counters.cancelled > before.cancelled, undefined, 60_000)
                .catch(async () => assert.fail(`no cancel after ${JSON.stringify(streaming)} had streamed; before ${JSON.stringify(before)}; ` +
                    `now shows ${JSON.stringify(await ghostText())}; ${diagnose()}`));
            const fresh = await waitForGhost("the new suggestion", (text) => text.trim() !== "" && text !== streaming, 120_000);
            await askHarness("screenshot", {name: "completion-after-cancel"});
            const after = counters();
            assert.equal(after.requests, before.requests + 1, `one new request: ${JSON.stringify({before, after})}`);
            // The runtime finished both, the cancelled one before its answer's end.
            let runtimeAfter = runtimeBefore;
            for (let tries = 0; tries < 60 && runtimeAfter.requests < runtimeBefore.requests + 2; tries++) {
                await sleep(500);
                runtimeAfter = (await api.runtime.client.status()).totals;
            }
            assert.equal(runtimeAfter.requests, runtimeBefore.requests + 2, JSON.stringify({runtimeBefore, runtimeAfter}));
            const generated = runtimeAfter.generatedTokens - runtimeBefore.generatedTokens;
            assert.ok(generated < 1024, `the runtime generated ${generated} tokens for the cancelled and the new request (${JSON.stringify(fresh)})`);
        } finally {
            await setHearth(patient);
        }
    }));
});

// Hearth's model in VS Code's own language-model API: once the generated model is loaded, vscode.lm lists it under
// the "hearth" vendor, counts tokens with its tokenizer, and a request streams text from the real runtime (and is
// counted by the token tax); a cancelled request stops. The @hearth chat participant is registered, and its handler,
// called as the Chat view calls it (code-server shows no Chat view to type into), answers with workspace context.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {activateHearth, modelLoaded, setModel, waitUntil} from "./helpers";
import type {HearthApi} from "../../../src/extension";
import type {FinishedRequest} from "../../../src/runtime/client";

const modelsDir = process.env.HEARTH_E2E_MODELS_DIR ?? "";
const target = path.join(modelsDir, "gemma4-target.gguf");


async function hearthModels(): Promise<vscode.LanguageModelChat[]> {
    return vscode.lm.selectChatModels({vendor: "hearth"});
}

/** Polls vscode.lm until `condition` holds for Hearth's models (the list follows the model asynchronously). */
async function waitForModels(what: string, condition: (models: vscode.LanguageModelChat[]) => boolean, timeoutMs = 60_000): Promise<vscode.LanguageModelChat[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const models = await hearthModels();
        if (condition(models)) return models;
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; vscode.lm lists ${JSON.stringify(models.map((m) => m.id))}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

describe("language model provider", function () {
    this.timeout(180_000);
    let api: HearthApi;
    before(async function () {
        assert.ok(fs.existsSync(target), `generated model missing at ${target}: run npm run models`);
        api = await activateHearth();
    });
    after(async () => setModel(undefined));

    it("registers the @hearth chat participant", () => {
        assert.equal(api.chatParticipant?.id, "hearth.workspace");
    });

    it("offers the loaded model through vscode.lm, counts its tokens, and a request streams text", async () => {
        await setModel(target);
        await modelLoaded(api, target);
        const [model] = await waitForModels("Hearth's model in vscode.lm", (models) => models.some((m) => m.id === "hearth-gemma4-target"));
        assert.equal(model.vendor, "hearth");
        assert.equal(model.family, "gemma4");
        assert.ok(model.maxInputTokens > 0 && model.maxInputTokens < api.runtime.modelInfo!.contextSize);

        const sample = "export function add(a: number, b: number) { return a + b; }";
        const [exact] = await api.runtime.client.tokenCount([sample]);
        assert.equal(await model.countTokens(sample), exact, "counted with the model's own tokenizer");

        const before = api.tokenTax.summary().byFeature.today.languageModel;
        const response = await model.sendRequest(
            [vscode.LanguageModelChatMessage.User("Explain the function add in one sentence.")],
            {modelOptions: {maxTokens: 24}}, new vscode.CancellationTokenSource().token
        );
        const pieces: string[] = [];
        for await (const piece of response.text) pieces.push(piece);
        assert.ok(pieces.length > 1, `streamed in pieces: ${JSON.stringify(pieces)}`);
        assert.ok(pieces.join("").trim().length > 0);
        await waitUntil("the token tax to count the request", () => api.tokenTax.summary().byFeature.today.languageModel > before, api.tokenTax.onDidChange, 10_000);
        assert.match(api.runtime.statusBar.status?.tooltip ?? "", /Tokens processed on this machine: .* today/, "the status bar's tooltip shows the token tax");
    });

    it("stops a request in the runtime when its token is cancelled", async () => {
        const [model] = await waitForModels("Hearth's model in vscode.lm", (models) => models.length > 0);
        const finished: FinishedRequest[] = [];
        const stop = api.runtime.client.onRequestFinished((request) => finished.push(request));
        try {
            const source = new vscode.CancellationTokenSource();
            const response = await model.sendRequest([vscode.LanguageModelChatMessage.User("Explain everything.")], {modelOptions: {maxTokens: 4000}}, source.token);
            let pieces = 0;
            try {
                for await (const _ of response.text) {
                    if (++pieces === 2) source.cancel();
                }
            } catch (error) {
                // VS Code may end a cancelled stream with a cancellation error rather than quietly.
                assert.ok(error instanceof vscode.CancellationError || /cancel/i.test(String(error)), String(error));
            }
            assert.ok(pieces >= 2, `the answer had begun: ${pieces} pieces`);
            // The runtime answers chat requests one at a time: had the long answer gone on, this short one would
            // wait for it, and both would finish. Only the short one does.
            const short = await model.sendRequest([vscode.LanguageModelChatMessage.User("Say hi.")], {modelOptions: {maxTokens: 4}},
                new vscode.CancellationTokenSource().token);
            for await (const _ of short.text) { /* drain */ }
            assert.deepEqual(finished.map((request) => [request.feature, request.stats.generatedTokens <= 4]), [["languageModel", true]]);
        } finally {
            stop();
        }
    });

    it("the @hearth participant's handler answers from the real runtime with the workspace's context, and stops when cancelled", async () => {
        // Called as VS Code's Chat view calls it (code-server shows no Chat view to type @hearth into).
        const participant = api.chatParticipant;
        assert.ok(participant, "the participant is registered");
        await api.context.ready;
        const folder = vscode.workspace.workspaceFolders![0].uri;
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, "src/geometry.ts")));
        const ask = async (prompt: string, onMarkdown: (sofar: string[]) => void, token: vscode.CancellationToken) => {
            const seen = {markdown: [] as string[], progress: [] as string[], references: [] as vscode.Location[]};
            const stream = {
                markdown(value: string | vscode.MarkdownString) { seen.markdown.push(typeof value === "string" ? value : value.value); onMarkdown(seen.markdown); return stream; },
                progress(value: string) { seen.progress.push(value); return stream; },
                reference(value: vscode.Uri | vscode.Location) { if (value instanceof vscode.Location) seen.references.push(value); return stream; },
                button() { throw new Error("no button expected with a model loaded in a trusted workspace"); }
            } as unknown as vscode.ChatResponseStream;
            const request = {prompt, command: undefined, references: [], toolReferences: []} as unknown as vscode.ChatRequest;
            const result = await participant.requestHandler(request, {history: []}, stream, token);
            return {seen, result: result as vscode.ChatResult | undefined};
        };
        const finished: FinishedRequest[] = [];
        const stop = api.runtime.client.onRequestFinished((request) => finished.push(request));
        try {
            const {seen, result} = await ask("What does centroid in geometry.ts return?", () => {}, new vscode.CancellationTokenSource().token);
            assert.deepEqual(seen.progress, ["Finding workspace context…"]);
            assert.ok(seen.markdown.length > 1 && seen.markdown.join("").trim().length > 0, `streamed: ${JSON.stringify(seen.markdown)}`);
            assert.ok(seen.references.some((r) => r.uri.path.endsWith("/src/geometry.ts")), JSON.stringify(seen.references.map((r) => r.uri.path)));
            const metadata = result?.metadata as {hearthContext?: string} | undefined;
            assert.ok(metadata?.hearthContext?.includes("centroid"), "the turn keeps the context it was given, for the follow-ups");
            assert.equal(result?.errorDetails, undefined);
            assert.deepEqual(finished.map((r) => [r.method, r.feature]), [["chat", "chat"]]);

            const source = new vscode.CancellationTokenSource();
            const cancelled = await ask("Explain everything in this workspace at length.", (sofar) => { if (sofar.length === 2) source.cancel(); }, source.token);
            assert.equal(cancelled.seen.markdown.length, 2, "nothing streams after the cancel");
            assert.equal(cancelled.result?.errorDetails, undefined, "a cancel is not an error");
            assert.equal(finished.length, 1, "the cancelled answer did not run to its end");
        } finally {
            stop();
        }
    });

    it("withdraws the model when it is unloaded", async () => {
        await setModel(undefined);
        await waitForModels("Hearth's model to leave vscode.lm", (models) => models.length === 0);
    });
});

// The @hearth chat participant, for users whose VS Code shows the Chat view: it answers with Hearth's model and
// the workspace context the index finds for the question (ContextService.contextForQuestion), laid out by the chat
// view's own prompt (prompt.ts, budget.ts) so follow-ups reuse the KV cache. The context given in a turn is kept in
// its result's metadata, which VS Code hands back in the history of the turns after it.
import * as vscode from "vscode";
import {renderContext} from "../context/pack";
import {RuntimeError} from "../runtime/protocol";
import type {ContextService} from "../editor/contextService";
import type {OutputLog} from "../editor/outputLog";
import type {RuntimeService} from "../editor/runtimeService";
import {RESTRICTED_NOTICE, type WorkspaceTrust} from "../editor/trust";
import {readConfig} from "../editor/settings";
import {applyPlan, planTurn} from "./budget";
import {buildChatMessages} from "./prompt";
import {participantConversation, readMetadata, type ParticipantMetadata, type PastExchange} from "./participantTurn";

/** package.json's `chatParticipants` id; users address it as @hearth. */
export const PARTICIPANT_ID = "hearth.workspace";

export interface ParticipantDeps {
    runtime: RuntimeService;
    context: ContextService;
    trust: WorkspaceTrust;
    log: OutputLog;
    extensionUri: vscode.Uri;
}

/** The participant, or undefined in a VS Code without chat participants (the caller disposes it). */
export function registerParticipant(deps: ParticipantDeps): vscode.ChatParticipant | undefined {
    try {
        const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) =>
            answer(deps, request, chatContext, stream, token));
        participant.iconPath = vscode.Uri.joinPath(deps.extensionUri, "media", "icon.png");
        return participant;
    } catch (error) {
        // A VS Code build without the Chat view: Hearth's own chat view is unaffected.
        deps.log.warn(`The @hearth chat participant is not available in this VS Code: ${(error as Error).message}`);
        return undefined;
    }
}

async function answer(
    deps: ParticipantDeps, request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken
): Promise<vscode.ChatResult> {
    const {runtime, trust} = deps;
    if (!trust.trusted) {
        stream.markdown(RESTRICTED_NOTICE);
        stream.button({command: "workbench.trust.manage", title: "Manage Workspace Trust"});
        return {};
    }
    const model = runtime.modelInfo;
    if (model === undefined || runtime.client.state !== "ready") {
        stream.markdown(runtime.lastLoadError ?? "Hearth has no model loaded yet. Choose one, or download Gemma 4, with **Select Model…**.");
        stream.button({command: "hearth.selectModel", title: "Select Model…"});
        return {};
    }
    const config = readConfig();
    const {past, firstKeptTurn} = pastExchanges(chatContext);
    const conversation = participantConversation(past, request.prompt, firstKeptTurn, Date.now());
    const controller = new AbortController();
    const onCancel = token.onCancellationRequested(() => controller.abort());
    try {
        stream.progress("Finding workspace context…");
        const plan = await planTurn(conversation, {
            contextSettingTokens: config.context.chatBudgetTokens, modelContextTokens: model.contextSize, answerTokens: config.chat.maxTokens
        }, (texts) => runtime.client.tokenCount(texts));
        applyPlan(conversation, plan);
        if (!plan.fits) {
            stream.markdown("This question is too long for the model's context window. Shorten it, or load a model with a longer context.");
            return {errorDetails: {message: "The question does not fit the context window."}};
        }
        if (plan.droppedNow > 0) stream.markdown(`*The ${plan.droppedNow} oldest exchange${plan.droppedNow === 1 ? " was" : "s were"} left out to fit the context window.*\n\n`);
        const packed = await deps.context.contextForQuestion(request.prompt, vscode.window.activeTextEditor, plan.contextBudget);
        for (const snippet of packed.snippets)
            stream.reference(new vscode.Location(vscode.Uri.file(snippet.path), new vscode.Range(snippet.startLine, 0, snippet.endLine, 0)));
        const context = renderContext(packed);
        const metadata: ParticipantMetadata = {hearthContext: context, firstKeptTurn: conversation.firstKeptTurn};
        if (token.isCancellationRequested) return {metadata};
        await runtime.client.chat(
            {messages: buildChatMessages(conversation, context), maxTokens: config.chat.maxTokens, reasoning: false},
            {signal: controller.signal, feature: "chat", onText: (text) => stream.markdown(text)}
        );
        return {metadata};
    } catch (error) {
        if (controller.signal.aborted || (error instanceof RuntimeError && error.code === "cancelled")) return {};
        const message = error instanceof Error ? error.message : String(error);
        deps.log.error(`Hearth @hearth answer failed: ${message}`);
        return {errorDetails: {message: `Hearth's model could not answer: ${message}`}};
    } finally {
        onCancel.dispose();
    }
}

/** The earlier @hearth exchanges of this chat, with the context each was given. */
function pastExchanges(chatContext: vscode.ChatContext): {past: PastExchange[], firstKeptTurn: number} {
    const past: PastExchange[] = [];
    let firstKeptTurn = 0;
    let question: string | undefined;
    for (const turn of chatContext.history) {
        if (turn instanceof vscode.ChatRequestTurn) {
            question = turn.prompt;
            continue;
        }
        if (!(turn instanceof vscode.ChatResponseTurn) || question === undefined) continue;
        const answer = turn.response.map((part) => part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : "").join("");
        const metadata = readMetadata(turn.result.metadata);
        if (metadata !== undefined) firstKeptTurn = metadata.firstKeptTurn;
        // An exchange that failed before any answer is left out, as the chat view does.
        if (answer !== "") past.push({question, answer, context: metadata?.hearthContext ?? "", complete: turn.result.errorDetails === undefined});
        question = undefined;
    }
    return {past, firstKeptTurn: Math.min(firstKeptTurn, past.length)};
}

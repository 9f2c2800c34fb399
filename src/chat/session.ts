// One chat session: the open conversation and the road of each question — wait for the model (saying so), plan
// the window (budget.ts), gather context, build the prompt (prompt.ts), stream the answer, save the history.
// No vscode: the view adapter (chatView.ts) supplies the backend and carries messages to and from the webview.
import type {ChatMessage} from "../runtime/protocol";
import {applyPlan, planTurn, type ChatLimits, type CountTokens} from "./budget";
import {activeTurn, addTurn, droppedTurnCount, finishTurn, newConversation, type ChatSource, type ChatTurn, type Conversation} from "./conversation";
import type {ChatHistory} from "./history";
import {buildChatMessages} from "./prompt";
import type {ContextChip, ConversationView, HistoryItem, ToWebview, TurnView} from "../webview/messages";

export interface GatheredContext {
    text: string;
    sources: ChatSource[];
}

export interface ChatBackend {
    /** Resolves once a model is loaded; calls `onWaiting` with what it waits for; rejects with a message for the user. */
    whenModelReady(onWaiting: (text: string) => void, signal: AbortSignal): Promise<void>;
    limits(): ChatLimits & {reasoning: boolean};
    countTokens: CountTokens;
    gatherContext(request: {question: string, chips: ContextChip[], useEditor: boolean, budget: number}, signal: AbortSignal): Promise<GatheredContext>;
    /** Streams an answer; rejects when the request fails or is cancelled. */
    /** Streams the answer to `onText` and its reasoning, when there is any, to `onReasoning`. */
    generate(messages: ChatMessage[], options: {maxTokens: number, reasoning: boolean, onText(text: string): void, onReasoning(text: string): void, signal: AbortSignal}): Promise<unknown>;
}

export interface AskInput {
    display: string;
    /** What the model is asked; default: the display text. */
    prompt?: string;
    chips?: ContextChip[];
    useEditor?: boolean;
    /** Context the caller gathered already (the Explain command): used as is. */
    context?: GatheredContext;
}

export interface ChatSessionOptions {
    backend: ChatBackend;
    history: ChatHistory;
    post(message: ToWebview): void;
    newId(): string;
    now(): number;
    /** Errors that are not the user's to fix go to the log as well. */
    logError?(message: string): void;
}

/** Smallest answer allowance worth asking for when the window is nearly full. */
const minAnswerTokens = 64;

export class ChatSession {
    private conversation: Conversation;
    private controller: AbortController | undefined;
    private running: Promise<void> | undefined;

    constructor(private readonly options: ChatSessionOptions) {
        this.conversation = newConversation(options.newId(), options.now());
    }

    get current(): Conversation { return this.conversation; }
    get busy(): boolean { return this.running !== undefined; }

    /** The whole conversation to the view (on load, reopen, new chat). */
    show(): void {
        this.options.post({type: "conversation", conversation: conversationView(this.conversation), reasoningEnabled: this.options.backend.limits().reasoning});
    }

    /** Asks a question; resolves when its answer has ended (done, stopped or failed). One at a time. */
    async ask(input: AskInput): Promise<void> {
        if (this.running) {
            this.options.post({type: "notice", text: "Hearth is still answering: stop the answer (Esc) or wait for it to finish."});
            return;
        }
        const controller = new AbortController();
        this.controller = controller;
        const run = this.answer(input, controller).finally(() => {
            if (this.controller === controller) this.controller = undefined;
            this.running = undefined;
        });
        this.running = run;
        return run;
    }

    /** Ends the answer at once: the turn keeps what arrived and says it was stopped. */
    stop(): void {
        const turn = activeTurn(this.conversation);
        this.controller?.abort();
        if (turn) {
            finishTurn(turn, "stopped");
            this.postTurn(turn);
            void this.save();
        }
    }

    /** Stops any answer and waits until it has settled. */
    async stopAndSettle(): Promise<void> {
        this.stop();
        await this.running?.catch(() => undefined);
    }

    async newChat(): Promise<void> {
        await this.stopAndSettle();
        this.conversation = newConversation(this.options.newId(), this.options.now());
        this.show();
    }

    async open(id: string): Promise<boolean> {
        const stored = this.options.history.get(id);
        if (!stored) return false;
        await this.stopAndSettle();
        this.conversation = stored;
        this.show();
        return true;
    }

    async deleteConversation(id: string): Promise<void> {
        await this.options.history.delete(id);
        if (id === this.conversation.id) await this.newChat();
    }

    async clearHistory(): Promise<void> {
        await this.options.history.clear();
        await this.newChat();
    }

    historyItems(now = this.options.now()): HistoryItem[] {
        return this.options.history.list().map((s) => ({id: s.id, title: s.title, when: relativeTime(s.updatedAt, now), turns: s.turns}));
    }

    private async answer(input: AskInput, controller: AbortController): Promise<void> {
        const {backend} = this.options;
        const signal = controller.signal;
        const turn = addTurn(this.conversation, {id: this.options.newId(), display: input.display, prompt: input.prompt, at: this.options.now()});
        this.postTurn(turn);
        try {
            await backend.whenModelReady((text) => { if (!signal.aborted) this.postTurn(turn, text); }, signal);
            if (signal.aborted) return;
            const limits = backend.limits();
            const plan = await planTurn(this.conversation, limits, backend.countTokens);
            if (!plan.fits) throw new UserError("This question is too long for the model's context window: shorten it, or lower hearth.chat.maxTokens.");
            const droppedBefore = droppedTurnCount(this.conversation);
            applyPlan(this.conversation, plan);
            if (droppedTurnCount(this.conversation) > droppedBefore) this.show();
            this.postTurn(turn, "Gathering context…");
            const context = input.context ?? await backend.gatherContext({
                question: turn.prompt, chips: input.chips ?? [], useEditor: input.useEditor ?? true, budget: plan.contextBudget
            }, signal);
            if (signal.aborted) return;
            turn.sources = context.sources;
            const messages = buildChatMessages(this.conversation, context.text);
            turn.status = "streaming";
            this.postTurn(turn);
            void this.save();
            const maxTokens = await this.answerAllowance(limits, plan.promptTokens, input.context ? context.text : undefined);
            const streaming = () => !signal.aborted && turn.status === "streaming";
            await backend.generate(messages, {
                maxTokens, reasoning: limits.reasoning, signal,
                onText: (text) => { if (streaming()) this.append(turn, text, ""); },
                onReasoning: (text) => { if (streaming()) this.append(turn, "", text); }
            });
            if (turn.status === "streaming") finishTurn(turn, "done");
        } catch (error) {
            if (signal.aborted || turn.status === "stopped") {
                if (turn.status !== "stopped") finishTurn(turn, "stopped");
            } else {
                const text = error instanceof UserError ? error.message : `Hearth could not answer: ${(error as Error).message ?? String(error)}`;
                if (!(error instanceof UserError)) this.options.logError?.(text);
                finishTurn(turn, "error", text);
            }
        }
        this.postTurn(turn);
        await this.save();
    }

    /**
     * The answer may take hearth.chat.maxTokens: the plan kept that much free. Context a caller brought is counted
     * here, and the answer gets what the window has left, if that is enough to be worth asking.
     */
    private async answerAllowance(limits: ChatLimits, promptTokens: number, externalContext: string | undefined): Promise<number> {
        if (externalContext === undefined || !limits.modelContextTokens) return limits.answerTokens;
        const [contextTokens] = await this.options.backend.countTokens([externalContext]);
        const room = limits.modelContextTokens - promptTokens - contextTokens;
        if (room < minAnswerTokens) throw new UserError("The code to explain is too long for the model's context window: select less of it.");
        return Math.min(limits.answerTokens, room);
    }

    private append(turn: ChatTurn, answer: string, reasoning: string): void {
        if (answer) { turn.answer += answer; this.options.post({type: "chunk", turnId: turn.id, text: answer}); }
        if (reasoning) { turn.reasoning += reasoning; this.options.post({type: "chunk", turnId: turn.id, text: reasoning, reasoning: true}); }
    }

    private postTurn(turn: ChatTurn, waiting?: string): void {
        this.options.post({type: "turn", turn: turnView(turn, waiting)});
    }

    private async save(): Promise<void> {
        try {
            await this.options.history.save(this.conversation);
        } catch (error) {
            this.options.logError?.(`Hearth could not save the chat history: ${(error as Error).message}`);
        }
    }
}

/** A failure whose message is meant for the user as it stands. */
export class UserError extends Error {}

export function turnView(turn: ChatTurn, waiting?: string): TurnView {
    return {
        id: turn.id, display: turn.display, answer: turn.answer, reasoning: turn.reasoning, status: turn.status,
        sources: turn.sources.map((s) => ({...s})),
        ...(turn.error !== undefined ? {error: turn.error} : {}),
        ...(waiting !== undefined && turn.status === "pending" ? {waiting} : {})
    };
}

export function conversationView(conversation: Conversation): ConversationView {
    return {id: conversation.id, title: conversation.title, turns: conversation.turns.map((t) => turnView(t)), droppedTurns: droppedTurnCount(conversation)};
}

export function relativeTime(at: number, now: number): string {
    const minutes = Math.round((now - at) / 60_000);
    if (minutes < 1) return "just now";
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    if (hours < 24) return `${hours} h ago`;
    const days = Math.round(hours / 24);
    return days === 1 ? "yesterday" : `${days} days ago`;
}

// Past conversations of one workspace, kept in a key-value store (VS Code's workspaceState) so they survive a
// reload: list, reopen, delete, clear all. What is read back is checked field by field — the store is a file on
// disk, and a damaged entry is dropped rather than shown half-formed. No vscode: the store is an interface.
import type {ChatSource, ChatTurn, Conversation, TurnStatus} from "./conversation";

/** The part of vscode.Memento the history needs. */
export interface KeyValueStore {
    get<T>(key: string): T | undefined;
    update(key: string, value: unknown): PromiseLike<void>;
}

export interface ConversationSummary {
    id: string;
    title: string;
    updatedAt: number;
    turns: number;
}

export const historyKey = "hearth.chat.history.v1";
/** Oldest conversations beyond this many are forgotten. */
export const maxConversations = 50;
/**
 * Only the newest conversations keep the workspace context each turn was given (up to the chat budget per turn:
 * the bulk of what is stored). An older one reopens with its questions, answers and sources; a follow-up there
 * gets fresh context.
 */
export const conversationsWithContext = 10;

export class ChatHistory {
    /** Writes in order: a save that starts after a delete never resurrects what it deleted. */
    private writing: Promise<void> = Promise.resolve();

    constructor(private readonly store: KeyValueStore, private readonly limit = maxConversations) {}

    /** Newest first. */
    list(): ConversationSummary[] {
        return this.read().map((c) => ({id: c.id, title: c.title, updatedAt: c.updatedAt, turns: c.turns.length}));
    }

    get(id: string): Conversation | undefined {
        return this.read().find((c) => c.id === id);
    }

    /** Saves (or replaces) a conversation; an empty one is not kept. */
    save(conversation: Conversation): Promise<void> {
        const copy = structuredClone(conversation);
        return this.write((all) => {
            const others = all.filter((c) => c.id !== copy.id);
            return copy.turns.length === 0 ? others : [copy, ...others];
        });
    }

    delete(id: string): Promise<void> {
        return this.write((all) => all.filter((c) => c.id !== id));
    }

    clear(): Promise<void> {
        return this.write(() => []);
    }

    private write(change: (all: Conversation[]) => Conversation[]): Promise<void> {
        const next = this.writing.then(async () => {
            const all = change(this.read()).sort((a, b) => b.updatedAt - a.updatedAt).slice(0, this.limit)
                .map((c, i) => i < conversationsWithContext ? c : {...c, turns: c.turns.map((t) => ({...t, context: ""}))});
            await this.store.update(historyKey, {version: 1, conversations: all});
        });
        this.writing = next.catch(() => undefined);
        return next;
    }

    private read(): Conversation[] {
        const stored = this.store.get<unknown>(historyKey);
        if (!isRecord(stored) || stored.version !== 1 || !Array.isArray(stored.conversations)) return [];
        return stored.conversations.map(parseConversation).filter((c): c is Conversation => c !== undefined)
            .sort((a, b) => b.updatedAt - a.updatedAt);
    }
}

const STATUSES: ReadonlySet<TurnStatus> = new Set(["pending", "streaming", "done", "stopped", "error"]);

/** A stored conversation, or undefined when any part of it is malformed. */
export function parseConversation(value: unknown): Conversation | undefined {
    if (!isRecord(value) || !isString(value.id) || !isString(value.title) || !isNumber(value.createdAt) ||
        !isNumber(value.updatedAt) || !Array.isArray(value.turns)) return undefined;
    const turns = value.turns.map(parseTurn);
    if (turns.some((t) => t === undefined)) return undefined;
    const firstKeptTurn = isNumber(value.firstKeptTurn) ? Math.max(0, Math.floor(value.firstKeptTurn)) : 0;
    return {id: value.id, title: value.title, createdAt: value.createdAt, updatedAt: value.updatedAt, turns: turns as ChatTurn[], firstKeptTurn};
}

function parseTurn(value: unknown): ChatTurn | undefined {
    if (!isRecord(value) || !isString(value.id) || !isString(value.display) || !isString(value.prompt) ||
        !isString(value.context) || !isString(value.answer) || !isString(value.reasoning) || !isNumber(value.at) ||
        !STATUSES.has(value.status as TurnStatus) || !Array.isArray(value.sources)) return undefined;
    const sources = value.sources.map(parseSource);
    if (sources.some((s) => s === undefined)) return undefined;
    // A turn saved mid-answer was cut off by the reload: it is over, with what had arrived.
    const status = value.status === "pending" || value.status === "streaming" ? "stopped" : value.status as TurnStatus;
    const turn: ChatTurn = {
        id: value.id, display: value.display, prompt: value.prompt, context: value.context, sources: sources as ChatSource[],
        answer: value.answer, reasoning: value.reasoning, status, at: value.at
    };
    if (isString(value.error)) turn.error = value.error;
    return turn;
}

function parseSource(value: unknown): ChatSource | undefined {
    if (!isRecord(value) || !isString(value.path) || !isString(value.label) || !isNumber(value.startLine) || !isNumber(value.endLine)) return undefined;
    return {path: value.path, label: value.label, startLine: value.startLine, endLine: value.endLine};
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
function isString(value: unknown): value is string { return typeof value === "string"; }
function isNumber(value: unknown): value is number { return typeof value === "number" && Number.isFinite(value); }

// Messages between the chat webview and the extension. Shared by both sides so they cannot drift. What the
// webview sends is untrusted (its script renders model output): the extension checks every message with
// validate.ts before acting on it.

/** A mention the user added (`@file`, `@symbol`, `@workspace`) or the editor's default context. */
export type ContextChip =
    | {kind: "file", path: string, label: string}
    | {kind: "symbol", name: string, path: string, line: number, label: string}
    | {kind: "workspace", label: string};

/** Where the Apply button should put a code block: a file the block names, else the active editor. */
export interface CodeBlockRef {
    code: string;
    language: string;
    /** A workspace-relative path written after the fence's language tag (```ts src/a.ts). */
    file?: string;
}

export type RuntimeAction = "selectModel" | "showLog" | "restart" | "manageTrust" | "openSettings";

export type FromWebview =
    | {type: "ready"}
    | {type: "ask", text: string, chips: ContextChip[], useEditor: boolean}
    | {type: "stop"}
    | {type: "newChat"}
    | {type: "openSource", path: string, startLine: number, endLine: number}
    | {type: "openLink", href: string}
    | {type: "copy", text: string}
    | {type: "insert", code: string}
    | {type: "apply", block: CodeBlockRef}
    | {type: "mentionQuery", kind: "file" | "symbol", query: string, requestId: number}
    | {type: "showHistory"}
    | {type: "openConversation", id: string}
    | {type: "deleteConversation", id: string}
    | {type: "clearHistory"}
    | {type: "runtimeAction", action: RuntimeAction};

export interface SourceView {
    path: string;
    label: string;
    startLine: number;
    endLine: number;
}

export interface TurnView {
    id: string;
    display: string;
    answer: string;
    reasoning: string;
    status: "pending" | "streaming" | "done" | "stopped" | "error";
    error?: string;
    sources: SourceView[];
    /** What the turn is waiting for while pending, e.g. "Waiting for the model to load…". */
    waiting?: string;
}

export interface ConversationView {
    id: string;
    title: string;
    turns: TurnView[];
    /** Turns the model no longer sees (the conversation outgrew its window). */
    droppedTurns: number;
}

export type RuntimePhase = "restricted" | "noModel" | "loading" | "ready" | "error";

export interface RuntimeView {
    phase: RuntimePhase;
    /** One line for the user: what is happening, or what is wrong. */
    text: string;
    /** The loaded model's name when ready. */
    model?: string;
    /** While loading: how much of the model has been read (0 to 1), when the engine can tell. */
    progress?: number;
    /** Buttons that fix or change the state. */
    actions: Array<{action: RuntimeAction, label: string}>;
}

export interface EditorView {
    /** The active editor's file, offered as a chip by default. */
    file?: {path: string, label: string};
    /** Its selection, when there is one. */
    selection?: {label: string};
}

export interface MentionItem {
    chip: ContextChip;
    detail: string;
}

export interface HistoryItem {
    id: string;
    title: string;
    when: string;
    turns: number;
}

export type ToWebview =
    | {type: "runtime", runtime: RuntimeView}
    | {type: "editor", editor: EditorView}
    | {type: "conversation", conversation: ConversationView, reasoningEnabled: boolean}
    | {type: "turn", turn: TurnView}
    | {type: "chunk", turnId: string, text: string, reasoning?: boolean}
    | {type: "notice", text: string}
    | {type: "mentions", requestId: number, items: MentionItem[]}
    /** `open`: show the history panel (the Show Chat History command). */
    | {type: "history", items: HistoryItem[], open?: boolean}
    | {type: "footer", text: string}
    | {type: "focus"};

// Messages between the chat webview and the extension. Shared by both sides so they cannot drift.
export type FromWebview =
    | {type: "ready"}
    | {type: "ask", text: string};

export type ToWebview =
    | {type: "status", text: string};

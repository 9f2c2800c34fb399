// The sidebar chat view: a webview in Hearth's activity-bar container. The webview script lives in
// src/webview/ and talks to this provider only through typed messages.
import * as vscode from "vscode";
import type {ToWebview, FromWebview} from "../webview/messages";

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
    static readonly viewId = "hearth.chat";
    private view: vscode.WebviewView | undefined;
    private readonly ready = new vscode.EventEmitter<void>();
    /** Fires once the webview's script has loaded and said hello. */
    readonly onDidBecomeReady = this.ready.event;
    private webviewReady = false;

    constructor(private readonly extensionUri: vscode.Uri) {}

    get isReady(): boolean { return this.webviewReady; }

    resolveWebviewView(view: vscode.WebviewView): void {
        this.view = view;
        this.webviewReady = false;
        const distUri = vscode.Uri.joinPath(this.extensionUri, "dist");
        const mediaUri = vscode.Uri.joinPath(this.extensionUri, "media");
        view.webview.options = {enableScripts: true, localResourceRoots: [distUri, mediaUri]};
        view.webview.html = this.html(view.webview);
        view.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message));
        view.onDidDispose(() => { this.view = undefined; this.webviewReady = false; });
    }

    private receive(message: FromWebview): void {
        if (message.type === "ready") {
            this.webviewReady = true;
            this.ready.fire();
            this.post({type: "status", text: "Chat about your codebase is not available yet in this version of Hearth."});
        }
    }

    private post(message: ToWebview): void {
        void this.view?.webview.postMessage(message);
    }

    private html(webview: vscode.Webview): string {
        const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "dist", "webview", "chat.js"));
        const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "chat.css"));
        const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
        return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Hearth Chat</title>
</head>
<body>
<main id="transcript" aria-live="polite"></main>
<p id="status" role="status"></p>
<form id="ask"><textarea id="question" rows="3" placeholder="Ask about your code…" aria-label="Question"></textarea><button type="submit">Send</button></form>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
    }

    dispose(): void { this.ready.dispose(); }
}

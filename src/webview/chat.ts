// The chat webview's script (browser side). It renders what the extension sends and forwards questions.
import type {FromWebview, ToWebview} from "./messages";

declare function acquireVsCodeApi(): {postMessage(message: FromWebview): void};
const vscode = acquireVsCodeApi();

const status = document.getElementById("status") as HTMLParagraphElement;
const form = document.getElementById("ask") as HTMLFormElement;
const question = document.getElementById("question") as HTMLTextAreaElement;

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
    const message = event.data;
    if (message.type === "status") status.textContent = message.text;
});

form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (text === "") return;
    vscode.postMessage({type: "ask", text});
    question.value = "";
});

vscode.postMessage({type: "ready"});

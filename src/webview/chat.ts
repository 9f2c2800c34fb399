// The chat webview's script (browser side). It renders what the extension sends — the runtime's state, the
// conversation, answers streaming in — and sends the user's questions and clicks back as typed messages. Model
// output reaches the page only through markdown.ts (raw HTML escaped, links inert) or textContent.
import {renderMarkdown} from "./markdown";
import {mentionAt, mentionKinds, type MentionToken} from "./mentions";
import type {CodeBlockRef, ContextChip, ConversationView, EditorView, FromWebview, HistoryItem, MentionItem, RuntimeView, ToWebview, TurnView} from "./messages";

declare function acquireVsCodeApi(): {postMessage(message: FromWebview): void};
const host = acquireVsCodeApi();
const send = (message: FromWebview): void => host.postMessage(message);

// ── DOM helpers ─────────────────────────────────────────────────────────────────────────────────────────

type Attrs = Record<string, string | boolean | undefined>;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === false) continue;
        if (key === "text") el.textContent = String(value);
        else el.setAttribute(key, value === true ? "" : value);
    }
    el.append(...children);
    return el;
}
const icon = (name: string, spin = false): HTMLElement => h("i", {class: `codicon codicon-${name}${spin ? " codicon-modifier-spin" : ""}`, "aria-hidden": "true"});
function iconButton(id: string | undefined, name: string, label: string, extra: Attrs = {}): HTMLButtonElement {
    return h("button", {type: "button", id, class: "icon-button", "aria-label": label, title: label, ...extra}, icon(name));
}

// ── The page ────────────────────────────────────────────────────────────────────────────────────────────

const app = document.getElementById("app")!;
const modelBadge = h("span", {class: "model-badge", id: "model-badge"});
const newChatButton = iconButton("new-chat", "add", "New Chat");
const historyButton = iconButton("history-button", "history", "Chat History");
const toolbar = h("div", {class: "toolbar", role: "toolbar", "aria-label": "Chat"}, modelBadge, h("span", {class: "spacer"}), newChatButton, historyButton);

const runtimeText = h("span", {class: "runtime-text"});
const runtimeProgress = h("div", {class: "progress", role: "progressbar", "aria-label": "Loading the model", hidden: true}, h("div", {class: "progress-bar"}));
const runtimeActions = h("div", {class: "runtime-actions"});
const runtimeBox = h("section", {id: "runtime", class: "runtime", role: "status", "aria-live": "polite"}, h("div", {class: "runtime-line"}, icon("info"), runtimeText), runtimeProgress, runtimeActions);

const dropped = h("div", {id: "dropped", class: "dropped", role: "note", hidden: true});
const transcript = h("main", {id: "transcript", class: "transcript", "aria-label": "Conversation", tabindex: "-1"});
const historyList = h("ul", {class: "history-list", "aria-label": "Past conversations"});
const historyPanel = h("section", {id: "history", class: "history", "aria-label": "Chat history", hidden: true},
    h("div", {class: "history-head"}, h("h2", {text: "History"}), h("span", {class: "spacer"}),
        h("button", {type: "button", id: "clear-history", class: "text-button", text: "Clear All"}),
        iconButton("close-history", "close", "Close History")),
    historyList);
const notice = h("div", {id: "notice", class: "notice", role: "status", "aria-live": "polite"});
/** Screen readers hear when an answer ends (the answer itself re-renders on every chunk, so it is not live). */
const announcer = h("div", {class: "visually-hidden", "aria-live": "polite"});

const chipsBox = h("div", {id: "chips", class: "chips", role: "list", "aria-label": "Context for the next question"});
const picker = h("div", {id: "picker", class: "picker", role: "listbox", "aria-label": "Mentions", hidden: true});
const question = h("textarea", {
    id: "question", rows: "3", placeholder: "Ask about your code… (@ adds a file, symbol or the workspace)",
    "aria-label": "Question for Hearth. Enter sends, Shift+Enter starts a new line, @ adds context, Escape stops an answer.",
    "aria-autocomplete": "list", "aria-controls": "picker"
});
const addContextButton = iconButton("add-context", "mention", "Add Context (@file, @symbol, @workspace)");
const sendButton = h("button", {type: "submit", id: "send", class: "primary", "aria-label": "Send (Enter)", title: "Send (Enter)"}, icon("send"), h("span", {text: "Send"}));
const stopButton = h("button", {type: "button", id: "stop", class: "secondary", "aria-label": "Stop the answer (Escape)", title: "Stop (Escape)", hidden: true}, icon("debug-stop"), h("span", {text: "Stop"}));
const form = h("form", {id: "ask", class: "ask"}, chipsBox, picker, question,
    h("div", {class: "ask-row"}, addContextButton, h("span", {class: "hint", text: "Enter to send · Shift+Enter for a new line"}), h("span", {class: "spacer"}), stopButton, sendButton));
const footer = h("footer", {id: "footer", class: "footer", "aria-label": "Token tax"});

app.append(toolbar, runtimeBox, dropped, transcript, historyPanel, notice, form, footer, announcer);

// ── State ───────────────────────────────────────────────────────────────────────────────────────────────

interface TurnState {
    view: TurnView;
    el: HTMLElement;
    blocks: CodeBlockRef[];
    renderScheduled: boolean;
}

let conversation: ConversationView | undefined;
let reasoningEnabled = false;
const turns = new Map<string, TurnState>();
let editor: EditorView = {};
/** The editor chip the user removed (by file path): it stays off until the editor shows another file. */
let editorChipRemovedFor: string | undefined;
let chips: ContextChip[] = [];
let runtime: RuntimeView | undefined;
let loadingSince = 0;
let mentionToken: MentionToken | undefined;
let pickerItems: MentionItem[] = [];
let pickerIndex = 0;
let mentionRequest = 0;

const busy = (): boolean => {
    const last = conversation?.turns.at(-1);
    return last !== undefined && (last.status === "pending" || last.status === "streaming");
};

// ── Rendering ───────────────────────────────────────────────────────────────────────────────────────────

function renderRuntime(): void {
    if (!runtime) return;
    runtimeBox.dataset.phase = runtime.phase;
    runtimeBox.hidden = runtime.phase === "ready";
    runtimeText.textContent = runtime.phase === "loading" && loadingSince
        ? `${runtime.text}${runtime.progress === undefined ? "" : ` ${Math.round(runtime.progress * 100)}%,`} ${Math.round((Date.now() - loadingSince) / 1000)} s`
        : runtime.text;
    runtimeProgress.hidden = runtime.phase !== "loading";
    // A known fraction fills the bar; otherwise it slides, saying only that work goes on.
    const known = runtime.phase === "loading" && runtime.progress !== undefined;
    runtimeProgress.classList.toggle("determinate", known);
    (runtimeProgress.firstElementChild as HTMLElement).style.width = known ? `${Math.round(runtime.progress! * 100)}%` : "";
    if (known) runtimeProgress.setAttribute("aria-valuenow", String(Math.round(runtime.progress! * 100)));
    else runtimeProgress.removeAttribute("aria-valuenow");
    runtimeActions.replaceChildren(...runtime.actions.map((a) => {
        const button = h("button", {type: "button", class: "secondary", "data-runtime-action": a.action, text: a.label});
        button.addEventListener("click", () => send({type: "runtimeAction", action: a.action}));
        return button;
    }));
    modelBadge.replaceChildren(icon(runtime.phase === "ready" ? "pass" : runtime.phase === "loading" ? "loading" : "circle-slash", runtime.phase === "loading"),
        h("span", {text: runtime.phase === "ready" ? runtime.model ?? "Ready" : runtime.phase === "loading" ? "Loading…" : "No model"}));
    modelBadge.title = runtime.text;
}
setInterval(() => { if (runtime?.phase === "loading") renderRuntime(); }, 1000);

function renderConversation(): void {
    turns.clear();
    transcript.replaceChildren();
    if (!conversation || conversation.turns.length === 0) {
        transcript.append(h("div", {class: "empty"},
            h("h2", {text: "Ask Hearth about your code"}),
            h("p", {text: "Answers come from Gemma 4 on this machine, with your open file and the workspace index as context. Nothing leaves your computer."}),
            h("p", {text: "Type @ to add a file, a symbol or the whole workspace."})));
    }
    for (const turn of conversation?.turns ?? []) upsertTurn(turn);
    renderDropped();
    renderBusy();
    scrollToEnd(true);
}

function renderDropped(): void {
    const n = conversation?.droppedTurns ?? 0;
    dropped.hidden = n === 0;
    dropped.textContent = n === 0 ? "" : `${n} earlier ${n === 1 ? "turn is" : "turns are"} no longer given to the model: the conversation outgrew its context window.`;
}

function upsertTurn(view: TurnView): void {
    if (!conversation) return;
    const index = conversation.turns.findIndex((t) => t.id === view.id);
    if (index >= 0) conversation.turns[index] = view; else conversation.turns.push(view);
    let state = turns.get(view.id);
    if (!state) {
        transcript.querySelector(".empty")?.remove();
        const el = h("article", {class: "turn", "data-turn": view.id, "aria-label": "Question and answer"},
            h("div", {class: "question-text", "aria-label": "You asked"}),
            h("details", {class: "reasoning", hidden: true}, h("summary", {text: "Reasoning"}), h("div", {class: "reasoning-text"})),
            h("div", {class: "answer markdown", "aria-label": "Hearth's answer"}),
            h("div", {class: "turn-status"}),
            h("div", {class: "sources", hidden: true}));
        transcript.append(el);
        follow = true; // a new question: show it and its answer as it comes
        state = {view, el, blocks: [], renderScheduled: false};
        turns.set(view.id, state);
    }
    const was = state.view.status;
    state.view = view;
    if (was !== view.status && (was === "pending" || was === "streaming")) {
        announcer.textContent = view.status === "done" ? "Hearth answered." : view.status === "stopped" ? "Answer stopped." : view.status === "error" ? view.error ?? "" : "";
    }
    (state.el.querySelector(".question-text") as HTMLElement).textContent = view.display;
    renderAnswer(state);
    renderStatus(state);
    renderSources(state);
    renderBusy();
    scrollToEnd();
}

function renderAnswer(state: TurnState): void {
    const answer = state.el.querySelector(".answer") as HTMLElement;
    const rendered = renderMarkdown(state.view.answer);
    answer.innerHTML = rendered.html; // markdown.ts escapes raw HTML and strips link targets
    state.blocks = rendered.blocks;
    const reasoning = state.el.querySelector(".reasoning") as HTMLDetailsElement;
    reasoning.hidden = state.view.reasoning === "";
    (reasoning.querySelector(".reasoning-text") as HTMLElement).textContent = state.view.reasoning;
    state.el.dataset.status = state.view.status;
    scrollToEnd();
}

function renderStatus(state: TurnState): void {
    const status = state.el.querySelector(".turn-status") as HTMLElement;
    const view = state.view;
    status.removeAttribute("role");
    if (view.status === "pending") status.replaceChildren(icon("loading", true), h("span", {text: view.waiting ?? "Thinking…"}));
    else if (view.status === "streaming") status.replaceChildren(view.answer === "" ? icon("loading", true) : "", h("span", {text: view.answer === "" ? "Answering…" : ""}));
    else if (view.status === "stopped") status.replaceChildren(icon("debug-stop"), h("span", {text: "Stopped."}));
    else if (view.status === "error") {
        status.setAttribute("role", "alert");
        status.replaceChildren(icon("error"), h("span", {text: view.error ?? "Something went wrong."}));
    } else status.replaceChildren();
}

function renderSources(state: TurnState): void {
    const box = state.el.querySelector(".sources") as HTMLElement;
    const sources = state.view.sources;
    box.hidden = sources.length === 0;
    box.replaceChildren(h("div", {class: "sources-title", text: `Sources (${sources.length})`}), h("ul", {}, ...sources.map((s, i) =>
        h("li", {}, h("button", {type: "button", class: "source", "data-source": String(i), title: `Open ${s.label}`, "aria-label": `Open source ${s.label}`}, icon("file-code"), h("span", {text: s.label}))))));
}

function scheduleAnswer(state: TurnState): void {
    if (state.renderScheduled) return;
    state.renderScheduled = true;
    setTimeout(() => { state.renderScheduled = false; renderAnswer(state); renderStatus(state); }, 30);
}

function renderBusy(): void {
    const isBusy = busy();
    stopButton.hidden = !isBusy;
    sendButton.hidden = isBusy;
}

function renderChips(): void {
    const all: Array<{chip?: ContextChip, label: string, title: string, remove(): void, iconName: string}> = [];
    if (editor.file && editorChipRemovedFor !== editor.file.path) {
        const label = editor.selection ? editor.selection.label : editor.file.label;
        all.push({label, title: editor.selection ? `The selection in ${editor.file.label}` : `The current file, ${editor.file.label}`,
            iconName: editor.selection ? "selection" : "file", remove: () => { editorChipRemovedFor = editor.file?.path; renderChips(); }});
    }
    for (const chip of chips) {
        all.push({chip, label: chip.label, title: chip.kind === "workspace" ? "A map of the whole repository" : chip.label,
            iconName: chip.kind === "file" ? "file" : chip.kind === "symbol" ? "symbol-method" : "repo",
            remove: () => { chips = chips.filter((c) => c !== chip); renderChips(); }});
    }
    chipsBox.replaceChildren(...all.map((c) => {
        const remove = iconButton(undefined, "close", `Remove ${c.label} from the context`, {class: "icon-button chip-remove"});
        remove.addEventListener("click", () => { c.remove(); question.focus(); });
        return h("span", {class: "chip", role: "listitem", title: c.title, "data-chip": c.chip?.kind ?? "editor"}, icon(c.iconName), h("span", {class: "chip-label", text: c.label}), remove);
    }));
}

function renderHistory(items: HistoryItem[]): void {
    historyList.replaceChildren(...(items.length === 0 ? [h("li", {class: "history-empty", text: "No past conversations in this workspace."})] : items.map((item) => {
        const open = h("button", {type: "button", class: "history-open", "data-id": item.id, "aria-label": `Open conversation: ${item.title}`},
            h("span", {class: "history-title", text: item.title}), h("span", {class: "history-when", text: `${item.when} · ${item.turns} ${item.turns === 1 ? "question" : "questions"}`}));
        open.addEventListener("click", () => { send({type: "openConversation", id: item.id}); showHistory(false); });
        const remove = iconButton(undefined, "trash", `Delete conversation: ${item.title}`, {class: "icon-button history-delete"});
        remove.addEventListener("click", () => send({type: "deleteConversation", id: item.id}));
        return h("li", {class: "history-item"}, open, remove);
    })));
}

function showHistory(show: boolean): void {
    historyPanel.hidden = !show;
    transcript.hidden = show;
    historyButton.setAttribute("aria-pressed", String(show));
    if (show) { send({type: "showHistory"}); (historyPanel.querySelector("button") as HTMLElement | null)?.focus(); }
    else question.focus();
}

/** Whether the transcript follows the newest text: until the user scrolls up, and again once they scroll back down. */
let follow = true;
const nearEnd = (): boolean => transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
let scrolling = false;
transcript.addEventListener("scroll", () => { if (!scrolling) follow = nearEnd(); });
function scrollToEnd(force = false): void {
    if (force) follow = true;
    if (!follow) return;
    scrolling = true;
    transcript.scrollTop = transcript.scrollHeight;
    requestAnimationFrame(() => { scrolling = false; });
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function showNotice(text: string): void {
    notice.textContent = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.textContent = ""; }, 6000);
}

// ── The mention picker ──────────────────────────────────────────────────────────────────────────────────

function updateMention(): void {
    mentionToken = mentionAt(question.value, question.selectionStart ?? question.value.length);
    if (!mentionToken) return closePicker();
    if (mentionToken.kind === "kinds") {
        const word = mentionToken.query;
        showPicker(mentionKinds.filter((k) => k.kind.startsWith(word)).map((k) => ({chip: {kind: "workspace", label: k.label}, detail: k.detail})));
    } else if (mentionToken.kind === "workspace") {
        showPicker([{chip: {kind: "workspace", label: "@workspace"}, detail: "a map of the whole repository"}]);
    } else {
        send({type: "mentionQuery", kind: mentionToken.kind, query: mentionToken.query, requestId: ++mentionRequest});
    }
}

function showPicker(items: MentionItem[]): void {
    pickerItems = items;
    pickerIndex = 0;
    renderPicker();
}

function renderPicker(): void {
    picker.hidden = pickerItems.length === 0 && mentionToken?.kind !== "file" && mentionToken?.kind !== "symbol";
    question.setAttribute("aria-expanded", String(!picker.hidden));
    if (pickerItems.length === 0) {
        picker.replaceChildren(h("div", {class: "picker-empty", text: mentionToken ? "No match in the index." : ""}));
        return;
    }
    picker.replaceChildren(...pickerItems.map((item, i) => {
        const option = h("div", {class: "picker-item", role: "option", id: `mention-${i}`, "aria-selected": String(i === pickerIndex)},
            h("span", {class: "picker-label", text: item.chip.label}), h("span", {class: "picker-detail", text: item.detail}));
        option.addEventListener("mousedown", (event) => { event.preventDefault(); pickerIndex = i; acceptMention(); });
        return option;
    }));
    question.setAttribute("aria-activedescendant", `mention-${pickerIndex}`);
    picker.querySelector(`#mention-${pickerIndex}`)?.scrollIntoView({block: "nearest"});
}

function closePicker(): void {
    mentionToken = undefined;
    pickerItems = [];
    picker.hidden = true;
    question.setAttribute("aria-expanded", "false");
    question.removeAttribute("aria-activedescendant");
}

function acceptMention(): void {
    const token = mentionToken;
    const item = pickerItems[pickerIndex];
    if (!token || !item) return;
    const replace = (text: string): void => {
        question.value = question.value.slice(0, token.start) + text + question.value.slice(token.end);
        const caret = token.start + text.length;
        question.setSelectionRange(caret, caret);
    };
    if (token.kind === "kinds") {
        const kind = item.chip.label.slice(1);
        if (kind === "workspace") { addChip({kind: "workspace", label: "@workspace"}); replace(""); closePicker(); return; }
        replace(`@${kind}:`);
        updateMention();
        return;
    }
    addChip(item.chip);
    replace("");
    closePicker();
}

function addChip(chip: ContextChip): void {
    const same = (c: ContextChip): boolean => c.kind === chip.kind && c.label === chip.label && ("path" in c ? c.path : "") === ("path" in chip ? chip.path : "");
    if (!chips.some(same)) chips.push(chip);
    renderChips();
}

// ── Input ───────────────────────────────────────────────────────────────────────────────────────────────

function submit(): void {
    const text = question.value.trim();
    if (text === "" || busy()) return;
    const useEditor = editor.file !== undefined && editorChipRemovedFor !== editor.file.path;
    send({type: "ask", text, chips, useEditor});
    question.value = "";
    chips = [];
    closePicker();
    renderChips();
}

form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
question.addEventListener("input", updateMention);
question.addEventListener("click", updateMention);
question.addEventListener("blur", () => setTimeout(closePicker, 150));
question.addEventListener("keydown", (event) => {
    if (!picker.hidden && pickerItems.length > 0) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            pickerIndex = (pickerIndex + (event.key === "ArrowDown" ? 1 : pickerItems.length - 1)) % pickerItems.length;
            renderPicker();
            return;
        }
        if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); acceptMention(); return; }
    }
    if (event.key === "Escape" && !picker.hidden) { event.preventDefault(); closePicker(); return; }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
});
document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && busy() && picker.hidden) { event.preventDefault(); send({type: "stop"}); }
});
stopButton.addEventListener("click", () => { send({type: "stop"}); question.focus(); });
newChatButton.addEventListener("click", () => { send({type: "newChat"}); showHistory(false); });
historyButton.addEventListener("click", () => showHistory(historyPanel.hidden));
historyPanel.querySelector("#close-history")!.addEventListener("click", () => showHistory(false));
historyPanel.querySelector("#clear-history")!.addEventListener("click", () => send({type: "clearHistory"}));
addContextButton.addEventListener("click", () => {
    const caret = question.selectionStart ?? question.value.length;
    const lead = caret > 0 && !/\s/.test(question.value[caret - 1]) ? " @" : "@";
    question.value = question.value.slice(0, caret) + lead + question.value.slice(caret);
    question.focus();
    question.setSelectionRange(caret + lead.length, caret + lead.length);
    updateMention();
});

// Clicks inside answers: code block buttons, links (handed to the extension, which checks them) and sources.
transcript.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    const turnEl = target.closest<HTMLElement>(".turn");
    const state = turnEl ? turns.get(turnEl.dataset.turn ?? "") : undefined;
    if (!state) return;
    const action = target.closest<HTMLElement>(".code-action");
    if (action) {
        const block = state.blocks[Number(action.dataset.block)];
        if (!block) return;
        if (action.dataset.action === "copy") send({type: "copy", text: block.code});
        else if (action.dataset.action === "insert") send({type: "insert", code: block.code});
        else if (action.dataset.action === "apply") send({type: "apply", block});
        return;
    }
    const link = target.closest<HTMLElement>("a.link");
    if (link) { event.preventDefault(); send({type: "openLink", href: link.dataset.href ?? ""}); return; }
    const source = target.closest<HTMLElement>(".source");
    if (source) {
        const s = state.view.sources[Number(source.dataset.source)];
        if (s) send({type: "openSource", path: s.path, startLine: s.startLine, endLine: s.endLine});
    }
});
transcript.addEventListener("keydown", (event) => {
    const link = (event.target as HTMLElement).closest<HTMLElement>("a.link");
    if (link && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); link.click(); }
});

// ── Messages from the extension ─────────────────────────────────────────────────────────────────────────

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
    const message = event.data;
    switch (message.type) {
        case "runtime":
            if (message.runtime.phase === "loading" && runtime?.phase !== "loading") loadingSince = Date.now();
            runtime = message.runtime;
            renderRuntime();
            break;
        case "editor":
            editor = message.editor;
            if (editorChipRemovedFor !== undefined && editorChipRemovedFor !== editor.file?.path) editorChipRemovedFor = undefined;
            renderChips();
            break;
        case "conversation":
            conversation = message.conversation;
            reasoningEnabled = message.reasoningEnabled;
            document.body.dataset.reasoning = String(reasoningEnabled);
            renderConversation();
            break;
        case "turn":
            upsertTurn(message.turn);
            break;
        case "chunk": {
            const state = turns.get(message.turnId);
            if (!state) break;
            if (message.reasoning) state.view.reasoning += message.text; else state.view.answer += message.text;
            scheduleAnswer(state);
            break;
        }
        case "notice": showNotice(message.text); break;
        case "mentions":
            if (message.requestId === mentionRequest && mentionToken && mentionToken.kind !== "kinds") showPicker(message.items);
            break;
        case "history":
            renderHistory(message.items);
            if (message.open && historyPanel.hidden) showHistory(true);
            break;
        case "footer": footer.textContent = message.text; break;
        case "focus": question.focus(); break;
    }
});

renderChips();
send({type: "ready"});
question.focus();

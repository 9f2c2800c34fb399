// Hearth's one status-bar item: what the runtime is doing (starting, loading which model, failed, no model,
// ready) and, with a model ready, inline completions (off, snoozed, generating, on) with the last latency,
// tokens per second and the drafter's acceptance — loudly when code goes to a remote endpoint. It gathers the
// facts (RuntimeService reports the runtime, the completion wiring reports requests and results, it follows
// the active editor and the hearth.completion.enable setting itself); completion/statusModel.ts decides what
// they read as. A click opens the menu (completionMenu.ts).
import * as vscode from "vscode";
import {completionEnabledFor} from "../config";
import type {RuntimeState} from "../runtime/client";
import type {GenerationStats, ModelInfo, RuntimeStatus} from "../runtime/protocol";
import {RecentGenerations} from "../completion/recentGenerations";
import type {SnoozeClock} from "../completion/snooze";
import {completionState, statusView, type CompletionFacts, type RuntimeFacts, type StatusView} from "../completion/statusModel";
import {readConfig} from "./settings";

export const COMPLETION_MENU_COMMAND = "hearth.completion.menu";

/** A request shorter than this never shows the spinner: typing would make the item flicker. */
const SPINNER_DELAY_MS = 150;
/** Documents that are not code the user writes: focusing them keeps the language shown before. */
const IGNORED_SCHEMES = new Set(["output", "debug", "vscode-terminal"]);

export class RuntimeStatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("hearth.runtime", vscode.StatusBarAlignment.Right, 100);
    private readonly subscriptions: vscode.Disposable[] = [];
    private runtime: RuntimeFacts = {phase: "starting"};
    private config = readConfig();
    private languageId: string | undefined;
    private snooze: SnoozeClock | undefined;
    private unsubscribeSnooze: (() => void) | undefined;
    private readonly recent = new RecentGenerations();
    /** The model the recent speeds were measured on. */
    private speedOf: string | undefined;
    private latencyMs: number | undefined;
    /** Requests under way: VS Code may start one before the previous one has ended. */
    private requests = 0;
    private spinning = false;
    private spinnerTimer: NodeJS.Timeout | undefined;
    /** Re-renders when the snooze's minutes left change. */
    private minuteTimer: NodeJS.Timeout | undefined;
    private shown: StatusView | undefined;
    /** The token tax line (editor/tokenTaxService.ts), shown under the tooltip. */
    private usage: string | undefined;

    constructor() {
        this.item.name = "Hearth";
        this.item.command = COMPLETION_MENU_COMMAND;
        this.languageId = languageOf(vscode.window.activeTextEditor);
        this.subscriptions.push(
            vscode.window.onDidChangeActiveTextEditor((editor) => this.setActiveLanguage(languageOf(editor) ?? this.languageId)),
            // Changing a document's language reopens it.
            vscode.workspace.onDidOpenTextDocument((document) => {
                if (document === vscode.window.activeTextEditor?.document) this.setActiveLanguage(languageOf(vscode.window.activeTextEditor));
            }),
            vscode.workspace.onDidGrantWorkspaceTrust(() => this.render()),
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (!event.affectsConfiguration("hearth.completion.enable")) return;
                this.config = readConfig();
                this.render();
            })
        );
        this.render();
    }

    /** A model load is under way (after a settings change or a model pick). */
    loading(modelPath: string, progress?: number): void {
        this.runtime = {phase: "loading", modelPath, ...(progress === undefined ? {} : {progress})};
        this.render();
    }

    /** `problem`: why no model is loaded (the last load's failure), shown in the tooltip. */
    update(state: RuntimeState, model: ModelInfo | undefined, status?: RuntimeStatus, problem?: string): void {
        const before = this.runtime;
        switch (state) {
            case "starting":
            case "restarting":
                this.runtime = {phase: state};
                break;
            case "failed":
                this.runtime = {phase: "failed"};
                break;
            case "disposed":
            case "stopped":
                this.runtime = {phase: "hidden"};
                break;
            case "ready": {
                if (model === undefined) {
                    this.runtime = {phase: "noModel", ...(problem ? {problem} : {})};
                    break;
                }
                // A status-less update (a state change) keeps the last polled totals of the same model.
                const totals = status?.totals ?? (before.phase === "ready" && before.model.modelPath === model.modelPath ? before.totals : undefined);
                this.runtime = {phase: "ready", model, ...(totals ? {totals} : {})};
                if (this.speedOf !== model.modelPath) {
                    // Another model: the last one's speed says nothing about this one.
                    this.speedOf = model.modelPath;
                    this.recent.clear();
                    this.latencyMs = undefined;
                }
                break;
            }
        }
        this.render();
    }

    /** Shows the snooze and follows it: starting, resuming, running out. */
    useSnooze(clock: SnoozeClock): void {
        this.unsubscribeSnooze?.();
        this.snooze = clock;
        this.unsubscribeSnooze = clock.onChange(() => this.render());
        this.render();
    }

    /** The inline provider's onRequest: calls pair, one "idle" for every "generating". */
    completionRequest(state: "generating" | "idle"): void {
        if (state === "generating") {
            if (this.requests++ === 0) {
                clearTimeout(this.spinnerTimer);
                this.spinnerTimer = setTimeout(() => { this.spinning = true; this.render(); }, SPINNER_DELAY_MS);
            }
            return;
        }
        this.requests = Math.max(0, this.requests - 1);
        if (this.requests > 0) return;
        clearTimeout(this.spinnerTimer);
        this.spinnerTimer = undefined;
        if (this.spinning) { this.spinning = false; this.render(); }
    }

    /** A finished completion generation's statistics (the runtime backend's onResult). */
    completionResult(stats: GenerationStats): void {
        this.recent.add(stats);
        this.render();
    }

    /** The recent time from keystroke to suggestion (Completer.tracker.typicalLatency()). */
    setLatency(ms: number | undefined): void {
        if (ms === this.latencyMs) return;
        this.latencyMs = ms;
        this.render();
    }

    /** The language the "for this language" switch is about; the item follows the active editor on its own. */
    setActiveLanguage(languageId: string | undefined): void {
        if (languageId === this.languageId) return;
        this.languageId = languageId;
        this.render();
    }

    /** The token tax's summary line, or undefined to show none. */
    setUsage(text: string | undefined): void {
        if (text === this.usage) return;
        this.usage = text;
        this.render();
    }

    /** The facts the item shows, for the menu. */
    facts(): {runtime: RuntimeFacts, completions: CompletionFacts} {
        const language = this.languageId;
        const enable = this.config.completion.enable;
        const snoozedUntil = this.snooze?.snoozedUntil;
        const speed = this.recent.speed();
        return {
            runtime: this.runtime,
            completions: {
                ...(language !== undefined ? {languageId: language} : {}),
                // With no editor, the default for all languages.
                languageEnabled: completionEnabledFor(this.config, language ?? "*"),
                allEnabled: enable["*"] !== false,
                languageHasOwnSetting: language !== undefined && Object.hasOwn(enable, language),
                ...(snoozedUntil !== undefined ? {snoozedUntil} : {}),
                generating: this.spinning,
                ...(this.latencyMs !== undefined ? {latencyMs: this.latencyMs} : {}),
                ...(speed ? {speed} : {})
            }
        };
    }

    /** What the item says now; undefined while hidden (for the e2e suite). */
    get status(): {text: string, tooltip: string, severity: StatusView["severity"]} | undefined {
        return this.shown && {...this.shown};
    }

    private render(): void {
        const {runtime, completions} = this.facts();
        const now = Date.now();
        this.followMinutes(runtime.phase === "ready" && completionState(completions, now) === "snoozed" ? completions.snoozedUntil! - now : undefined);
        // In Restricted Mode the trust item speaks for Hearth: a second item saying "no model" would only confuse.
        const shownView = vscode.workspace.isTrusted ? statusView(runtime, completions, now) : undefined;
        const view = shownView && this.usage !== undefined ? {...shownView, tooltip: `${shownView.tooltip}\n\n---\n\n${this.usage}`} : shownView;
        if (view === undefined) {
            this.shown = undefined;
            this.item.hide();
            return;
        }
        const was = this.shown;
        this.shown = view;
        // Requests come with every keystroke: touch the item only when what it says changed.
        if (was?.text === view.text && was.tooltip === view.tooltip && was.severity === view.severity) return;
        this.item.text = view.text;
        this.item.tooltip = new vscode.MarkdownString(view.tooltip);
        this.item.backgroundColor = view.severity === "normal" ? undefined
            : new vscode.ThemeColor(view.severity === "error" ? "statusBarItem.errorBackground" : "statusBarItem.warningBackground");
        this.item.show();
    }

    /** While snoozed, re-render when the minutes left change; `leftMs` undefined stops it. */
    private followMinutes(leftMs: number | undefined): void {
        clearTimeout(this.minuteTimer);
        this.minuteTimer = undefined;
        if (leftMs === undefined) return;
        this.minuteTimer = setTimeout(() => this.render(), (leftMs % 60_000) + 50);
    }

    dispose(): void {
        clearTimeout(this.spinnerTimer);
        clearTimeout(this.minuteTimer);
        this.unsubscribeSnooze?.();
        for (const subscription of this.subscriptions) subscription.dispose();
        this.item.dispose();
    }
}

function languageOf(editor: vscode.TextEditor | undefined): string | undefined {
    if (editor === undefined || IGNORED_SCHEMES.has(editor.document.uri.scheme)) return undefined;
    return editor.document.languageId;
}

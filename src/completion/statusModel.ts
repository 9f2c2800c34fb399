// What Hearth's one status-bar item says, from plain facts, so every state is tested without VS Code: the
// runtime (starting, loading which model, failed, no model, ready) and, once a model is ready, inline
// completions (off for this language or all, snoozed, generating, on) with the last latency, tokens per second
// and the drafter's acceptance. editor/runtimeStatusBar.ts shows the result; the menu (menuEntries.ts) reads the
// same facts.
import path from "node:path";
import type {DrafterKind, ModelInfo, RuntimeStatus} from "../runtime/protocol";
import type {CompletionSpeed} from "./recentGenerations";

export type RuntimeFacts =
    | {phase: "hidden"}
    | {phase: "starting"}
    | {phase: "restarting"}
    | {phase: "loading", modelPath: string, progress?: number}
    | {phase: "failed"}
    /** `problem`: why the last load failed, if it did. */
    | {phase: "noModel", problem?: string}
    /** `totals`: the runtime's counters since the model loaded, when polled. */
    | {phase: "ready", model: ModelInfo, totals?: RuntimeStatus["totals"]};

export interface CompletionFacts {
    /** The active editor's language, if there is one. */
    languageId?: string;
    /** Whether `hearth.completion.enable` turns completions on for that language (or, with none, by `*`). */
    languageEnabled: boolean;
    /** The `*` entry: the default for every language without its own entry. */
    allEnabled: boolean;
    /** Whether the language has its own entry, which "all" does not change. */
    languageHasOwnSetting: boolean;
    /** Epoch ms a snooze ends at; undefined when not snoozed. */
    snoozedUntil?: number;
    /** A completion request is under way. */
    generating: boolean;
    /** Recent time from keystroke to suggestion (the completer's latency tracker). */
    latencyMs?: number;
    /** The latest generations' speed and drafter acceptance. */
    speed?: CompletionSpeed;
}

export type Severity = "normal" | "warning" | "error";

export interface StatusView {
    text: string;
    /** Markdown; any text from outside (paths, error messages) is escaped. */
    tooltip: string;
    severity: Severity;
}

export type CompletionState = "offAll" | "offLanguage" | "snoozed" | "generating" | "on";

export function completionState(facts: CompletionFacts, now: number): CompletionState {
    if (!facts.languageEnabled) return facts.allEnabled ? "offLanguage" : "offAll";
    if (facts.snoozedUntil !== undefined && now < facts.snoozedUntil) return "snoozed";
    return facts.generating ? "generating" : "on";
}

const CLICK_HINT = "Click for options: completions on or off, snooze, choose a model, show the log.";

/** The item's text, tooltip and colour; undefined when it should be hidden. */
export function statusView(runtime: RuntimeFacts, completions: CompletionFacts, now: number): StatusView | undefined {
    switch (runtime.phase) {
        case "hidden":
            return undefined;
        case "starting":
            return {text: "$(loading~spin) Hearth", tooltip: `Hearth is starting.\n\n${CLICK_HINT}`, severity: "normal"};
        case "restarting":
            return {text: "$(loading~spin) Hearth", tooltip: `The Hearth runtime is restarting.\n\n${CLICK_HINT}`, severity: "normal"};
        case "loading":
            return {
                text: `$(loading~spin) Hearth: loading ${modelName(runtime.modelPath, false)}${percent(runtime.progress)}`,
                tooltip: `Hearth is loading ${code(runtime.modelPath)}.\n\n${CLICK_HINT}`,
                severity: "normal"
            };
        case "failed":
            return {text: "$(error) Hearth", tooltip: `The Hearth runtime stopped. Its log says why.\n\n${CLICK_HINT}`, severity: "error"};
        case "noModel":
            return {
                text: "$(flame) Hearth: no model",
                tooltip: [...(runtime.problem ? [escape(runtime.problem)] : []), "No model is loaded: choose one to use Hearth.", CLICK_HINT].join("\n\n"),
                severity: "warning"
            };
        case "ready":
            return readyView(runtime.model, runtime.totals, completions, now);
    }
}

function readyView(model: ModelInfo, totals: RuntimeStatus["totals"] | undefined, completions: CompletionFacts, now: number): StatusView {
    const remote = model.engine === "openaiCompatible";
    const name = modelName(model.modelPath, remote);
    const state = completionState(completions, now);
    const speed = shownSpeed(model.drafter, totals, completions);
    let text: string;
    switch (state) {
        case "offAll":
            text = "$(circle-slash) Hearth: off";
            break;
        case "offLanguage":
            text = `$(circle-slash) Hearth: off (${completions.languageId})`;
            break;
        case "snoozed":
            text = `$(bell-slash) Hearth: snoozed ${minutesLeft(completions.snoozedUntil!, now)} min`;
            break;
        case "generating":
        case "on":
            text = [`$(${state === "generating" ? "sync~spin" : remote ? "globe" : "flame"}) ${name}`, ...speedParts(completions.latencyMs, speed)].join(" · ");
            break;
    }
    const tooltip = [
        `**Hearth** — ${remote ? "**remote endpoint: your code is sent to it**" : "running locally; no code leaves this machine"}`,
        escape(completionSentence(completions, now)),
        `Model: ${code(model.modelPath)} (${escape(model.architecture)}, ${model.contextSize} tokens of context)`,
        `Engine: ${model.engine} · drafter: ${drafterLabel(model.drafter)}`,
        ...speedLines(completions.latencyMs, speed),
        CLICK_HINT
    ].join("\n\n");
    return {text, tooltip, severity: remote ? "warning" : "normal"};
}

/** One plain sentence for the completion state (tooltip, menu placeholder). */
export function completionSentence(facts: CompletionFacts, now: number): string {
    const language = facts.languageId;
    switch (completionState(facts, now)) {
        case "offAll":
            return language && facts.languageHasOwnSetting ? `Inline completions are off for ${language} and by default.` : "Inline completions are off.";
        case "offLanguage":
            return `Inline completions are off for ${language}.`;
        case "snoozed":
            return `Inline completions are snoozed until ${clockTime(facts.snoozedUntil!)} (${minutesLeft(facts.snoozedUntil!, now)} min left).`;
        case "generating":
            return "Inline completions are on: generating a suggestion…";
        case "on":
            return language ? `Inline completions are on for ${language}.` : "Inline completions are on.";
    }
}

interface ShownSpeed {
    source: "completions" | "sinceLoad";
    drafter: DrafterKind;
    tokensPerSecond?: number;
    timeToFirstTokenMs?: number;
    draftedTokens: number;
    acceptedTokens: number;
    generations?: number;
}

/** The latest completions' speed; before any, the runtime's totals since the model loaded (chat included). */
function shownSpeed(drafter: DrafterKind, totals: RuntimeStatus["totals"] | undefined, completions: CompletionFacts): ShownSpeed | undefined {
    const recent = completions.speed;
    if (recent !== undefined) return {source: "completions", ...recent};
    if (totals === undefined || totals.requests === 0) return undefined;
    return {
        source: "sinceLoad", drafter,
        tokensPerSecond: totals.decodeMs > 0 ? 1000 * totals.generatedTokens / totals.decodeMs : undefined,
        draftedTokens: totals.draftedTokens, acceptedTokens: totals.acceptedTokens
    };
}

function speedParts(latencyMs: number | undefined, speed: ShownSpeed | undefined): string[] {
    const parts: string[] = [];
    if (latencyMs !== undefined) parts.push(duration(latencyMs));
    if (speed?.tokensPerSecond !== undefined) parts.push(`${Math.round(speed.tokensPerSecond)} tok/s`);
    const acceptance = acceptancePercent(speed);
    if (acceptance !== undefined) parts.push(`${drafterLabel(speed!.drafter)} ${acceptance}%`);
    return parts;
}

function speedLines(latencyMs: number | undefined, speed: ShownSpeed | undefined): string[] {
    const lines: string[] = [];
    if (latencyMs !== undefined) lines.push(`Time to a suggestion: ${duration(latencyMs)} (median of recent requests)`);
    if (speed === undefined) return lines;
    const facts: string[] = [];
    if (speed.tokensPerSecond !== undefined) facts.push(`${Math.round(speed.tokensPerSecond)} tokens per second`);
    if (speed.timeToFirstTokenMs !== undefined) facts.push(`first token after ${duration(speed.timeToFirstTokenMs)}`);
    if (facts.length > 0) lines.push(`${speed.source === "completions" ? "Last completion" : "Since the model loaded"}: ${facts.join(", ")}`);
    const acceptance = acceptancePercent(speed);
    if (acceptance !== undefined) {
        const over = speed.source === "completions" ? `the last ${speed.generations === 1 ? "completion" : `${speed.generations} completions`}` : "everything since the model loaded";
        lines.push(`Drafter: ${drafterLabel(speed.drafter)} — ${acceptance}% of ${speed.draftedTokens} drafted tokens accepted, over ${over}`);
    }
    return lines;
}

function acceptancePercent(speed: ShownSpeed | undefined): number | undefined {
    if (speed === undefined || speed.drafter === "none" || speed.draftedTokens <= 0) return undefined;
    return Math.round(100 * speed.acceptedTokens / speed.draftedTokens);
}

export function drafterLabel(drafter: DrafterKind): string {
    return {mtp: "MTP", draftModel: "draft model", promptLookup: "prompt lookup", none: "no drafter"}[drafter];
}

/** The file's name without `.gguf`; an endpoint's model is named as it is. */
export function modelName(modelPath: string, remote: boolean): string {
    return remote ? modelPath : path.basename(modelPath).replace(/\.gguf$/i, "");
}

export function minutesLeft(until: number, now: number): number {
    return Math.max(1, Math.ceil((until - now) / 60_000));
}

/** Local wall-clock time, hours and minutes. */
export function clockTime(epochMs: number): string {
    const date = new Date(epochMs);
    return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function duration(ms: number): string {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Markdown-inert text: a path or an error message must not become a link or formatting. */
function escape(text: string): string {
    return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, "\\$&");
}

/** A code span that holds any text, backticks included. */
function code(text: string): string {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return `${fence} ${text.replace(/\s*\n\s*/g, " ")} ${fence}`;
}

/** " 42%" while a load reports how far it is; nothing when it cannot tell. */
function percent(progress: number | undefined): string {
    return progress === undefined ? "" : ` ${Math.round(progress * 100)}%`;
}

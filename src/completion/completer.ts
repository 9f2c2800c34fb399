// One inline-completion request, from keystroke to the text shown, without vscode: debounce, cache (with typing
// into a shown suggestion), reuse of the request in flight, the prompt, streaming with early stops and time
// budgets, answer parsing and post-processing; after an accept, the next suggestion is prefetched. The VS Code
// adapter (inlineProvider.ts) and the completion benchmark both drive this class.
import {CompletionCache} from "./cache";
import {AdaptiveDebouncer, type DebounceBounds} from "./debouncer";
import {typedInto, type Inflight} from "./inflight";
import {LatencyTracker} from "./latencyTracker";
import type {Shape} from "./multiline";
import {postprocess} from "./postprocess/index";
import {buildInstructPrompt, instructStops, parseInstructAnswer, type InstructPrompt} from "./prompt/instruct";
import {fileWindow, type WindowOptions, defaultWindow} from "./prompt/window";

export interface CompletionDocument {
    path: string;
    /** The path shown to the model: relative to its workspace folder. */
    displayPath: string;
    languageId: string;
    text: string;
    /** The cursor, as a UTF-16 offset into `text`. */
    offset: number;
    indentUnit: string;
}

export interface CompletionTrigger {
    /** Epoch ms of the keystroke (or of the explicit request). */
    at: number;
    explicit: boolean;
    /** What was just typed, when known. */
    typed?: string;
}

export type PromptStyle = "fim" | "instruct";

export interface GenerateRequest {
    style: PromptStyle;
    /** Packed workspace context, already labelled. */
    context: string;
    prefix: string;
    suffix: string;
    /** For the instruct style: the chat turn and the model turn's prefilled start. */
    instruct?: InstructPrompt;
    maxTokens: number;
    stop: string[];
    /** A single line at the end of a line: the runtime ends at the first newline after text (and reports stats). */
    stopAtLineEnd: boolean;
}

/** What a completion needs from the rest of Hearth: the model, the context engine, the syntax tree. */
export interface CompletionBackend {
    /** The prompt style the loaded model takes, or undefined while no model is ready. */
    promptStyle(): PromptStyle | undefined;
    shape(doc: CompletionDocument, signal: AbortSignal): Promise<Shape>;
    context(doc: CompletionDocument, signal: AbortSignal): Promise<string>;
    generate(request: GenerateRequest, control: {signal: AbortSignal, onText(text: string): void}): Promise<string>;
}

export interface CompleterOptions {
    debounce: DebounceBounds;
    maxTokens: number;
    /** Show what has streamed by then, if anything worth showing. */
    softDeadlineMs: number;
    /** Stop generating this long after the first text came. */
    hardDeadlineMs: number;
    window?: WindowOptions;
    now?(): number;
    sleep?(ms: number, signal: AbortSignal): Promise<void>;
    /**
     * Time spent in each extension-side phase of a request (no model time), for the benchmark. `request` numbers the
     * requests: they overlap (a key's request starts while the one before it still generates), and post-processing
     * runs once more when a request shown early finishes.
     */
    onPhase?(phase: "context" | "prompt" | "postprocess", ms: number, request: number): void;
}

/** What happened to requests, for the benchmark and the e2e suite. */
export interface CompleterCounters {
    provided: number;
    requests: number;
    cancelled: number;
    cacheHits: number;
    reused: number;
    prefetched: number;
}

/** Why a generation stopped early: the user moved on, or the answer was complete enough. */
type StopReason = "cancel" | "deadline" | "block" | "line";

interface Running extends Inflight {
    /** The request's number (counters.requests when it started). */
    id: number;
    style: PromptStyle;
    multiline: boolean;
    /** The prompt's file window: the instruct parser removes an echo of its end. */
    windowPrefix: string;
}

export class Completer {
    readonly tracker = new LatencyTracker();
    readonly counters: CompleterCounters = {provided: 0, requests: 0, cancelled: 0, cacheHits: 0, reused: 0, prefetched: 0};
    private readonly debouncer: AdaptiveDebouncer;
    private readonly cache = new CompletionCache();
    private cachedStyle: PromptStyle | undefined;
    private inflight: Running | undefined;

    constructor(private readonly backend: CompletionBackend, private options: CompleterOptions) {
        this.debouncer = new AdaptiveDebouncer(this.tracker, options.debounce);
    }

    /** The generation in flight: the text before the cursor it was asked for, and what it streamed so far. */
    get streaming(): {prefix: string, streamed: string} | undefined {
        return this.inflight && {prefix: this.inflight.prefix, streamed: this.inflight.streamed};
    }

    configure(options: CompleterOptions): void {
        this.options = options;
        this.debouncer.setBounds(options.debounce);
        // Other settings (length, window, deadlines) give other suggestions: what is cached no longer holds.
        this.cache.clear();
    }

    /**
     * The suggestion to show at `doc`'s cursor, or undefined. `signal` is VS Code's cancellation: it ends this
     * call at once but not the generation, which the next keystroke may still reuse; a keystroke that does not
     * fit it cancels it, through to the runtime.
     */
    async provide(doc: CompletionDocument, trigger: CompletionTrigger, signal: AbortSignal): Promise<string | undefined> {
        this.counters.provided++;
        const previousGap = this.tracker.sinceLastKeystroke(trigger.at);
        if (!trigger.explicit) this.tracker.keystroke(trigger.at);
        const style = this.backend.promptStyle();
        if (style === undefined) return undefined;
        // A suggestion from one prompt style is not what the other would show (the setting, or another model).
        if (style !== this.cachedStyle) { this.cache.clear(); this.cachedStyle = style; }
        const prefix = doc.text.slice(0, doc.offset);
        const suffix = doc.text.slice(doc.offset);

        const cached = this.cache.get({prefix, suffix});
        if (cached !== undefined) { this.counters.cacheHits++; return cached; }

        const running = this.inflight;
        if (running) {
            const typed = typedInto(running, prefix, suffix);
            if (typed !== undefined) {
                this.counters.reused++;
                const raw = await untilAborted(running.result, signal);
                if (signal.aborted) return undefined;
                const shown = raw === undefined ? undefined : this.finish(raw, running, doc.text.slice(0, doc.offset - typed.length), suffix, doc);
                if (shown !== undefined && shown.startsWith(typed) && shown.length > typed.length) return shown.slice(typed.length);
                // Typed while nothing had streamed yet, and the answer went another way (or none came): ask for
                // where the cursor is now, or the user sees nothing until the next keystroke.
            }
            this.cancelInflight();
        }

        const delay = this.debouncer.delayFor(trigger, previousGap);
        if (delay > 0) {
            try { await this.sleep(delay, signal); } catch { return undefined; }
        }
        if (signal.aborted) return undefined;
        return this.request(doc, style, signal, trigger.at);
    }

    /** The user accepted `text` at `doc`'s cursor: prefetch the suggestion that follows it. */
    accepted(doc: CompletionDocument, text: string): void {
        const style = this.backend.promptStyle();
        if (style === undefined) return;
        const next: CompletionDocument = {...doc, text: doc.text.slice(0, doc.offset) + text + doc.text.slice(doc.offset), offset: doc.offset + text.length};
        this.cancelInflight();
        this.counters.prefetched++;
        void this.request(next, style, new AbortController().signal, this.now()).catch(() => undefined);
    }

    /** Forgets cached suggestions (another model answers differently). */
    clear(): void {
        this.cancelInflight();
        this.cache.clear();
    }

    dispose(): void {
        this.clear();
    }

    private async request(doc: CompletionDocument, style: PromptStyle, signal: AbortSignal, startedAt: number): Promise<string | undefined> {
        const controller = new AbortController();
        let reason: StopReason | undefined;
        const stop = (why: StopReason) => { reason ??= why; controller.abort(); };
        const window = fileWindow(doc.text, doc.offset, this.options.window ?? defaultWindow);
        let settle!: (text: string | undefined) => void;
        const entry: Running = {
            prefix: doc.text.slice(0, doc.offset), suffix: doc.text.slice(doc.offset), streamed: "", done: false,
            result: new Promise<string | undefined>((resolve) => { settle = resolve; }),
            abort: () => stop("cancel"), style, multiline: false, windowPrefix: window.prefix, id: ++this.counters.requests
        };
        this.inflight = entry;
        const ended = (text: string | undefined) => {
            entry.done = true;
            settle(text);
            if (this.inflight === entry) this.inflight = undefined;
            if (reason === "cancel") this.counters.cancelled++;
            const shown = text === undefined ? undefined : this.finish(text, entry, entry.prefix, entry.suffix, doc);
            if (shown !== undefined) this.cache.set({prefix: entry.prefix, suffix: entry.suffix}, shown);
        };
        let shape: Shape, context: string;
        try {
            const started = performance.now();
            [shape, context] = await Promise.all([this.backend.shape(doc, controller.signal), this.backend.context(doc, controller.signal)]);
            this.options.onPhase?.("context", performance.now() - started, entry.id);
        } catch (error) {
            ended(undefined);
            if (controller.signal.aborted) return undefined;
            throw error;
        }
        if (controller.signal.aborted) { ended(undefined); return undefined; }
        entry.multiline = shape === "multiline";
        const promptStarted = performance.now();
        const instruct = style === "instruct"
            ? buildInstructPrompt({languageId: doc.languageId, path: doc.displayPath, context, prefix: window.prefix, suffix: window.suffix})
            : undefined;
        // A single line ends at its newline. Where text follows the cursor, any newline stops it. At the end of a
        // line the model often breaks first and writes the line below, which post-processing keeps: the runtime
        // then stops at the first newline after text (stopAtLineEnd), and ends the request with its stats. An
        // engine that cannot stop there streams on, and the check below stops it here.
        const breakFirstUseless = lineAfterCursor(doc).trim() !== "";
        const stops = [...(instruct ? instructStops : []), ...(!entry.multiline && breakFirstUseless ? ["\n"] : [])];
        this.options.onPhase?.("prompt", performance.now() - promptStarted, entry.id);

        // Shown as soon as the answer is complete, or at the soft deadline if what streamed is worth showing, or,
        // when nothing was by then (a prompt slower than the deadline), as soon as something is.
        let showEarly!: (text: string | undefined) => void;
        const firstShown = new Promise<string | undefined>((resolve) => { showEarly = resolve; });
        let softPassed = false;
        const showIfWorth = () => { if (worthShowing(entry.streamed, entry.multiline)) showEarly(entry.streamed); };
        const soft = setTimeout(() => { softPassed = true; showIfWorth(); }, this.options.softDeadlineMs);
        // The hard deadline bounds generating, not reading the prompt: a prompt read to its end stays in the
        // runtime's KV cache, and the next keystroke's request starts from it.
        let hard: NodeJS.Timeout | undefined;
        const generation = this.backend.generate(
            {
                style, context, prefix: window.prefix, suffix: window.suffix, instruct, maxTokens: this.options.maxTokens, stop: stops,
                stopAtLineEnd: !entry.multiline && !breakFirstUseless
            },
            {
                signal: controller.signal,
                onText: (text) => {
                    hard ??= setTimeout(() => stop("deadline"), this.options.hardDeadlineMs);
                    entry.streamed += text;
                    // A multi-line answer that has left its block needs nothing more from the model.
                    if (entry.multiline && this.leftBlock(entry, doc)) stop("block");
                    else if (!entry.multiline && singleLineEnded(entry.streamed, breakFirstUseless)) stop("line");
                    else if (softPassed) showIfWorth();
                }
            }
        ).then(
            (text) => text,
            (error: unknown) => {
                // Stopped because the answer was complete enough: what streamed is the answer.
                if (reason === "deadline" || reason === "block" || reason === "line") return entry.streamed;
                if (controller.signal.aborted) return undefined;
                throw error;
            }
        ).finally(() => { clearTimeout(soft); clearTimeout(hard); });
        generation.then((text) => { ended(text); showEarly(text); }, () => { ended(undefined); showEarly(undefined); });

        const raw = await untilAborted(firstShown, signal);
        if (raw === undefined) return undefined;
        this.tracker.requestLatency(this.now() - startedAt);
        return this.finish(raw, entry, entry.prefix, entry.suffix, doc);
    }

    private finish(raw: string, entry: Running, prefix: string, suffix: string, doc: CompletionDocument): string | undefined {
        const started = performance.now();
        const code = entry.style === "instruct" ? parseInstructAnswer(raw, entry.windowPrefix) : raw;
        const shown = postprocess(code, {languageId: doc.languageId, prefix, suffix, multiline: entry.multiline, indentUnit: doc.indentUnit});
        this.options.onPhase?.("postprocess", performance.now() - started, entry.id);
        return shown;
    }

    /** Whether post-processing already cuts the streamed answer before its last complete line. */
    private leftBlock(entry: Running, doc: CompletionDocument): boolean {
        const lastBreak = entry.streamed.lastIndexOf("\n");
        if (lastBreak < 0) return false;
        const complete = entry.streamed.slice(0, lastBreak);
        const code = entry.style === "instruct" ? parseInstructAnswer(complete, entry.windowPrefix) : complete;
        const shown = this.finish(complete, entry, entry.prefix, entry.suffix, doc) ?? "";
        return shown.split("\n").length < code.replace(/\n+$/, "").split("\n").length;
    }

    private cancelInflight(): void {
        const running = this.inflight;
        this.inflight = undefined;
        running?.abort();
    }

    private now(): number {
        return this.options.now?.() ?? Date.now();
    }

    private sleep(ms: number, signal: AbortSignal): Promise<void> {
        if (this.options.sleep) return this.options.sleep(ms, signal);
        return new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => { signal.removeEventListener("abort", onAbort); resolve(); }, ms);
            const onAbort = () => { clearTimeout(timer); reject(new Error("cancelled")); };
            signal.addEventListener("abort", onAbort, {once: true});
        });
    }
}

function worthShowing(streamed: string, multiline: boolean): boolean {
    return streamed.trim() !== "" && (!multiline || streamed.includes("\n"));
}

/** `promise`'s value, or undefined as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T | undefined>, signal: AbortSignal): Promise<T | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve) => {
        const onAbort = () => resolve(undefined);
        signal.addEventListener("abort", onAbort, {once: true});
        promise.then((value) => { signal.removeEventListener("abort", onAbort); resolve(signal.aborted ? undefined : value); },
            () => { signal.removeEventListener("abort", onAbort); resolve(undefined); });
    });
}

function lineAfterCursor(doc: CompletionDocument): string {
    const end = doc.text.indexOf("\n", doc.offset);
    return doc.text.slice(doc.offset, end < 0 ? undefined : end);
}

/** Whether a single-line answer has its line: a newline after text, or any newline when one first is useless. */
export function singleLineEnded(streamed: string, breakFirstUseless: boolean): boolean {
    if (breakFirstUseless) return streamed.includes("\n");
    return /\S[^\n]*\n/.test(streamed);
}

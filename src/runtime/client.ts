// The extension's side of the runtime: spawns the child process, shakes hands, sends requests and streams
// their chunks back, cancels, and restarts the process with back-off when it dies or hangs. No vscode here; the
// adapter (src/editor/runtimeService.ts) turns its events into what the user sees.
//
// Recovery rules: a crashed process is restarted and loads the last model again, or tries once more the load
// it died under; if that reload fails the process stays up with no model (reported once through onReloadFailed)
// and any later load works. A process that sends nothing for `hangTimeoutMs` while it has work (a working host
// sends a heartbeat every second) is hung in a native call: it is killed and goes through the same crash path.
// A newer load cancels an older one.
import type {ChildProcess} from "node:child_process";
import type {Logger} from "../log";
import {Backoff, type BackoffOptions} from "./backoff";
import {CallbackMap} from "./callbackMap";
import {
    PROTOCOL_VERSION, RuntimeError, clientMessageProblem, hostMessageProblem, isHostMessage, paramsProblem,
    type ChatParams, type ClientMessage, type CompleteParams, type GenerationResult, type GenerationStats, type HostMessage, type LoadParams,
    type Method, type Methods, type ModelInfo, type RuntimeStatus, type TextChunk
} from "./protocol";
import {ReasoningSplitter, type SplitText} from "./reasoning";
import {spawnRuntime} from "./spawner";

export type RuntimeState = "stopped" | "starting" | "ready" | "restarting" | "failed" | "disposed";

export interface CrashInfo {
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    /** Set when the client killed a process that sent nothing for this long while it had work. */
    hungForMs?: number;
    /** The last lines the process wrote to stderr: often the native library's reason for an abort. */
    stderrTail: string[];
    willRestart: boolean;
    restartDelayMs?: number;
    /** Crashes since the runtime was last healthy for a while, this one included: 1 starts a new episode. */
    episodeCrashes: number;
}

/** A restarted process could not load the model it had before; it runs on with no model. */
export interface ReloadFailure {
    params: LoadParams;
    error: RuntimeError;
}

export interface RuntimeClientOptions {
    hostPath: string;
    log: Logger;
    env?: Record<string, string>;
    backoff?: Partial<BackoffOptions>;
    handshakeTimeoutMs?: number;
    /** Silence from the process this long while it has work means a native call hung (it beats every second). */
    hangTimeoutMs?: number;
}

export interface StreamOptions {
    signal?: AbortSignal;
    /** The answer's text as it streams (a chat answer's reasoning never comes here). */
    onText?(text: string): void;
    /** A chat answer's reasoning (Gemma 4's thought channel) as it streams; left out when not asked for. */
    onReasoning?(text: string): void;
    /** Which feature asked, for the usage counters (onRequestFinished); default: by method (complete → completion, chat → chat). */
    feature?: RequestFeature;
}

/** The features whose generations the token tax counts (src/usage). */
export type RequestFeature = "completion" | "chat" | "refactor" | "languageModel";

/**
 * A generation that ran to its end (not one cancelled or failed): what it cost, for the token tax. Also, through
 * onRequestCancelled, one its caller cancelled once it had started: what it had done by the stop.
 */
export interface FinishedRequest {
    method: "complete" | "chat";
    feature: RequestFeature;
    stats: GenerationStats;
}

export interface LoadOptions {
    signal?: AbortSignal;
    /** How much of the model has been read (0 to 1), where the engine can tell (the embedded one can). */
    onProgress?(fraction: number): void;
}

type Listener<T> = (value: T) => void;

const STDERR_TAIL_LINES = 20;
export const DEFAULT_HANG_TIMEOUT_MS = 30_000;

export class RuntimeClient {
    private child: ChildProcess | undefined;
    /** True once `child` has shaken hands: only then may requests be sent to it. */
    private live = false;
    private readonly callbacks = new CallbackMap();
    private readonly backoff: Backoff;
    private readonly hangTimeoutMs: number;
    private currentState: RuntimeState = "stopped";
    /** Settles when a process is up and has shaken hands; replaced at each (re)start. */
    private up: Promise<void> | undefined;
    /** A start scheduled after a crash: whoever waits on `up` meanwhile is settled by the launch that follows. */
    private scheduled: {resolve(): void, reject(error: Error): void} | undefined;
    /** The model reload after a restart; requests other than loads wait for it. Never rejects. */
    private reloading: Promise<void> | undefined;
    /** The parameters of the model the process has (or gets back after a restart). */
    private lastLoad: LoadParams | undefined;
    /** The load in flight (the user's or a reload); a newer load aborts it. */
    private loadController: AbortController | undefined;
    private stderrTail: string[] = [];
    private restartTimer: NodeJS.Timeout | undefined;
    /** Armed while requests are in flight, pushed back by every message from the process. */
    private hangTimer: NodeJS.Timeout | undefined;
    /** An error no restart can cure (a host speaking another protocol): the client goes straight to failed. */
    private fatal: RuntimeError | undefined;
    private readonly stateListeners = new Set<Listener<RuntimeState>>();
    private readonly crashListeners = new Set<Listener<CrashInfo>>();
    private readonly reloadFailedListeners = new Set<Listener<ReloadFailure>>();
    private readonly finishedListeners = new Set<Listener<FinishedRequest>>();
    private readonly cancelledListeners = new Set<Listener<FinishedRequest>>();
    /** Generations cancelled here whose late answer from the process is still to come (a few; oldest dropped). */
    private readonly cancelledGenerations = new Map<number, {method: "complete" | "chat", feature: RequestFeature}>();

    constructor(private readonly options: RuntimeClientOptions) {
        this.backoff = new Backoff(options.backoff);
        this.hangTimeoutMs = options.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS;
    }

    get state(): RuntimeState { return this.currentState; }
    get pid(): number | undefined { return this.child?.pid; }
    get inFlight(): number { return this.callbacks.size; }
    /** The model a restarted process would load again, if any. */
    get loadedParams(): LoadParams | undefined { return this.lastLoad; }

    onStateChange(listener: Listener<RuntimeState>): () => void {
        this.stateListeners.add(listener);
        return () => this.stateListeners.delete(listener);
    }

    onCrash(listener: Listener<CrashInfo>): () => void {
        this.crashListeners.add(listener);
        return () => this.crashListeners.delete(listener);
    }

    onReloadFailed(listener: Listener<ReloadFailure>): () => void {
        this.reloadFailedListeners.add(listener);
        return () => this.reloadFailedListeners.delete(listener);
    }

    /** Every complete and chat request that finished, whoever sent it: the one place the token tax is fed from. */
    onRequestFinished(listener: Listener<FinishedRequest>): () => void {
        this.finishedListeners.add(listener);
        return () => this.finishedListeners.delete(listener);
    }

    /**
     * Every complete and chat request its caller cancelled after the process started it, once the process has
     * stopped it: its prompt and what it generated by then (how much of the prompt the KV cache held, say). The
     * embedded engine reports these; llama-server, which gives its timings only at the end of a stream, does not.
     */
    onRequestCancelled(listener: Listener<FinishedRequest>): () => void {
        this.cancelledListeners.add(listener);
        return () => this.cancelledListeners.delete(listener);
    }

    /** Starts the process (once); later calls wait for the same start. A runtime that gave up stays down until restart() or load(). */
    start(): Promise<void> {
        if (this.currentState === "disposed") return Promise.reject(shutDown());
        return this.up ?? this.launchNow();
    }

    /** The user's explicit retry: forgets past crashes and starts a fresh process, loading the last model again. */
    async restart(): Promise<void> {
        if (this.currentState === "disposed") return this.start();
        const old = this.child;
        this.detach();
        old?.kill("SIGKILL");
        this.callbacks.rejectAll(new RuntimeError("cancelled", "The Hearth runtime is restarting."));
        this.backoff.reset();
        this.fatal = undefined;
        await this.launchNow();
        await this.reloading;
    }

    /**
     * Loads a model; the parameters are kept so a restarted process loads the same model again. A newer load
     * (or the signal) cancels this one. After the runtime gave up, an explicit load starts a fresh process.
     */
    async load(params: LoadParams, options: LoadOptions = {}): Promise<ModelInfo> {
        const controller = this.claimLoad();
        const forward = () => controller.abort();
        options.signal?.addEventListener("abort", forward, {once: true});
        if (options.signal?.aborted) controller.abort();
        try {
            if (this.currentState === "failed" && this.fatal === undefined) {
                this.options.log.info("Hearth runtime: starting a fresh process for a new model load.");
                this.lastLoad = undefined;
                this.backoff.reset();
                void this.launchNow().catch(() => {});
            }
            await this.whenUp(controller.signal, false);
            // The host frees the model it has before it reads another: whatever this load's outcome, the old one is gone.
            this.lastLoad = undefined;
            // The process may die under this load (for its own reasons or the model's): the restarted one tries it
            // once more, and a second crash is this load's failure, named by its file.
            for (let attempt = 1; ; attempt++) {
                try {
                    return await this.loadInProcess(params, controller, options.onProgress);
                } catch (error) {
                    if (controller.signal.aborted || !(error instanceof RuntimeError) || error.code !== "runtimeCrashed") throw error;
                    if (attempt === 2) throw new RuntimeError("runtimeCrashed", `The Hearth runtime stopped twice while loading ${params.modelPath}. ${error.message}`, params.modelPath);
                    this.options.log.warn(`Hearth runtime stopped while loading ${params.modelPath}; loading it again in the restarted runtime.`);
                    await this.whenUp(controller.signal, false);
                }
            }
        } finally {
            options.signal?.removeEventListener("abort", forward);
            this.releaseLoad(controller);
        }
    }

    complete(params: CompleteParams, options: StreamOptions = {}): Promise<GenerationResult> {
        return this.request("complete", params, options);
    }

    /** A chat answer: the text and its stream hold the answer alone; the reasoning goes to `onReasoning`. */
    async chat(params: ChatParams, options: StreamOptions = {}): Promise<GenerationResult> {
        const splitter = new ReasoningSplitter();
        let answer = "";
        const deliver = (split: SplitText) => {
            if (split.reasoning !== "") options.onReasoning?.(split.reasoning);
            if (split.answer !== "") { answer += split.answer; options.onText?.(split.answer); }
        };
        const result = await this.request("chat", params, {...options, onText: (text) => deliver(splitter.push(text))});
        deliver(splitter.flush());
        return {...result, text: answer};
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        return (await this.request("tokenCount", {texts})).counts;
    }

    status(): Promise<RuntimeStatus> {
        return this.request("status", {});
    }

    async request<M extends Method>(method: M, params: Methods[M]["params"], options: StreamOptions = {}): Promise<Methods[M]["result"]> {
        if (method === "load") return this.load(params as LoadParams, options) as Promise<Methods[M]["result"]>;
        // A request made while the process restarts waits for the new one (and its model) instead of failing.
        await this.whenUp(options.signal, true);
        const result = await this.dispatch(method, params, options);
        if (method === "complete" || method === "chat") {
            this.emit(this.finishedListeners, {method, feature: featureOf(method, options), stats: (result as GenerationResult).stats});
        }
        return result;
    }

    async dispose(): Promise<void> {
        if (this.currentState === "disposed") return;
        this.setState("disposed");
        const child = this.child;
        this.detach();
        this.scheduled?.reject(shutDown());
        this.scheduled = undefined;
        this.loadController?.abort();
        this.callbacks.rejectAll(shutDown());
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        if (child.connected) sendTo(child, {kind: "shutdown"}, this.options.log);
        const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 3000).unref());
        if (await Promise.race([exited, timeout]) === "timeout") {
            this.options.log.warn("Hearth runtime did not exit after shutdown; killing it.");
            child.kill("SIGKILL");
            await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())]);
        }
    }

    // ── Loads ─────────────────────────────────────────────────────────────────────────────────────────

    /** Makes a new load the current one, cancelling the one in flight (the user wants the newer model). */
    private claimLoad(): AbortController {
        const controller = new AbortController();
        const previous = this.loadController;
        this.loadController = controller;
        previous?.abort();
        return controller;
    }

    /** The load settled: with none newer in flight, a process still up is healthy (it has what it was asked for). */
    private releaseLoad(controller: AbortController): void {
        if (this.loadController !== controller) return;
        this.loadController = undefined;
        if (this.live) this.backoff.healthy();
    }

    private async loadInProcess(params: LoadParams, controller: AbortController, onProgress?: (fraction: number) => void): Promise<ModelInfo> {
        this.backoff.unhealthy();
        const info = await this.dispatch("load", params, {signal: controller.signal, onProgress});
        this.lastLoad = params;
        return info;
    }

    /** After a restart: load the model the process had. A failure leaves it up with no model, reported once. */
    private async reload(child: ChildProcess, params: LoadParams): Promise<void> {
        const controller = this.claimLoad();
        try {
            const info = await this.loadInProcess(params, controller);
            this.options.log.info(`Hearth runtime reloaded ${info.modelPath} after a restart.`);
        } catch (error) {
            // Superseded by a newer load, or the process died again (the crash path tells that story).
            if (controller.signal.aborted || child !== this.child) return;
            const failure = asRuntimeError(error);
            if (this.lastLoad === params) this.lastLoad = undefined;
            this.options.log.error(`Hearth runtime restarted but could not load ${params.modelPath} again: ${failure.message}`);
            this.emit(this.reloadFailedListeners, {params, error: failure});
        } finally {
            this.releaseLoad(controller);
        }
    }

    // ── Requests ──────────────────────────────────────────────────────────────────────────────────────

    /** Waits until a process is up (and, for requests needing the model, its reload is done), or the signal aborts. */
    private async whenUp(signal: AbortSignal | undefined, afterReload: boolean): Promise<void> {
        if (signal?.aborted) throw cancelled();
        const ready = (async () => {
            // A process that dies while we wait is replaced; wait for the replacement (give-up ends this loop).
            for (let attempt = 0; attempt < 3; attempt++) {
                await this.start();
                if (afterReload) await this.reloading;
                if (this.live) return;
            }
        })();
        if (signal === undefined) return ready;
        ready.catch(() => {});
        let onAbort: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
            onAbort = () => reject(cancelled());
            signal.addEventListener("abort", onAbort, {once: true});
        });
        try {
            await Promise.race([ready, aborted]);
        } finally {
            signal.removeEventListener("abort", onAbort!);
        }
    }

    /** Sends a request to the running process without waiting for readiness (the reload itself goes through it). */
    private dispatch<M extends Method>(method: M, params: Methods[M]["params"], options: StreamOptions & LoadOptions): Promise<Methods[M]["result"]> {
        const {signal, onText, onProgress} = options;
        if (signal?.aborted) return Promise.reject(cancelled());
        const child = this.child;
        if (child === undefined || !this.live)
            return Promise.reject(new RuntimeError("engineFailed", "The Hearth runtime is not running."));
        // The host drops a malformed message without an answer: refuse it here, at once, with the reason.
        const problem = clientMessageProblem({kind: "request", id: 0, method, params}) ?? paramsProblem(method, params);
        if (problem !== undefined) return Promise.reject(new RuntimeError("invalidRequest", `Malformed ${String(method)} request: ${problem}.`));

        return new Promise<Methods[M]["result"]>((resolve, reject) => {
            const onAbort = () => {
                this.send({kind: "cancel", id});
                if (method === "complete" || method === "chat") this.awaitLateAnswer(id, {method, feature: featureOf(method, options)});
                // The caller moves on at once; the host stops within one decode step, and its late answer goes to
                // onRequestCancelled, never to the caller.
                this.callbacks.reject(id, cancelled());
            };
            const settled = () => { signal?.removeEventListener("abort", onAbort); this.watchHang(); };
            const id = this.callbacks.add({
                method,
                resolve: (result) => { settled(); resolve(result as Methods[M]["result"]); },
                reject: (error) => { settled(); reject(error); },
                onChunk: onText ? (chunk: TextChunk) => this.guard("a stream callback", () => onText(chunk.text)) : undefined,
                onProgress: onProgress ? (fraction: number) => this.guard("a progress callback", () => onProgress(fraction)) : undefined
            });
            signal?.addEventListener("abort", onAbort, {once: true});
            try {
                child.send({kind: "request", id, method, params} satisfies ClientMessage, (error) => {
                    if (error) this.callbacks.reject(id, new RuntimeError("engineFailed", `The request could not be sent to the Hearth runtime: ${error.message}`));
                });
            } catch (error) {
                // Parameters that cannot be serialised are the caller's mistake; the process is fine.
                this.callbacks.reject(id, new RuntimeError("invalidRequest", `The ${method} request could not be sent: ${(error as Error).message}`));
                return;
            }
            this.watchHang();
        });
    }

    // ── Hang detection ────────────────────────────────────────────────────────────────────────────────

    /** Arms the hang timer while anything is in flight, disarms it when nothing is. */
    private watchHang(): void {
        if (this.callbacks.size === 0 || !this.live) {
            clearTimeout(this.hangTimer);
            this.hangTimer = undefined;
        } else if (this.hangTimer === undefined) {
            this.hangTimer = setTimeout(() => this.hung(), this.hangTimeoutMs);
            this.hangTimer.unref();
        }
    }

    private hung(): void {
        this.hangTimer = undefined;
        const child = this.child;
        if (child === undefined || this.callbacks.size === 0) return;
        this.options.log.error(`Hearth runtime (pid ${child.pid}) sent nothing for ${this.hangTimeoutMs} ms while working on ` +
            `${this.callbacks.methods().join(", ")}: a native call hung. Killing it.`);
        child.kill("SIGKILL");
        // Don't wait for the exit event: a process stuck in a driver call may take long to go.
        this.crashed(child, {exitCode: null, signal: null, hungForMs: this.hangTimeoutMs});
    }

    // ── Process life ──────────────────────────────────────────────────────────────────────────────────

    /** Launches a process now, settling whoever waited for a scheduled restart with its outcome. */
    private launchNow(): Promise<void> {
        clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        const launched = this.launch();
        launched.catch((error: Error) => this.options.log.error(`Hearth runtime start failed: ${error.message}`));
        const waiting = this.scheduled;
        this.scheduled = undefined;
        if (waiting) launched.then(waiting.resolve, waiting.reject);
        this.up = launched;
        return launched;
    }

    private async launch(): Promise<void> {
        this.setState(this.lastLoad === undefined ? "starting" : "restarting");
        this.stderrTail = [];
        const child = spawnRuntime({
            hostPath: this.options.hostPath,
            env: this.options.env,
            onStderr: (line) => {
                this.stderrTail.push(line);
                if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
                this.options.log.warn(`[runtime] ${line}`);
            }
        });
        this.child = child;
        this.live = false;
        child.on("message", (message) => this.guard("a runtime message", () => this.receive(child, message)));
        child.once("exit", (exitCode, signal) => this.guard("the runtime's exit", () => this.crashed(child, {exitCode, signal})));
        child.on("error", (error) => this.options.log.error(`Hearth runtime process error: ${error.message}`));

        await this.handshake(child);
        if (child !== this.child) throw new RuntimeError("cancelled", "The Hearth runtime was stopped while it started.");
        this.live = true;
        this.options.log.info(`Hearth runtime started (pid ${child.pid}).`);
        const params = this.lastLoad;
        // A load the user asked for while the process restarted is newer than the model it had: it wins.
        if (params === undefined || this.loadController !== undefined) {
            if (this.loadController === undefined) this.backoff.healthy();
            this.setState("ready");
            return;
        }
        const reloading = this.reload(child, params).then(() => {
            if (this.reloading === reloading) this.reloading = undefined;
            if (child === this.child && this.live) this.setState("ready");
        });
        this.reloading = reloading;
    }

    private handshake(child: ChildProcess): Promise<void> {
        const timeoutMs = this.options.handshakeTimeoutMs ?? 20_000;
        return new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => { cleanup(); child.kill("SIGKILL"); reject(new RuntimeError("timeout", `The Hearth runtime did not answer within ${timeoutMs} ms of starting.`)); }, timeoutMs);
            const onMessage = (message: unknown) => {
                if (!isHostMessage(message) || message.kind !== "hello") return;
                cleanup();
                if (message.version !== PROTOCOL_VERSION) {
                    this.fatal = new RuntimeError("protocolMismatch", `The Hearth runtime speaks protocol ${message.version}, the extension ${PROTOCOL_VERSION}. Reinstall the extension.`);
                    child.kill("SIGKILL");
                    reject(this.fatal);
                } else resolve();
            };
            const onExit = () => { cleanup(); reject(new RuntimeError("runtimeCrashed", `The Hearth runtime exited while starting.${this.tailText()}`)); };
            const cleanup = () => { clearTimeout(timer); child.off("message", onMessage); child.off("exit", onExit); };
            child.on("message", onMessage);
            child.once("exit", onExit);
            sendTo(child, {kind: "hello", version: PROTOCOL_VERSION}, this.options.log);
        });
    }

    private receive(child: ChildProcess, message: unknown): void {
        if (child !== this.child) return;
        // Any message at all says the process is alive.
        this.hangTimer?.refresh();
        const problem = hostMessageProblem(message);
        if (problem !== undefined || !isHostMessage(message)) {
            this.options.log.error(`Hearth runtime sent a malformed message (dropped): ${problem ?? "unknown shape"}: ${preview(message)}`);
            return;
        }
        const handlers: {[K in HostMessage["kind"]]: (m: Extract<HostMessage, {kind: K}>) => void} = {
            hello: () => {},
            heartbeat: () => {},
            chunk: (m) => this.callbacks.chunk(m.id, m.chunk),
            progress: (m) => this.callbacks.progress(m.id, m.progress),
            result: (m) => { if (!this.lateAnswer(m.id, m.result)) this.callbacks.resolve(m.id, m.result); },
            error: (m) => { if (!this.lateAnswer(m.id)) this.callbacks.reject(m.id, RuntimeError.fromData(m.error)); },
            log: (m) => this.options.log[m.level](`[runtime] ${m.message}`)
        };
        (handlers[message.kind] as (m: HostMessage) => void)(message);
    }

    private awaitLateAnswer(id: number, request: {method: "complete" | "chat", feature: RequestFeature}): void {
        this.cancelledGenerations.set(id, request);
        for (const old of this.cancelledGenerations.keys()) {
            if (this.cancelledGenerations.size <= maxAwaitedLateAnswers) break;
            this.cancelledGenerations.delete(old);
        }
    }

    /** Whether `id` is a cancelled generation's late answer; a result with its stats goes to onRequestCancelled. */
    private lateAnswer(id: number, result?: unknown): boolean {
        const request = this.cancelledGenerations.get(id);
        if (request === undefined) return false;
        this.cancelledGenerations.delete(id);
        const stats = (result as Partial<GenerationResult> | undefined)?.stats;
        if (stats !== undefined) this.emit(this.cancelledListeners, {...request, stats});
        return true;
    }

    /** The process died (or hung and was killed): fail what it had, then restart it with back-off or give up. */
    private crashed(child: ChildProcess, cause: {exitCode: number | null, signal: NodeJS.Signals | null, hungForMs?: number}): void {
        if (child !== this.child || this.currentState === "disposed") return;
        this.detach();
        const delay = this.fatal === undefined ? this.backoff.nextDelay() : undefined;
        const willRestart = delay !== undefined;
        const seconds = Math.round((cause.hungForMs ?? 0) / 1000);
        const how = cause.signal !== null ? `signal ${cause.signal}` : `exit code ${cause.exitCode}`;
        if (cause.hungForMs === undefined) this.options.log.error(`Hearth runtime stopped unexpectedly (${how}).${this.tailText()}`);
        const message = cause.hungForMs !== undefined
            ? `Hearth's runtime stopped responding for ${seconds} s while working; ${willRestart ? "it was restarted" : "it was stopped and will not be restarted automatically"}. See "Hearth: Show Runtime Log".`
            : `The Hearth runtime stopped unexpectedly (${how})${willRestart ? " and is restarting" : ""}. See "Hearth: Show Runtime Log".`;
        this.callbacks.rejectAll(new RuntimeError("runtimeCrashed", message));
        this.cancelledGenerations.clear();
        this.emit(this.crashListeners, {
            exitCode: cause.exitCode, signal: cause.signal, ...(cause.hungForMs !== undefined ? {hungForMs: cause.hungForMs} : {}),
            stderrTail: [...this.stderrTail], willRestart, restartDelayMs: delay, episodeCrashes: this.backoff.episodeCrashes
        });

        if (!willRestart) {
            this.setState("failed");
            this.up = Promise.reject(this.fatal ?? new RuntimeError("runtimeCrashed", "The Hearth runtime keeps stopping; it will not be restarted automatically. See \"Hearth: Show Runtime Log\"."));
            this.up.catch(() => {});
            return;
        }
        this.setState("restarting");
        this.up = new Promise<void>((resolve, reject) => { this.scheduled = {resolve, reject}; });
        this.up.catch(() => {});
        this.restartTimer = setTimeout(() => void this.launchNow().catch(() => {}), delay);
    }

    /** Forgets the current process (its late messages and exit are ignored from now on). */
    private detach(): void {
        this.child = undefined;
        this.live = false;
        this.reloading = undefined;
        clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        clearTimeout(this.hangTimer);
        this.hangTimer = undefined;
    }

    private send(message: ClientMessage): void {
        if (this.child?.connected) sendTo(this.child, message, this.options.log);
    }

    private setState(state: RuntimeState): void {
        if (state === this.currentState) return;
        this.currentState = state;
        this.emit(this.stateListeners, state);
    }

    /** Listeners are the adapter's code: one that throws must not break the client's bookkeeping. */
    private emit<T>(listeners: Set<Listener<T>>, value: T): void {
        for (const listener of [...listeners]) this.guard("a runtime listener", () => listener(value));
    }

    private guard(what: string, work: () => void): void {
        try {
            work();
        } catch (error) {
            this.options.log.error(`Hearth runtime client: ${what} threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        }
    }

    private tailText(): string {
        return this.stderrTail.length === 0 ? "" : ` Last output:\n${this.stderrTail.join("\n")}`;
    }
}

/** Sends without throwing: a channel that closed under us is the exit handler's business. */
function sendTo(child: ChildProcess, message: ClientMessage, log: Logger): void {
    try {
        child.send(message, (error) => { if (error) log.warn(`Hearth runtime: could not send ${message.kind}: ${error.message}`); });
    } catch (error) {
        log.warn(`Hearth runtime: could not send ${message.kind}: ${(error as Error).message}`);
    }
}

function asRuntimeError(error: unknown): RuntimeError {
    return error instanceof RuntimeError ? error : new RuntimeError("engineFailed", error instanceof Error ? error.message : String(error));
}

function preview(message: unknown): string {
    try {
        return String(JSON.stringify(message)).slice(0, 200);
    } catch {
        return String(message).slice(0, 200);
    }
}

/** Cancelled generations whose late answer is awaited: beyond this many, the oldest is forgotten. */
const maxAwaitedLateAnswers = 64;

function featureOf(method: "complete" | "chat", options: StreamOptions): RequestFeature {
    return options.feature ?? (method === "complete" ? "completion" : "chat");
}

function cancelled(): RuntimeError {
    return new RuntimeError("cancelled", "The request was cancelled.");
}

function shutDown(): RuntimeError {
    return new RuntimeError("cancelled", "The Hearth runtime was shut down.");
}

// The extension's side of the runtime: spawns the child process, shakes hands, sends requests and streams
// their chunks back, cancels, and restarts the process with back-off when it dies. No vscode here; the
// adapter (src/runtimeService.ts) turns its events into what the user sees.
import type {ChildProcess} from "node:child_process";
import type {Logger} from "../log";
import {Backoff, type BackoffOptions} from "./backoff";
import {CallbackMap} from "./callbackMap";
import {
    PROTOCOL_VERSION, RuntimeError, isHostMessage,
    type ChatParams, type ClientMessage, type CompleteParams, type GenerationResult, type HostMessage, type LoadParams,
    type Method, type Methods, type ModelInfo, type RuntimeStatus, type TextChunk
} from "./protocol";
import {spawnRuntime} from "./spawner";

export type RuntimeState = "stopped" | "starting" | "ready" | "restarting" | "failed" | "disposed";

export interface CrashInfo {
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    /** The last lines the process wrote to stderr: often the native library's reason for an abort. */
    stderrTail: string[];
    willRestart: boolean;
    restartDelayMs?: number;
}

export interface RuntimeClientOptions {
    hostPath: string;
    log: Logger;
    env?: Record<string, string>;
    backoff?: BackoffOptions;
    handshakeTimeoutMs?: number;
}

export interface StreamOptions {
    signal?: AbortSignal;
    onText?(text: string): void;
}

type Listener<T> = (value: T) => void;

const STDERR_TAIL_LINES = 20;

export class RuntimeClient {
    private child: ChildProcess | undefined;
    private readonly callbacks = new CallbackMap();
    private readonly backoff: Backoff;
    private currentState: RuntimeState = "stopped";
    /** Settles when the process is up, handshaken and (after a restart) has its model loaded again. */
    private ready: Promise<void> | undefined;
    private lastLoad: LoadParams | undefined;
    private stderrTail: string[] = [];
    private restartTimer: NodeJS.Timeout | undefined;
    /** An error no restart can cure (a host speaking another protocol): the client goes straight to failed. */
    private fatal: RuntimeError | undefined;
    private readonly stateListeners = new Set<Listener<RuntimeState>>();
    private readonly crashListeners = new Set<Listener<CrashInfo>>();

    constructor(private readonly options: RuntimeClientOptions) {
        this.backoff = new Backoff(options.backoff);
    }

    get state(): RuntimeState { return this.currentState; }
    get pid(): number | undefined { return this.child?.pid; }
    get inFlight(): number { return this.callbacks.size; }

    onStateChange(listener: Listener<RuntimeState>): () => void {
        this.stateListeners.add(listener);
        return () => this.stateListeners.delete(listener);
    }

    onCrash(listener: Listener<CrashInfo>): () => void {
        this.crashListeners.add(listener);
        return () => this.crashListeners.delete(listener);
    }

    /** Starts the process (once); later calls wait for the same start. A runtime that gave up stays down until restart(). */
    start(): Promise<void> {
        if (this.currentState === "disposed") return Promise.reject(new RuntimeError("engineFailed", "The Hearth runtime was shut down."));
        this.ready ??= this.launch();
        return this.ready;
    }

    /** The user's explicit retry: forgets past crashes and starts a fresh process (loading the last model again). */
    restart(): Promise<void> {
        if (this.currentState === "disposed") return this.start();
        clearTimeout(this.restartTimer);
        const old = this.child;
        this.child = undefined;
        old?.kill("SIGKILL");
        this.callbacks.rejectAll(new RuntimeError("cancelled", "The Hearth runtime is restarting."));
        this.backoff.reset();
        this.fatal = undefined;
        this.ready = this.launch();
        return this.ready;
    }

    /** Loads a model; the parameters are kept so a restarted process loads the same model again. */
    async load(params: LoadParams): Promise<ModelInfo> {
        const info = await this.request("load", params);
        this.lastLoad = params;
        return info;
    }

    complete(params: CompleteParams, options: StreamOptions = {}): Promise<GenerationResult> {
        return this.request("complete", params, options);
    }

    chat(params: ChatParams, options: StreamOptions = {}): Promise<GenerationResult> {
        return this.request("chat", params, options);
    }

    async tokenCount(texts: string[]): Promise<number[]> {
        return (await this.request("tokenCount", {texts})).counts;
    }

    status(): Promise<RuntimeStatus> {
        return this.request("status", {});
    }

    async request<M extends Method>(method: M, params: Methods[M]["params"], options: StreamOptions = {}): Promise<Methods[M]["result"]> {
        if (options.signal?.aborted) throw cancelled();
        await this.start();
        return this.dispatch(method, params, options);
    }

    /** Sends a request to a running process without waiting for readiness (launch() itself reloads through it). */
    private dispatch<M extends Method>(method: M, params: Methods[M]["params"], options: StreamOptions): Promise<Methods[M]["result"]> {
        const {signal, onText} = options;
        if (signal?.aborted) return Promise.reject(cancelled());
        const child = this.child;
        if (child === undefined || this.currentState !== "ready")
            return Promise.reject(new RuntimeError("engineFailed", "The Hearth runtime is not running."));

        return new Promise<Methods[M]["result"]>((resolve, reject) => {
            const onAbort = () => {
                this.send({kind: "cancel", id});
                // The caller moves on at once; the host stops within one decode step and its late answer is dropped.
                this.callbacks.reject(id, cancelled());
            };
            const id = this.callbacks.add({
                method,
                resolve: (result) => { signal?.removeEventListener("abort", onAbort); resolve(result as Methods[M]["result"]); },
                reject: (error) => { signal?.removeEventListener("abort", onAbort); reject(error); },
                onChunk: onText ? (chunk: TextChunk) => onText(chunk.text) : undefined
            });
            signal?.addEventListener("abort", onAbort, {once: true});
            this.send({kind: "request", id, method, params});
        });
    }

    async dispose(): Promise<void> {
        if (this.currentState === "disposed") return;
        this.setState("disposed");
        clearTimeout(this.restartTimer);
        this.callbacks.rejectAll(new RuntimeError("cancelled", "The Hearth runtime was shut down."));
        const child = this.child;
        this.child = undefined;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        if (child.connected) child.send({kind: "shutdown"} satisfies ClientMessage);
        const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 3000).unref());
        if (await Promise.race([exited, timeout]) === "timeout") {
            this.options.log.warn("Hearth runtime did not exit after shutdown; killing it.");
            child.kill("SIGKILL");
            await exited;
        }
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
        child.on("message", (message) => this.receive(child, message));
        child.once("exit", (code, signal) => this.exited(child, code, signal));
        child.once("error", (error) => this.options.log.error(`Hearth runtime process error: ${error.message}`));

        await this.handshake(child);
        this.options.log.info(`Hearth runtime started (pid ${child.pid}).`);
        this.setState("ready");
        if (this.lastLoad !== undefined) {
            const info = await this.dispatch("load", this.lastLoad, {});
            this.options.log.info(`Hearth runtime reloaded ${info.modelPath} after a restart.`);
        }
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
            child.send({kind: "hello", version: PROTOCOL_VERSION} satisfies ClientMessage);
        });
    }

    private receive(child: ChildProcess, message: unknown): void {
        if (child !== this.child) return;
        if (!isHostMessage(message)) {
            this.options.log.error(`Hearth runtime sent a malformed message: ${JSON.stringify(message)?.slice(0, 200)}`);
            return;
        }
        const handlers: {[K in HostMessage["kind"]]: (m: Extract<HostMessage, {kind: K}>) => void} = {
            hello: () => {},
            chunk: (m) => this.callbacks.chunk(m.id, m.chunk),
            result: (m) => this.callbacks.resolve(m.id, m.result),
            error: (m) => this.callbacks.reject(m.id, RuntimeError.fromData(m.error)),
            log: (m) => this.options.log[m.level](`[runtime] ${m.message}`)
        };
        (handlers[message.kind] as (m: HostMessage) => void)(message);
    }

    private exited(child: ChildProcess, exitCode: number | null, signal: NodeJS.Signals | null): void {
        if (child !== this.child || this.currentState === "disposed") return;
        this.child = undefined;
        const how = signal !== null ? `signal ${signal}` : `exit code ${exitCode}`;
        const delay = this.fatal === undefined ? this.backoff.nextDelay() : undefined;
        const willRestart = delay !== undefined;
        this.options.log.error(`Hearth runtime stopped unexpectedly (${how}).${this.tailText()}`);
        this.callbacks.rejectAll(new RuntimeError("runtimeCrashed",
            `The Hearth runtime stopped unexpectedly (${how})${willRestart ? " and is restarting" : ""}. See "Hearth: Show Runtime Log".`));
        this.crashListeners.forEach((listener) => listener({exitCode, signal, stderrTail: [...this.stderrTail], willRestart, restartDelayMs: delay}));

        if (!willRestart) {
            this.setState("failed");
            this.ready = Promise.reject(this.fatal ?? new RuntimeError("runtimeCrashed", "The Hearth runtime keeps stopping; it will not be restarted automatically. See \"Hearth: Show Runtime Log\"."));
            this.ready.catch(() => {});
            return;
        }
        this.setState("restarting");
        this.ready = new Promise<void>((resolve, reject) => {
            this.restartTimer = setTimeout(() => { this.launch().then(resolve, reject); }, delay);
        });
        this.ready.catch((error: Error) => this.options.log.error(`Hearth runtime restart failed: ${error.message}`));
    }

    private send(message: ClientMessage): void {
        if (this.child?.connected) this.child.send(message);
    }

    private setState(state: RuntimeState): void {
        if (state === this.currentState) return;
        this.currentState = state;
        this.stateListeners.forEach((listener) => listener(state));
    }

    private tailText(): string {
        return this.stderrTail.length === 0 ? "" : ` Last output:\n${this.stderrTail.join("\n")}`;
    }
}

function cancelled(): RuntimeError {
    return new RuntimeError("cancelled", "The request was cancelled.");
}

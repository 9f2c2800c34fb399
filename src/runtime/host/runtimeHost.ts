// The runtime process's message loop, apart from the process itself so it can be driven directly. Every
// message is checked field by field first (a malformed one is logged and dropped; bad parameters are answered
// invalidRequest), then each request goes where its method says: generation and token counts to the one
// scheduler (scheduler.ts) at their method's priority, loads to the engine slot (engineSlot.ts: serialised,
// newest wins). While anything is in progress the host sends a heartbeat every HEARTBEAT_INTERVAL_MS.
import {
    PROTOCOL_VERSION, RuntimeError, clientMessageProblem, paramsProblem,
    type ClientMessage, type GenerationResult, type HostMessage, type LoadParams, type MachineInfo, type Method, type Methods
} from "../protocol";
import type {Engine, EngineFactory, GenerationControl} from "./engines/types";
import {EngineSlot} from "./engineSlot";
import {Heartbeat} from "./heartbeat";
import {Scheduler, type Priority} from "./scheduler";

type ScheduledMethod = "complete" | "chat" | "tokenCount";

/** Each scheduled request's priority comes from what it is: the editor cannot ask for another. */
export const METHOD_PRIORITY: Record<ScheduledMethod, Priority> = {
    complete: "completion",
    chat: "interactive",
    tokenCount: "background"
};

type Log = (level: "info" | "warn" | "error", message: string) => void;

export interface RuntimeHostOptions {
    heartbeatIntervalMs?: number;
}

export class RuntimeHost {
    private readonly scheduler = new Scheduler();
    private readonly slot: EngineSlot;
    /** Every request received and not yet answered, with what cancels it. */
    private readonly inFlight = new Map<number, {cancel(): void}>();
    private readonly heartbeat: Heartbeat;
    private shuttingDown = false;

    constructor(
        private readonly send: (message: HostMessage) => void,
        createEngine: EngineFactory,
        private readonly exit: (code: number) => void,
        private readonly describeMachine: (gpu: LoadParams["gpu"]) => Promise<MachineInfo>,
        options: RuntimeHostOptions = {}
    ) {
        const log: Log = (level, message) => this.log(level, message);
        this.slot = new EngineSlot(createEngine, (reason) => {
            this.scheduler.cancelAll(reason);
            return this.scheduler.idle();
        }, log);
        this.heartbeat = new Heartbeat((busy) => this.send({kind: "heartbeat", busy}), () => this.inFlight.size, options.heartbeatIntervalMs);
    }

    /** Handles one IPC payload. Never throws: whatever goes wrong is logged or answered as an error. */
    receive(message: unknown): void {
        const problem = clientMessageProblem(message);
        if (problem !== undefined) {
            this.log("warn", `ignored a malformed message (${problem}): ${preview(message)}`);
            return;
        }
        try {
            this.handle(message as ClientMessage);
        } catch (error) {
            this.log("error", `handling a ${(message as ClientMessage).kind} message failed: ${describe(error)}`);
        }
    }

    private handle(message: ClientMessage): void {
        switch (message.kind) {
            case "hello":
                this.send({kind: "hello", version: PROTOCOL_VERSION, pid: process.pid});
                return;
            case "cancel":
                this.inFlight.get(message.id)?.cancel();
                return;
            case "shutdown":
                void this.shutdown();
                return;
            case "request":
                this.accept(message.id, message.method, message.params);
                return;
        }
    }

    private accept(id: number, method: Method, params: unknown): void {
        if (this.inFlight.has(id)) {
            this.log("warn", `ignored a second request with id ${id} (${method}) while the first is in progress`);
            return;
        }
        const problem = paramsProblem(method, params);
        if (problem !== undefined) {
            this.log("warn", `refused a malformed ${method} request ${id}: ${problem}`);
            this.send({kind: "error", id, error: new RuntimeError("invalidRequest", `Malformed ${method} request: ${problem}.`).toData()});
            return;
        }
        if (this.shuttingDown) {
            this.send({kind: "error", id, error: new RuntimeError("cancelled", "The runtime is shutting down.").toData()});
            return;
        }
        void this.serve(id, this.start(id, method, params));
    }

    /** Starts a well-formed request; registers how to cancel it before anything can settle. */
    private start(id: number, method: Method, params: unknown): Promise<unknown> {
        switch (method) {
            case "load": {
                const cancel = new AbortController();
                this.inFlight.set(id, {cancel: () => cancel.abort()});
                // Progress in whole percents: a few dozen messages for a load, however often the engine reports.
                let sent = -1;
                const onProgress = (fraction: number) => {
                    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
                    if (percent > sent) { sent = percent; this.send({kind: "progress", id, progress: percent / 100}); }
                };
                return this.slot.load(params as LoadParams, cancel.signal, onProgress).then((engine) => engine.info);
            }
            case "complete":
                return this.generate(id, "complete", (engine, control) => engine.complete(params as Methods["complete"]["params"], control));
            case "chat":
                return this.generate(id, "chat", (engine, control) => engine.chat(params as Methods["chat"]["params"], control));
            case "tokenCount":
                return this.scheduled(id, "tokenCount", async () =>
                    ({counts: await this.loadedEngine().tokenCount((params as Methods["tokenCount"]["params"]).texts)}));
            case "status":
                this.inFlight.set(id, {cancel: () => {}});
                return Promise.resolve().then(() => this.loadedEngine().status());
            case "machine":
                this.inFlight.set(id, {cancel: () => {}});
                return this.describeMachine((params as Methods["machine"]["params"]).gpu);
        }
    }

    private async serve(id: number, work: Promise<unknown>): Promise<void> {
        this.heartbeat.update();
        try {
            const result = await work;
            this.send({kind: "result", id, result});
        } catch (error) {
            this.send({kind: "error", id, error: toRuntimeError(error).toData()});
        } finally {
            this.inFlight.delete(id);
            this.heartbeat.update();
        }
    }

    private scheduled<T>(id: number, method: ScheduledMethod, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
        const task = this.scheduler.schedule(METHOD_PRIORITY[method], work);
        this.inFlight.set(id, task);
        return task.result;
    }

    /** A streamed generation: text decoded within one event-loop turn goes out as one chunk (fewer IPC messages, no added latency). */
    private generate(id: number, method: "complete" | "chat", run: (engine: Engine, control: GenerationControl) => Promise<GenerationResult>): Promise<GenerationResult> {
        return this.scheduled(id, method, async (signal) => {
            const engine = this.loadedEngine();
            let pending = "";
            let flushScheduled = false;
            const flush = () => {
                flushScheduled = false;
                if (pending !== "" && !signal.aborted) this.send({kind: "chunk", id, chunk: {text: pending}});
                pending = "";
            };
            let result: GenerationResult;
            try {
                result = await run(engine, {
                    signal,
                    onText: (text) => {
                        pending += text;
                        if (!flushScheduled) { flushScheduled = true; setImmediate(flush); }
                    }
                });
            } catch (error) {
                pending = "";
                throw error;
            }
            // The result carries this text, so its stream must too, even when a cancel raced the last token.
            if (pending !== "") this.send({kind: "chunk", id, chunk: {text: pending}});
            pending = "";
            return result;
        });
    }

    private loadedEngine(): Engine {
        const engine = this.slot.current;
        if (engine === undefined)
            throw new RuntimeError("modelNotLoaded", this.slot.loading ? "The model is still loading." : "No model is loaded yet.");
        return engine;
    }

    private async shutdown(): Promise<void> {
        if (this.shuttingDown) return;
        this.shuttingDown = true;
        try {
            const unloaded = this.slot.dispose();
            await this.scheduler.dispose();
            await unloaded;
        } catch (error) {
            this.log("warn", `shutting down: ${describe(error)}`);
        }
        this.heartbeat.stop();
        this.exit(0);
    }

    private log(level: "info" | "warn" | "error", message: string): void {
        this.send({kind: "log", level, message});
    }
}

function toRuntimeError(error: unknown): RuntimeError {
    if (error instanceof RuntimeError) return error;
    if (error instanceof Error && error.name === "AbortError") return new RuntimeError("cancelled", "The request was cancelled.");
    return new RuntimeError("engineFailed", describe(error));
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

function preview(message: unknown): string {
    try {
        return (JSON.stringify(message) ?? String(message)).slice(0, 200);
    } catch {
        return String(message).slice(0, 200);
    }
}

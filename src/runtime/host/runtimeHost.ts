// The runtime process's message loop, apart from the process itself so it can be driven directly.
// Completions and chat run in separate lanes: a new completion supersedes the one in flight (the user typed
// on), chat requests queue behind each other, and neither lane ever waits for the other.
import {
    PROTOCOL_VERSION, RuntimeError, isClientMessage,
    type ClientMessage, type HostMessage, type LoadParams, type MachineInfo, type Methods
} from "../protocol";
import type {Engine, EngineFactory, GenerationControl} from "./engines/types";

type Lane = "completion" | "chat";

interface Running {
    controller: AbortController;
    done: Promise<void>;
}

export class RuntimeHost {
    private engine: Engine | undefined;
    private loading: Promise<Engine> | undefined;
    private readonly requests = new Map<number, AbortController>();
    private readonly laneTail = new Map<Lane, Running>();

    constructor(
        private readonly send: (message: HostMessage) => void,
        private readonly createEngine: EngineFactory,
        private readonly exit: (code: number) => void,
        private readonly describeMachine: (gpu: LoadParams["gpu"]) => Promise<MachineInfo>
    ) {}

    receive(message: unknown): void {
        if (!isClientMessage(message)) {
            this.log("warn", `ignored a malformed message: ${JSON.stringify(message)?.slice(0, 200)}`);
            return;
        }
        this.handle(message);
    }

    private handle(message: ClientMessage): void {
        switch (message.kind) {
            case "hello":
                this.send({kind: "hello", version: PROTOCOL_VERSION, pid: process.pid});
                return;
            case "cancel":
                this.requests.get(message.id)?.abort();
                return;
            case "shutdown":
                void this.shutdown();
                return;
            case "request":
                void this.serve(message.id, message.method, message.params);
                return;
        }
    }

    private async serve(id: number, method: keyof Methods, params: unknown): Promise<void> {
        try {
            const result = await this.call(id, method, params);
            this.send({kind: "result", id, result});
        } catch (error) {
            this.send({kind: "error", id, error: toRuntimeError(error).toData()});
        } finally {
            this.requests.delete(id);
        }
    }

    private async call(id: number, method: keyof Methods, params: unknown): Promise<unknown> {
        switch (method) {
            case "load":
                return (await this.load(params as LoadParams)).info;
            case "complete":
                return this.inLane("completion", id, (engine, control) => engine.complete(params as Methods["complete"]["params"], control));
            case "chat":
                return this.inLane("chat", id, (engine, control) => engine.chat(params as Methods["chat"]["params"], control));
            case "tokenCount":
                return {counts: await this.loadedEngine().tokenCount((params as Methods["tokenCount"]["params"]).texts)};
            case "status":
                return this.loadedEngine().status();
            case "machine":
                return this.describeMachine((params as Methods["machine"]["params"]).gpu);
            default:
                throw new RuntimeError("invalidRequest", `Unknown method "${String(method)}".`);
        }
    }

    private async load(params: LoadParams): Promise<Engine> {
        // A new load supersedes the old engine: abort everything it runs and free its memory first.
        for (const controller of this.requests.values()) controller.abort();
        await Promise.all([...this.laneTail.values()].map((running) => running.done));
        const previous = this.engine;
        this.engine = undefined;
        await previous?.dispose();
        this.loading = this.createEngine(params, (level, message) => this.log(level, message));
        try {
            this.engine = await this.loading;
            this.log("info", `loaded ${params.modelPath} on the ${this.engine.info.engine} engine, drafter: ${this.engine.info.drafter}`);
            return this.engine;
        } finally {
            this.loading = undefined;
        }
    }

    private loadedEngine(): Engine {
        if (this.engine === undefined)
            throw new RuntimeError("modelNotLoaded", this.loading ? "The model is still loading." : "No model is loaded yet.");
        return this.engine;
    }

    /** Runs `work` in its lane: completion supersedes what runs there, chat queues behind it. */
    private async inLane<T>(lane: Lane, id: number, work: (engine: Engine, control: GenerationControl) => Promise<T>): Promise<T> {
        const controller = new AbortController();
        this.requests.set(id, controller);
        const previous = this.laneTail.get(lane);
        if (lane === "completion") previous?.controller.abort();

        let finish!: () => void;
        const running: Running = {controller, done: new Promise<void>((resolve) => { finish = resolve; })};
        this.laneTail.set(lane, running);
        // Text decoded within one event-loop turn goes out as one chunk: fewer IPC messages, no added latency.
        let pending = "";
        let flushScheduled = false;
        const flush = () => {
            flushScheduled = false;
            if (pending !== "" && !controller.signal.aborted) this.send({kind: "chunk", id, chunk: {text: pending}});
            pending = "";
        };
        try {
            await previous?.done;
            if (controller.signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
            const engine = this.loadedEngine();
            return await work(engine, {
                signal: controller.signal,
                onText: (text) => {
                    pending += text;
                    if (!flushScheduled) { flushScheduled = true; setImmediate(flush); }
                }
            });
        } finally {
            flush();
            finish();
            if (this.laneTail.get(lane) === running) this.laneTail.delete(lane);
        }
    }

    private async shutdown(): Promise<void> {
        for (const controller of this.requests.values()) controller.abort();
        try {
            await this.engine?.dispose();
        } catch (error) {
            this.log("warn", `engine dispose failed: ${(error as Error).message}`);
        }
        this.exit(0);
    }

    private log(level: "info" | "warn" | "error", message: string): void {
        this.send({kind: "log", level, message});
    }
}

function toRuntimeError(error: unknown): RuntimeError {
    if (error instanceof RuntimeError) return error;
    if (error instanceof Error && error.name === "AbortError") return new RuntimeError("cancelled", "The request was cancelled.");
    return new RuntimeError("engineFailed", error instanceof Error ? error.message : String(error));
}

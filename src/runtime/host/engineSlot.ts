// The one engine the runtime serves, and the loads that replace it. Loads run one at a time and the newest wins:
// a load that arrives while another runs aborts it and waits until it has settled, so two models never sit in
// memory together, and whatever engine loses (a superseded load that finished anyway) is disposed — for
// llama-server, its child process ends. A superseded load answers "cancelled", whatever its late outcome, and
// never touches the engine the newer load installed.
import {RuntimeError, type LoadParams} from "../protocol";
import type {Engine, EngineFactory} from "./engines/types";

type Log = Parameters<EngineFactory>[1];

export class EngineSlot {
    private engine: Engine | undefined;
    private latest: AbortController | undefined;
    /** Settles when the last load begun has finished, its loser disposed. */
    private tail: Promise<void> = Promise.resolve();

    constructor(
        private readonly createEngine: EngineFactory,
        /** Stops the work running on the current engine; resolves once it has stopped. */
        private readonly stopWork: (reason: string) => Promise<void>,
        private readonly log: Log
    ) {}

    get current(): Engine | undefined {
        return this.engine;
    }

    get loading(): boolean {
        return this.latest !== undefined;
    }

    /** Loads `params` in place of the current engine; `signal` is the client's cancel for this load. */
    async load(params: LoadParams, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<Engine> {
        const controller = new AbortController();
        const onCancel = () => controller.abort(new RuntimeError("cancelled", `The load of ${params.modelPath} was cancelled.`));
        if (signal.aborted) onCancel();
        signal.addEventListener("abort", onCancel, {once: true});
        this.latest?.abort(new RuntimeError("cancelled", `The load was superseded by a newer one (${params.modelPath}).`));
        this.latest = controller;

        // The old model stops serving and its memory is freed before another model is read.
        const previous = this.engine;
        this.engine = undefined;
        const before = this.tail;
        let settled!: () => void;
        this.tail = new Promise((resolve) => { settled = resolve; });
        const stopped = this.stopWork("A new model is loading.");
        try {
            await before;
            await stopped;
            if (previous) await this.disposeQuietly(previous, "the previous engine");
            controller.signal.throwIfAborted();
            const engine = await this.createEngine(params, this.log, controller.signal, (fraction) => { if (!controller.signal.aborted) onProgress?.(fraction); });
            if (controller.signal.aborted) {
                await this.disposeQuietly(engine, `the superseded engine for ${params.modelPath}`);
                controller.signal.throwIfAborted();
            }
            this.engine = engine;
            this.log("info", `loaded ${params.modelPath} on the ${engine.info.engine} engine, drafter: ${engine.info.drafter}`);
            return engine;
        } catch (error) {
            if (!controller.signal.aborted) throw error;
            // Whatever a superseded or cancelled load ran into, its answer is the cancel, not a failure to show.
            if (error !== controller.signal.reason) this.log("info", `the cancelled load of ${params.modelPath} ended with: ${describe(error)}`);
            throw controller.signal.reason;
        } finally {
            signal.removeEventListener("abort", onCancel);
            if (this.latest === controller) this.latest = undefined;
            settled();
        }
    }

    /** Aborts any load and the engine's work at once, waits for them, and disposes the engine (shutdown). */
    async dispose(): Promise<void> {
        this.latest?.abort(new RuntimeError("cancelled", "The runtime is shutting down."));
        const stopped = this.stopWork("The runtime is shutting down.");
        await this.tail;
        await stopped;
        const engine = this.engine;
        this.engine = undefined;
        if (engine) await this.disposeQuietly(engine, "the engine");
    }

    private async disposeQuietly(engine: Engine, what: string): Promise<void> {
        try {
            await engine.dispose();
        } catch (error) {
            this.log("warn", `disposing ${what} failed: ${describe(error)}`);
        }
    }
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

// The one place that decides what runs in the runtime process, and when. Each priority is a lane that runs one
// job at a time; lanes run side by side, since the engines serve completions and chat on separate sequences
// (slots), so a completion never waits behind a long chat answer:
//   completion   the newest supersedes the rest at once: waiting ones are dropped, the running one is aborted
//                (the next starts when it has stopped, within one decode step, so a sequence serves one at a time)
//   interactive  chat and refactors: first in, first out, never cancelled by a completion
//   background   token counts, pre-warming: first in, first out, and only while no completion runs or waits
// Engines only generate: they never queue or cancel on their own.
import {RuntimeError} from "../protocol";

export type Priority = "completion" | "interactive" | "background";

export interface Task<T> {
    readonly priority: Priority;
    /** Settles with the work's own outcome, or rejects with RuntimeError("cancelled") if it never started. */
    readonly result: Promise<T>;
    /** Drops the task if it waits; aborts its signal if it runs (the work decides how it ends). */
    cancel(reason?: string): void;
}

export type Work<T> = (signal: AbortSignal) => Promise<T>;

interface Policy {
    /** A new job of this priority cancels every other job of it. */
    supersedes: boolean;
    /** Lanes that must be empty (nothing running, nothing waiting) before a job of this priority starts. */
    yieldsTo: readonly Priority[];
}

const POLICIES: Record<Priority, Policy> = {
    completion: {supersedes: true, yieldsTo: []},
    interactive: {supersedes: false, yieldsTo: []},
    background: {supersedes: false, yieldsTo: ["completion"]}
};

const PRIORITIES = Object.keys(POLICIES) as Priority[];

interface Job {
    readonly priority: Priority;
    readonly controller: AbortController;
    start(): void;
    drop(reason: string): void;
}

export class Scheduler {
    private readonly waiting: Record<Priority, Job[]> = {completion: [], interactive: [], background: []};
    private readonly running = new Map<Priority, Job>();
    private idleWaiters: Array<() => void> = [];
    private closedReason: string | undefined;

    /** Jobs waiting or running. */
    get size(): number {
        return this.running.size + PRIORITIES.reduce((total, priority) => total + this.waiting[priority].length, 0);
    }

    schedule<T>(priority: Priority, work: Work<T>): Task<T> {
        const controller = new AbortController();
        let resolve!: (value: T) => void, reject!: (error: unknown) => void;
        const result = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
        let state: "waiting" | "running" | "done" = "waiting";
        const job: Job = {
            priority,
            controller,
            start: () => {
                state = "running";
                this.running.set(priority, job);
                let outcome: Promise<T>;
                try {
                    outcome = work(controller.signal);
                } catch (error) {
                    outcome = Promise.reject(error);
                }
                outcome.then(resolve, reject).finally(() => {
                    state = "done";
                    this.running.delete(priority);
                    this.pump();
                });
            },
            drop: (reason) => {
                state = "done";
                reject(new RuntimeError("cancelled", reason));
            }
        };
        const cancel = (reason = "The request was cancelled."): void => {
            if (state === "waiting") {
                this.waiting[priority].splice(this.waiting[priority].indexOf(job), 1);
                job.drop(reason);
                this.pump();
            } else if (state === "running") {
                controller.abort(new RuntimeError("cancelled", reason));
            }
        };

        if (this.closedReason !== undefined) {
            job.drop(this.closedReason);
            return {priority, result, cancel};
        }
        if (POLICIES[priority].supersedes) this.cancelLane(priority, "Superseded by a newer request.");
        this.waiting[priority].push(job);
        this.pump();
        return {priority, result, cancel};
    }

    /** Drops every waiting job and aborts every running one (a new model is loading, or the runtime stops). */
    cancelAll(reason: string): void {
        for (const priority of PRIORITIES) this.cancelLane(priority, reason);
        this.notifyIdle();
    }

    /** Resolves once nothing waits or runs. */
    idle(): Promise<void> {
        if (this.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.idleWaiters.push(resolve));
    }

    /** Cancels everything, refuses new work, and resolves once the running jobs have stopped. */
    dispose(reason = "The runtime is shutting down."): Promise<void> {
        this.closedReason = reason;
        this.cancelAll(reason);
        return this.idle();
    }

    private cancelLane(priority: Priority, reason: string): void {
        for (const job of this.waiting[priority].splice(0)) job.drop(reason);
        this.running.get(priority)?.controller.abort(new RuntimeError("cancelled", reason));
    }

    /** Starts, in each lane, the first waiting job whose turn it is. */
    private pump(): void {
        for (const priority of PRIORITIES) {
            const next = this.waiting[priority][0];
            if (next === undefined || this.running.has(priority)) continue;
            if (POLICIES[priority].yieldsTo.some((other) => this.running.has(other) || this.waiting[other].length > 0)) continue;
            this.waiting[priority].shift();
            next.start();
        }
        this.notifyIdle();
    }

    private notifyIdle(): void {
        if (this.size !== 0) return;
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const waiter of waiters) waiter();
    }
}

// Cancelling retrieval that runs in the index worker. A retrieval runs synchronously once it has the document,
// so a message posted to the worker would be read only after it finished. Instead the request carries a shared
// flag (a SharedArrayBuffer is shared, not copied, by postMessage): the caller sets it when the request is
// superseded, and the worker sees it at its next check, in the middle of a source's loop.

/** The request was superseded: its result would not be used. */
export class CancelledError extends Error {
    constructor() {
        super("cancelled");
        this.name = "CancelledError";
    }
}

/** A flag that is set when `signal` aborts (set already if it has); undefined without a signal. */
export function cancelFlag(signal: AbortSignal | undefined): SharedArrayBuffer | undefined {
    if (!signal) return undefined;
    const flag = new SharedArrayBuffer(4);
    const set = (): void => { Atomics.store(new Int32Array(flag), 0, 1); };
    if (signal.aborted) set();
    else signal.addEventListener("abort", set, {once: true});
    return flag;
}

/** Whether the flag has been set; never for no flag. */
export function isCancelled(flag: SharedArrayBuffer | undefined): boolean {
    return flag !== undefined && Atomics.load(new Int32Array(flag), 0) !== 0;
}

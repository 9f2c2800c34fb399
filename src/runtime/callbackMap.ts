// Requests in flight, by id: how to stream their chunks and settle their promises. Failing them all at once
// is what a runtime crash needs.
import {RuntimeError, type TextChunk} from "./protocol";

interface Pending {
    method: string;
    resolve(result: unknown): void;
    reject(error: RuntimeError): void;
    onChunk?(chunk: TextChunk): void;
    onProgress?(fraction: number): void;
}

export class CallbackMap {
    private nextId = 1;
    private readonly pending = new Map<number, Pending>();

    add(entry: Pending): number {
        const id = this.nextId++;
        this.pending.set(id, entry);
        return id;
    }

    get size(): number { return this.pending.size; }

    /** The methods in flight, for messages about what was running when something went wrong. */
    methods(): string[] {
        return [...this.pending.values()].map((entry) => entry.method);
    }

    chunk(id: number, chunk: TextChunk): void {
        this.pending.get(id)?.onChunk?.(chunk);
    }

    progress(id: number, fraction: number): void {
        this.pending.get(id)?.onProgress?.(fraction);
    }

    resolve(id: number, result: unknown): void {
        const entry = this.pending.get(id);
        this.pending.delete(id);
        entry?.resolve(result);
    }

    reject(id: number, error: RuntimeError): void {
        const entry = this.pending.get(id);
        this.pending.delete(id);
        entry?.reject(error);
    }

    rejectAll(error: RuntimeError): void {
        const entries = [...this.pending.values()];
        this.pending.clear();
        for (const entry of entries) entry.reject(error);
    }
}

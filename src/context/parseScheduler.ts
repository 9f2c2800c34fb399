// Hands out the parse jobs of one bulk index run to the indexing thread and the parse helpers. Each thread
// compiles the symbol query of every grammar it parses with (up to a quarter second for a large grammar: C++),
// since a query lives in its thread's tree-sitter memory; V8 shares only the compiled wasm code between
// threads. So work goes out by language: a thread keeps to the grammars it has; when it runs out, it starts
// the costliest grammar no thread has started, so that grammars compile on one thread while the others parse;
// then plain text; and it compiles a grammar another thread has only while enough of that language is left to repay
// compiling it twice (a large repository keeps every thread busy). Results are delivered in job order,
// whichever thread finished first, so the index is built in the same order as by one thread.
import type {FileJob, FileJobResult} from "./fileJob";
import type {ParseLane} from "./worker/parsePool";

/**
 * Compiling a grammar (its symbol query, mostly) takes about as long as parsing this many bytes of source per
 * byte of its .wasm file: measured on 2 cores, 0.01 (C#) to 0.05 (TypeScript, C++; 1.4 and 5.4 MB).
 */
const sourceBytesPerWasmByte = 0.05;

/** A grammar another thread has is compiled again only while this many times its cost is left to parse. */
const stealAtCompileCosts = 3;

/**
 * A helper is given work between the files parsed here, whose parse blocks this thread: it is kept this many
 * bytes of jobs ahead, and at least as many as the file this thread parses next, and at least two jobs.
 */
const minQueuedBytes = 64 * 1024;
const minQueuedJobs = 2;
const maxQueuedJobs = 64;

export interface ScheduledJob {
    job: FileJob;
    /** The file's size: its share of the parsing work. */
    bytes: number;
}

export interface SchedulerParts {
    /** The indexing thread: its jobs run one at a time, awaited; `run` never rejects. */
    local: ParseLane;
    helpers: readonly ParseLane[];
    /** Size of a language's grammar .wasm file (0 for plain text). */
    grammarBytes(language: string): number;
    /** Called once per job, in job order. */
    deliver(index: number, result: FileJobResult): void;
    /** Called between jobs run here, so requests are answered and progress reported while indexing runs. */
    pause(): Promise<void>;
}

class LanguageQueue {
    readonly indices: number[] = [];
    private next = 0;
    bytesLeft = 0;

    constructor(readonly language: string, readonly compileCost: number) {}

    get left(): number {
        return this.indices.length - this.next;
    }

    take(jobs: readonly ScheduledJob[]): number {
        const index = this.indices[this.next++];
        this.bytesLeft -= jobs[index].bytes;
        return index;
    }
}

export async function runScheduled(jobs: readonly ScheduledJob[], parts: SchedulerParts): Promise<void> {
    const {local, helpers} = parts;
    const results = new Array<FileJobResult | undefined>(jobs.length);
    let delivered = 0;
    let failure: {error: unknown} | undefined;
    const settle = (index: number, result: FileJobResult): void => {
        if (failure) return;
        results[index] = result;
        while (delivered < jobs.length && results[delivered] !== undefined) {
            const ready = results[delivered]!;
            results[delivered] = undefined;
            parts.deliver(delivered++, ready);
        }
    };
    if (helpers.length === 0) {
        // One thread: in job order, nothing held back.
        for (let i = 0; i < jobs.length; i++) { settle(i, await local.run(jobs[i].job)); await parts.pause(); }
        return;
    }

    const queues = new Map<string, LanguageQueue>();
    for (let i = 0; i < jobs.length; i++) {
        const {language} = jobs[i].job;
        let queue = queues.get(language);
        if (!queue) queues.set(language, queue = new LanguageQueue(language, parts.grammarBytes(language) * sourceBytesPerWasmByte));
        queue.indices.push(i);
        queue.bytesLeft += jobs[i].bytes;
    }
    const lanes = [local, ...helpers];
    const started = (language: string): boolean => lanes.some((lane) => lane.languages.has(language));
    const best = (score: (queue: LanguageQueue) => number | undefined): LanguageQueue | undefined => {
        let chosen: LanguageQueue | undefined;
        let top = -Infinity;
        for (const queue of queues.values()) {
            if (queue.left === 0) continue;
            const value = score(queue);
            if (value !== undefined && value > top) { top = value; chosen = queue; }
        }
        return chosen;
    };
    const pick = (lane: ParseLane): number | undefined => {
        const grammar = (queue: LanguageQueue): boolean => queue.compileCost > 0;
        const queue =
            best((q) => grammar(q) && lane.languages.has(q.language) ? q.bytesLeft : undefined) ??
            best((q) => grammar(q) && !started(q.language) ? q.compileCost + q.bytesLeft : undefined) ??
            best((q) => grammar(q) ? undefined : q.bytesLeft) ??
            best((q) => q.bytesLeft >= stealAtCompileCosts * q.compileCost ? q.bytesLeft : undefined);
        if (!queue) return undefined;
        lane.languages.add(queue.language);
        return queue.take(jobs);
    };
    const anyLeft = (): boolean => [...queues.values()].some((q) => q.left > 0);

    let inFlight = 0;
    let wake: (() => void) | undefined;
    const queuedBytes = new Map<ParseLane, number>(helpers.map((helper) => [helper, 0]));
    const fillHelpers = (aheadBytes: number): void => {
        for (const helper of helpers) {
            while (helper.isReady() && helper.queued() < maxQueuedJobs && (helper.queued() < minQueuedJobs || queuedBytes.get(helper)! < aheadBytes)) {
                const index = pick(helper);
                if (index === undefined) break;
                const {job, bytes} = jobs[index];
                inFlight++;
                queuedBytes.set(helper, queuedBytes.get(helper)! + bytes);
                void helper.run(job)
                    .catch(() => local.run(job)) // a crashed helper's job is done here
                    .then((result) => settle(index, result))
                    .catch((error: unknown) => { failure ??= {error}; })
                    .finally(() => { inFlight--; queuedBytes.set(helper, queuedBytes.get(helper)! - bytes); wake?.(); });
            }
        }
    };
    while (anyLeft() || inFlight > 0) {
        // This thread claims its next job first: it is ready now, a helper may still be starting.
        let mine = pick(local);
        fillHelpers(Math.max(minQueuedBytes, mine === undefined ? 0 : jobs[mine].bytes));
        // Everything left belongs to helpers that are busy: wait for one, unless none is working at all.
        if (mine === undefined && inFlight === 0 && anyLeft()) mine = best((q) => q.left)!.take(jobs);
        if (failure) break;
        if (mine !== undefined) {
            settle(mine, await local.run(jobs[mine].job));
        } else if (inFlight > 0) {
            await new Promise<void>((resolve) => { wake = resolve; });
            wake = undefined;
        }
        await parts.pause();
    }
    if (failure) throw failure.error;
}

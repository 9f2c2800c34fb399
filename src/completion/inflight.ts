// The request running now, kept so that a keystroke which types what it is already producing reuses it rather
// than cancelling it and starting over. `consistentWith` answers whether the new cursor text extends the old
// one by characters that agree with the text streamed so far.

export interface Inflight {
    /** Text before the cursor when the request started. */
    prefix: string;
    suffix: string;
    /** Text streamed so far. */
    streamed: string;
    /** Settles with the final raw text, or undefined when the request ended without one. */
    result: Promise<string | undefined>;
    abort(): void;
    done: boolean;
}

/** What was typed since `inflight` started, when the new position extends it consistently with its stream. */
export function typedInto(inflight: Inflight, prefix: string, suffix: string): string | undefined {
    if (inflight.suffix !== suffix || !prefix.startsWith(inflight.prefix)) return undefined;
    const typed = prefix.slice(inflight.prefix.length);
    if (typed === "") return "";
    // What streamed so far must start with what was typed, or (still streaming) be the start of it.
    if (inflight.streamed.startsWith(typed)) return typed;
    if (!inflight.done && typed.startsWith(inflight.streamed)) return typed;
    return undefined;
}

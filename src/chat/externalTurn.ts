// A chat turn started from outside the chat view (the Explain command): what the user sees as their message,
// what the model is asked, and the context the caller already gathered. The chat view shows it as an ordinary
// turn, with its sources, streamed like any answer.
export interface TurnSource {
    /** Absolute file path. */
    path: string;
    /** Zero-based, inclusive. */
    startLine: number;
    endLine: number;
}

export interface ExternalTurn {
    /** The user's side of the turn as shown, e.g. "Explain `parseArgs` (src/cli.ts:10–42)". */
    display: string;
    /** The instruction the model gets for this turn: the ask and the code it is about. */
    prompt: string;
    /** Packed workspace context the caller gathered, and where each part came from. */
    context: {text: string; sources: TurnSource[]};
}

/** Implemented by the chat view; the refactor commands get it from the composition root. */
export interface ExternalTurnSink {
    /** Reveals the chat view and streams the answer there; resolves when the answer ends (or is stopped). */
    askExternal(turn: ExternalTurn, signal?: AbortSignal): Promise<void>;
}

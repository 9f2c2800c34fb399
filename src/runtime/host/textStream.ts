// Turns generated tokens into streamed text: never splits a UTF-8 character (a token may hold half of one),
// and never emits a stop string or any text that could still turn out to be the start of one.
import type {LlamaModel, Token} from "node-llama-cpp";

/** What detokenizing needs; LlamaModel satisfies it, tests may pass their own. */
export type Detokenize = LlamaModel["detokenize"];

/** Tokens passed as context when detokenizing a piece, so leading-space rules match the whole text. */
const CONTEXT_TOKENS = 8;

export class TextStream {
    private readonly tokens: Token[] = [];
    /** Tokens before this index are decoded into `decoded`; the rest may end inside a UTF-8 character. */
    private decodedTokens = 0;
    private decoded = "";
    private emitted = 0;
    private stopped = false;

    constructor(
        private readonly detokenize: Detokenize,
        private readonly stopStrings: readonly string[],
        private readonly onText: (text: string) => void,
        /** The last prompt tokens, so the first generated token decodes as it would mid-text. */
        private readonly promptTail: readonly Token[] = [],
        /** Special tokens decode to their text (Gemma 4's `<|channel>`), not to nothing. */
        private readonly specialTokens = false,
        /** A newline after text stops like a stop string (a single-line suggestion). */
        private readonly stopAtLineEnd = false
    ) {}

    /** The text so far without any stop string. */
    get text(): string {
        return this.decoded.slice(0, this.stopIndex() ?? this.decoded.length);
    }

    /** True once a stop string has appeared; generation should end. */
    get hitStopString(): boolean {
        return this.stopped;
    }

    /** Adds tokens, streams whatever text is now safe to show, and reports whether a stop string appeared. */
    push(tokens: readonly Token[]): boolean {
        if (this.stopped) return true;
        this.tokens.push(...tokens);
        const pending = this.tokens.slice(this.decodedTokens);
        const context = this.decodedTokens > 0
            ? this.tokens.slice(Math.max(0, this.decodedTokens - CONTEXT_TOKENS), this.decodedTokens)
            : this.promptTail.slice(-CONTEXT_TOKENS);
        const piece = this.detokenize(pending, this.specialTokens, context);
        if (!piece.endsWith("\uFFFD")) { // an incomplete UTF-8 sequence decodes to U+FFFD: wait for the rest
            this.decoded += piece;
            this.decodedTokens = this.tokens.length;
        }
        const stopAt = this.stopIndex();
        if (stopAt !== undefined) {
            this.stopped = true;
            this.emitUpTo(stopAt);
            return true;
        }
        this.emitUpTo(this.decoded.length - this.heldBackLength());
        return false;
    }

    /** Emits everything still held back (generation ended for another reason than a stop string). */
    flush(): void {
        if (this.stopped) return;
        const rest = this.tokens.slice(this.decodedTokens);
        if (rest.length > 0) {
            const context = this.tokens.slice(Math.max(0, this.decodedTokens - CONTEXT_TOKENS), this.decodedTokens);
            this.decoded += this.detokenize(rest, this.specialTokens, context);
            this.decodedTokens = this.tokens.length;
        }
        const stopAt = this.stopIndex();
        if (stopAt !== undefined) this.stopped = true;
        this.emitUpTo(stopAt ?? this.decoded.length);
    }

    private stopIndex(): number | undefined {
        let first = this.stopAtLineEnd ? lineEnd(this.decoded) : undefined;
        // Only the tail can hold a new match, but the stop strings are few and short: search from the last emit.
        const from = Math.max(0, this.emitted - this.longestStop());
        for (const stop of this.stopStrings) {
            if (stop.length === 0) continue;
            const at = this.decoded.indexOf(stop, from);
            if (at >= 0 && (first === undefined || at < first)) first = at;
        }
        return first;
    }

    /** Length of the longest text tail that is a proper prefix of some stop string. */
    private heldBackLength(): number {
        let held = 0;
        for (const stop of this.stopStrings) {
            for (let n = Math.min(stop.length - 1, this.decoded.length); n > held; n--) {
                if (this.decoded.endsWith(stop.slice(0, n))) { held = n; break; }
            }
        }
        return held;
    }

    private longestStop(): number {
        return this.stopStrings.reduce((max, stop) => Math.max(max, stop.length), 0);
    }

    private emitUpTo(end: number): void {
        if (end <= this.emitted) return;
        this.onText(this.decoded.slice(this.emitted, end));
        this.emitted = end;
    }
}

/** Where the first newline after text is, if there is one yet (a single-line suggestion ends there). */
export function lineEnd(text: string): number | undefined {
    const match = /\S[^\n]*\n/.exec(text);
    return match ? match.index + match[0].length - 1 : undefined;
}

// A chat answer's reasoning, between the runtime process and the client. The host's text stream marks it as
// Gemma 4 does, with its thought channel (`<|channel>thought` … `<channel|>`): the embedded engine renders the
// model's own special tokens, and the server engines, which report reasoning apart (`reasoning_content`), put
// it between the same markers (ReasoningMarkers). The client splits it off again (ReasoningSplitter), so its
// callers get the answer alone and, when they ask, the reasoning. A `<think>` … `</think>` block (other models)
// is split too. A marker may arrive split across chunks: text that could start one is held back until decided.

export const THOUGHT_OPEN = "<|channel>thought";
export const THOUGHT_CLOSE = "<channel|>";

const markers: ReadonlyArray<{open: string, close: string}> = [
    {open: THOUGHT_OPEN, close: THOUGHT_CLOSE},
    {open: "<think>", close: "</think>"}
];

/** One streamed chat choice, in OpenAI's shape (llama-server's too): reasoning comes apart from the answer. */
export interface ChatChoice {
    delta?: {content?: string | null, reasoning_content?: string | null};
    finish_reason?: string | null;
}

/** A server's reasoning deltas, put back in the text stream between the thought-channel markers. */
export class ReasoningMarkers {
    private inside = false;

    /** The text for one streamed delta. */
    piece(delta: ChatChoice["delta"]): string {
        let out = "";
        const reasoning = delta?.reasoning_content ?? "";
        const content = delta?.content ?? "";
        if (reasoning !== "") {
            if (!this.inside) out += `${THOUGHT_OPEN}\n`;
            this.inside = true;
            out += reasoning;
        }
        if (content !== "") {
            if (this.inside) out += THOUGHT_CLOSE;
            this.inside = false;
            out += content;
        }
        return out;
    }

    /** The text for one streamed chat choice: its delta, and the section closed at its finish. */
    choice(choice: ChatChoice | undefined): string {
        return this.piece(choice?.delta) + (choice?.finish_reason ? this.end() : "");
    }

    /** The stream ended: closes a reasoning section still open. */
    end(): string {
        if (!this.inside) return "";
        this.inside = false;
        return THOUGHT_CLOSE;
    }
}

export interface SplitText {
    answer: string;
    reasoning: string;
}

export class ReasoningSplitter {
    private pending = "";
    private inside: {open: string, close: string} | undefined;

    /** Adds streamed text; returns what is now known to be answer and reasoning. */
    push(text: string): SplitText {
        this.pending += text;
        const out: SplitText = {answer: "", reasoning: ""};
        for (;;) {
            if (this.inside) {
                const end = this.pending.indexOf(this.inside.close);
                if (end < 0) break;
                out.reasoning += this.pending.slice(0, end);
                this.pending = this.pending.slice(end + this.inside.close.length);
                this.inside = undefined;
                continue;
            }
            const found = markers.map((m) => ({m, at: this.pending.indexOf(m.open)})).filter((f) => f.at >= 0).sort((a, b) => a.at - b.at)[0];
            if (!found) break;
            out.answer += this.pending.slice(0, found.at);
            this.pending = this.pending.slice(found.at + found.m.open.length).replace(/^\n/, "");
            this.inside = found.m;
        }
        const hold = this.heldBack();
        const ready = this.pending.slice(0, this.pending.length - hold);
        this.pending = this.pending.slice(this.pending.length - hold);
        if (this.inside) out.reasoning += ready; else out.answer += ready;
        return out;
    }

    /** The stream ended: whatever was held back. */
    flush(): SplitText {
        const rest = this.pending;
        this.pending = "";
        return this.inside ? {answer: "", reasoning: rest} : {answer: rest, reasoning: ""};
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of a marker still possible. */
    private heldBack(): number {
        const candidates = this.inside ? [this.inside.close] : markers.map((m) => m.open);
        let longest = 0;
        for (const marker of candidates) {
            for (let n = Math.min(marker.length - 1, this.pending.length); n > longest; n--) {
                if (this.pending.endsWith(marker.slice(0, n))) { longest = n; break; }
            }
        }
        return longest;
    }
}

// Splits a streamed answer into Gemma 4's reasoning and the answer proper, when the stream marks the reasoning:
// Gemma 4's thought channel (`<|channel>thought` … `<channel|>`) or a `<think>` … `</think>` block. A marker may
// arrive split across chunks, so text that could still be the start of one is held back until it is decided.

const markers: ReadonlyArray<{open: string, close: string}> = [
    {open: "<|channel>thought", close: "<channel|>"},
    {open: "<think>", close: "</think>"}
];

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

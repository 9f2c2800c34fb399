// Suggestions already computed, by the prompt's relevant window: the end of the prefix and the start of the
// suffix. A lookup also forwards: when the user has typed the first characters of a cached suggestion, the rest
// of it is the answer, with no new request (typing into a shown suggestion).

export interface CacheKey {
    /** Text before the cursor (the end of it is what counts). */
    prefix: string;
    /** Text after the cursor (the start of it is what counts). */
    suffix: string;
}

interface Entry {
    prefix: string;
    suffix: string;
    completion: string;
}

/** How much of each side identifies a request: context further away rarely changes the suggestion. */
const PREFIX_CHARS = 4000;
const SUFFIX_CHARS = 1000;

export class CompletionCache {
    private readonly entries = new Map<string, Entry>();

    constructor(private readonly capacity = 100) {}

    get size(): number {
        return this.entries.size;
    }

    set(key: CacheKey, completion: string): void {
        const entry = {prefix: tail(key.prefix), suffix: head(key.suffix), completion};
        const id = idOf(entry);
        this.entries.delete(id);
        this.entries.set(id, entry);
        while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }

    /** The suggestion for `key`: an exact hit, or the rest of a cached one the user is typing into. */
    get(key: CacheKey): string | undefined {
        const prefix = tail(key.prefix);
        const suffix = head(key.suffix);
        const exact = this.entries.get(idOf({prefix, suffix}));
        if (exact) return this.touch(exact).completion;
        // Newest first: the suggestion shown last is the one being typed into.
        for (const entry of [...this.entries.values()].reverse()) {
            if (entry.suffix !== suffix) continue;
            const typed = typedSince(entry, key.prefix);
            if (typed === undefined || typed === "" || !entry.completion.startsWith(typed)) continue;
            const rest = entry.completion.slice(typed.length);
            return rest === "" ? undefined : rest;
        }
        return undefined;
    }

    clear(): void {
        this.entries.clear();
    }

    private touch(entry: Entry): Entry {
        const id = idOf(entry);
        this.entries.delete(id);
        this.entries.set(id, entry);
        return entry;
    }
}

/** What the user typed after the entry's prefix to reach `prefix`, if it could be the start of its suggestion. */
function typedSince(entry: Entry, prefix: string): string | undefined {
    for (let typed = 1; typed <= entry.completion.length && typed <= prefix.length; typed++) {
        const before = prefix.slice(0, prefix.length - typed);
        if (tail(before) === entry.prefix) return prefix.slice(before.length);
    }
    return undefined;
}

function idOf(entry: {prefix: string, suffix: string}): string {
    return `${entry.prefix.length}:${entry.prefix}\u0000${entry.suffix}`;
}

function tail(text: string): string {
    return text.length <= PREFIX_CHARS ? text : text.slice(text.length - PREFIX_CHARS);
}

function head(text: string): string {
    return text.length <= SUFFIX_CHARS ? text : text.slice(0, SUFFIX_CHARS);
}

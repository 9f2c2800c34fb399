// Recently used file texts with their line starts, bounded by total size. Snippets are cut from here, from the
// redacted copy; a miss reads the file from disk (retrieval touches only a handful of files).
import fs from "node:fs";
import {lineStarts} from "./lines";
import {redactSecrets} from "./secrets/redact";

export interface CachedText {
    text: string;
    starts: number[];
}

interface Entry extends CachedText {
    /** The text with its secrets replaced (same lines), made when a snippet is first cut; itself when clean. */
    redacted?: CachedText;
}

export class TextCache {
    private readonly entries = new Map<string, Entry>();
    private bytes = 0;

    constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

    put(path: string, text: string): CachedText {
        this.drop(path);
        const entry: Entry = {text, starts: lineStarts(text)};
        this.entries.set(path, entry);
        this.bytes += text.length;
        this.evict();
        return entry;
    }

    /** The file's text, from the cache or the disk; undefined when it cannot be read. */
    get(path: string): CachedText | undefined {
        return this.entry(path);
    }

    /**
     * The file's text as a prompt may show it: secrets redacted over the whole file, so a key block cut by a
     * snippet's first line is still found, and with the same line count, so line numbers stay true.
     */
    redacted(path: string): CachedText | undefined {
        const entry = this.entry(path);
        if (!entry) return undefined;
        if (!entry.redacted) {
            const text = redactSecrets(entry.text, path);
            entry.redacted = text === entry.text ? entry : {text, starts: lineStarts(text)};
            if (entry.redacted !== entry) { this.bytes += text.length; this.evict(); }
        }
        return entry.redacted;
    }

    drop(path: string): void {
        const old = this.entries.get(path);
        if (old) {
            this.bytes -= sizeOf(old);
            this.entries.delete(path);
        }
    }

    private entry(path: string): Entry | undefined {
        const hit = this.entries.get(path);
        if (hit) {
            this.entries.delete(path); // re-insert: Map order is the LRU order
            this.entries.set(path, hit);
            return hit;
        }
        try {
            return this.put(path, fs.readFileSync(path, "utf8"));
        } catch {
            return undefined;
        }
    }

    private evict(): void {
        for (const [key, value] of this.entries) {
            if (this.bytes <= this.maxBytes) break;
            this.entries.delete(key);
            this.bytes -= sizeOf(value);
        }
    }
}

function sizeOf(entry: Entry): number {
    return entry.text.length + (entry.redacted && entry.redacted !== entry ? entry.redacted.text.length : 0);
}

// Recently used file texts with their line starts, bounded by total size. Snippets are cut from here; a miss
// reads the file from disk (retrieval touches only a handful of files).
import fs from "node:fs";
import {lineStarts} from "./lines";

export interface CachedText {
    text: string;
    starts: number[];
}

export class TextCache {
    private readonly entries = new Map<string, CachedText>();
    private bytes = 0;

    constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

    put(path: string, text: string): CachedText {
        this.drop(path);
        const entry = {text, starts: lineStarts(text)};
        this.entries.set(path, entry);
        this.bytes += text.length;
        for (const [key, value] of this.entries) {
            if (this.bytes <= this.maxBytes) break;
            this.entries.delete(key);
            this.bytes -= value.text.length;
        }
        return entry;
    }

    /** The file's text, from the cache or the disk; undefined when it cannot be read. */
    get(path: string): CachedText | undefined {
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

    drop(path: string): void {
        const old = this.entries.get(path);
        if (old) {
            this.bytes -= old.text.length;
            this.entries.delete(path);
        }
    }
}

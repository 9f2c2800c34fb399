// The in-memory index of every workspace file: files by path, definitions by name, resolved imports both
// ways, and BM25 postings over chunks and over symbols. Updating one file touches only that file's entries.
import {Bm25Index} from "./bm25";
import {splitIdentifier, termCounts} from "./identifiers";
import {ModuleTable} from "./importResolver";
import type {Definition, IndexedFile} from "./types";

export interface DefinitionRef {
    path: string;
    def: Definition;
}

interface DocRef {
    path: string;
    /** Chunk index for chunk documents, definition index for symbol documents. */
    index: number;
}

export class WorkspaceIndex {
    private readonly files = new Map<string, IndexedFile>();
    private readonly byName = new Map<string, DefinitionRef[]>();
    private readonly modules = new ModuleTable((file) => this.files.has(file));
    /** Resolved targets of each import of a file, computed on first use. */
    private readonly resolved = new Map<string, string[][]>();
    private importersCache: Map<string, Set<string>> | undefined;

    private readonly chunkIndex = new Bm25Index();
    private readonly symbolIndex = new Bm25Index();
    private readonly docs = new Map<number, DocRef>();
    private readonly docsOfFile = new Map<string, {chunks: number[], symbols: number[]}>();
    private nextDoc = 1;

    get fileCount(): number {
        return this.files.size;
    }

    get(path: string): IndexedFile | undefined {
        return this.files.get(path);
    }

    allFiles(): IterableIterator<IndexedFile> {
        return this.files.values();
    }

    set(file: IndexedFile): void {
        const replacing = this.files.has(file.path);
        if (replacing) this.removeEntries(file.path);
        this.files.set(file.path, file);
        for (const def of file.symbols.definitions) {
            if (def.kind === "scope") continue;
            let list = this.byName.get(def.name);
            if (!list) this.byName.set(def.name, list = []);
            list.push({path: file.path, def});
        }
        this.modules.add(file.path);
        const chunks = file.chunkTerms.map((terms, index) => {
            const doc = this.nextDoc++;
            this.docs.set(doc, {path: file.path, index});
            this.chunkIndex.add(doc, terms);
            return doc;
        });
        const symbols = file.symbols.definitions.flatMap((def, index) => {
            if (def.kind === "scope") return [];
            const doc = this.nextDoc++;
            this.docs.set(doc, {path: file.path, index});
            this.symbolIndex.add(doc, symbolTerms(def));
            return [doc];
        });
        this.docsOfFile.set(file.path, {chunks, symbols});
        // A new file can change how other files' imports resolve; an edited one only its own.
        if (replacing) { this.resolved.delete(file.path); this.importersCache = undefined; }
        else this.invalidateResolution();
    }

    remove(path: string): boolean {
        if (!this.files.has(path)) return false;
        this.removeEntries(path);
        this.files.delete(path);
        this.invalidateResolution();
        return true;
    }

    definitionsNamed(name: string): readonly DefinitionRef[] {
        return this.byName.get(name) ?? [];
    }

    /** Files each import of `path` resolves to, parallel to its `imports` array. */
    importTargets(path: string): string[][] {
        let targets = this.resolved.get(path);
        if (!targets) {
            const file = this.files.get(path);
            if (!file) return [];
            targets = file.symbols.imports.map((entry) => this.modules.resolve(path, file.symbols.language, entry.source));
            this.resolved.set(path, targets);
        }
        return targets;
    }

    /** Files that import `path`. Built for the whole workspace on first use after a change. */
    importersOf(path: string): ReadonlySet<string> {
        if (!this.importersCache) {
            const map = new Map<string, Set<string>>();
            for (const file of this.files.keys()) {
                for (const targets of this.importTargets(file)) {
                    for (const target of targets) {
                        let set = map.get(target);
                        if (!set) map.set(target, set = new Set());
                        set.add(file);
                    }
                }
            }
            this.importersCache = map;
        }
        return this.importersCache.get(path) ?? new Set();
    }

    searchChunks(terms: readonly string[], limit: number): Array<{path: string, chunk: number, score: number}> {
        return this.chunkIndex.search(terms, limit).flatMap(({doc, score}) => {
            const ref = this.docs.get(doc);
            return ref ? [{path: ref.path, chunk: ref.index, score}] : [];
        });
    }

    searchSymbols(terms: readonly string[], limit: number): Array<{path: string, def: Definition, score: number}> {
        return this.symbolIndex.search(terms, limit).flatMap(({doc, score}) => {
            const ref = this.docs.get(doc);
            const def = ref && this.files.get(ref.path)?.symbols.definitions[ref.index];
            return ref && def ? [{path: ref.path, def, score}] : [];
        });
    }

    private removeEntries(path: string): void {
        const file = this.files.get(path)!;
        for (const def of file.symbols.definitions) {
            const list = this.byName.get(def.name);
            if (!list) continue;
            const kept = list.filter((ref) => ref.path !== path);
            if (kept.length > 0) this.byName.set(def.name, kept);
            else this.byName.delete(def.name);
        }
        this.modules.remove(path);
        const docs = this.docsOfFile.get(path);
        if (docs) {
            for (const doc of docs.chunks) { this.chunkIndex.remove(doc); this.docs.delete(doc); }
            for (const doc of docs.symbols) { this.symbolIndex.remove(doc); this.docs.delete(doc); }
            this.docsOfFile.delete(path);
        }
    }

    private invalidateResolution(): void {
        this.resolved.clear();
        this.importersCache = undefined;
    }
}

/** A symbol is found by its name (weighted), the parts of its name, and the words of its signature. */
function symbolTerms(def: Definition): Array<string | number> {
    const counts = termCounts(def.signature);
    const lower = def.name.toLowerCase();
    counts.set(lower, (counts.get(lower) ?? 0) + 3);
    for (const part of splitIdentifier(def.name)) counts.set(part, (counts.get(part) ?? 0) + 2);
    const flat: Array<string | number> = [];
    for (const [term, count] of counts) flat.push(term, count);
    return flat;
}

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
    /** Each file's references in `byName`, parallel to its definitions (none for scopes). */
    private readonly refsOfFile = new Map<string, Array<DefinitionRef | undefined>>();
    private readonly modules = new ModuleTable((file) => this.files.has(file));
    /**
     * Resolved targets of each import of each file, and the reverse edges. Kept up to date file by file;
     * during a bulk (re)index they wait for `finishBulk`, since targets may not be indexed yet.
     */
    private readonly resolved = new Map<string, string[][]>();
    private readonly importers = new Map<string, Set<string>>();
    private bulk = false;

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
        this.refsOfFile.set(file.path, file.symbols.definitions.map((def) => {
            if (def.kind === "scope") return undefined;
            let list = this.byName.get(def.name);
            if (!list) this.byName.set(def.name, list = []);
            const ref = {path: file.path, def};
            list.push(ref);
            return ref;
        }));
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
        if (this.bulk) return;
        this.resolveFile(file.path);
        // A new file can change how other files' imports resolve: those naming it are resolved again.
        if (!replacing) for (const other of this.filesMentioning(file.path)) this.resolveFile(other);
    }

    /**
     * Replaces a file's entry by the same entry with its lines moved (movedLines.ts): the same definitions in the
     * same order and the same chunk terms, so its postings and import edges stay and only the definitions' lines
     * change. Anything else is a full `set`.
     */
    relocate(file: IndexedFile): void {
        const old = this.files.get(file.path);
        const defs = file.symbols.definitions;
        const refs = this.refsOfFile.get(file.path);
        if (!old || !refs || old.chunkTerms !== file.chunkTerms || old.symbols.imports.length !== file.symbols.imports.length
            || old.symbols.definitions.length !== defs.length || defs.some((def, i) => def.name !== old.symbols.definitions[i].name)) {
            this.set(file);
            return;
        }
        this.files.set(file.path, file);
        // The references are this index's own: a name with thousands of definitions is not searched.
        refs.forEach((ref, i) => { if (ref) ref.def = defs[i]; });
    }

    remove(path: string): boolean {
        if (!this.files.has(path)) return false;
        const dependants = [...(this.importers.get(path) ?? [])];
        this.removeEntries(path);
        this.files.delete(path);
        this.dropEdges(path);
        this.resolved.delete(path);
        if (!this.bulk) for (const other of dependants) if (this.files.has(other)) this.resolveFile(other);
        return true;
    }

    /** Many files are about to change at once: resolve imports once at the end, not after each file. */
    startBulk(): void {
        this.bulk = true;
    }

    finishBulk(): void {
        this.bulk = false;
        this.resolved.clear();
        this.importers.clear();
        for (const path of this.files.keys()) this.resolveFile(path);
    }

    definitionsNamed(name: string): readonly DefinitionRef[] {
        return this.byName.get(name) ?? [];
    }

    /** Files each import of `path` resolves to, parallel to its `imports` array. */
    importTargets(path: string): string[][] {
        const known = this.resolved.get(path);
        if (known) return known;
        const file = this.files.get(path);
        if (!file) return [];
        // During a bulk index: resolved against what is indexed so far, and not kept.
        return file.symbols.imports.map((entry) => this.modules.resolve(path, file.symbols.language, entry.source));
    }

    /** Files that import `path`. */
    importersOf(path: string): ReadonlySet<string> {
        return this.importers.get(path) ?? new Set();
    }

    private resolveFile(path: string): void {
        const file = this.files.get(path);
        if (!file) return;
        this.dropEdges(path);
        const targets = file.symbols.imports.map((entry) => this.modules.resolve(path, file.symbols.language, entry.source));
        this.resolved.set(path, targets);
        for (const target of new Set(targets.flat())) {
            let set = this.importers.get(target);
            if (!set) this.importers.set(target, set = new Set());
            set.add(path);
        }
    }

    private dropEdges(importer: string): void {
        for (const target of new Set(this.resolved.get(importer)?.flat() ?? [])) this.importers.get(target)?.delete(importer);
    }

    /** Files with an import whose text names the stem of `path` (`./geometry`, `pkg.geometry`, `"geometry.h"`). */
    private filesMentioning(path: string): string[] {
        const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.[^.]+$/, "").toLowerCase();
        // A folder is imported by its name when the file stands for it (index.ts, __init__.py, mod.rs) or in Go.
        const standsForFolder = /^(index|__init__|mod|lib|main)$/.test(base) || path.endsWith(".go");
        const folder = standsForFolder ? path.split("/").at(-2)?.toLowerCase() ?? "" : "";
        const found: string[] = [];
        for (const [other, file] of this.files) {
            if (other === path) continue;
            if (file.symbols.imports.some((i) => { const s = i.source.toLowerCase(); return s.includes(base) || (folder !== "" && s.includes(folder)); })) found.push(other);
        }
        return found;
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
        this.refsOfFile.delete(path);
        const docs = this.docsOfFile.get(path);
        if (docs) {
            for (const doc of docs.chunks) { this.chunkIndex.remove(doc); this.docs.delete(doc); }
            for (const doc of docs.symbols) { this.symbolIndex.remove(doc); this.docs.delete(doc); }
            this.docsOfFile.delete(path);
        }
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

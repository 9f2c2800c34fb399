// Builds and maintains the WorkspaceIndex from disk: crawls each workspace folder, reuses persisted entries
// whose stamp still matches, parses the rest once, and applies single-file updates (save, create, delete,
// rename). Runs in the index worker, or in-process for tests and benchmarks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Edit} from "web-tree-sitter";
import {analyze, analyzeTree, analyzeTreeInTurns, contentHash, type Analysis} from "./analyzeFile";
import {crawl} from "./crawl";
import {runFileJob, type FileJob, type FileJobResult} from "./fileJob";
import {skipByName, skipBySize} from "./fileFilter";
import {IgnoreRules, toPosix} from "./ignoreRules";
import {isParsedLanguage, languageOf, languageOfText, type ParsedLanguage} from "./languages";
import {LiveTrees, textEdit} from "./liveTrees";
import {movedEntry} from "./movedLines";
import {GrammarSet, type LoadedGrammar} from "./parser";
import {runScheduled} from "./parseScheduler";
import {loadSnapshot, saveSnapshot, shardOf} from "./persistence";
import {TextCache} from "./textCache";
import type {IndexedFile, IndexOptions, IndexProgress, IndexStats} from "./types";
import {ParsePool} from "./worker/parsePool";
import {WorkspaceIndex} from "./workspaceIndex";

/**
 * Below this many bytes to parse, starting parse helpers costs more than it saves: a helper's start, and each
 * grammar's symbol query compiled again in it (up to a quarter second), compete on 2 cores with V8 optimising
 * the grammars' lexers in the background (seconds of CPU for bash or C++). What repays them is parsing work,
 * which grows with bytes, not files. Measured on 2 shared cores with the bundled worker, one helper against none:
 * 0.5 to 0.9 MB of source (64 to 493 files) indexed 0 to 14% slower, 1.0 to 2.1 MB (198 to 611 files) 3 to 8% faster.
 */
const minBytesForHelpers = 1_000_000;

/** A document being typed in is analysed again once its keys pause this long (movedLines.ts). */
const analysisPauseMs = 250;
/**
 * An edit this small is a keystroke (or a few, between two requests): it moves lines and waits for the pause.
 * A paste or an accepted suggestion can add definitions the cursor is about to use: it is analysed at once.
 */
const keystrokeChars = 32;
/** Documents whose last synced text is remembered, to move their lines by the next keystroke's edit. */
const editingCapacity = 16;

/** Parse helpers besides the indexing thread: one per spare core, at most three. */
export function defaultParseHelpers(): number {
    return Math.max(0, Math.min(3, os.availableParallelism() - 1));
}

/** How many helpers parsing files of `bytes` bytes in all starts. */
export function parseHelpersFor(bytes: number, options: IndexOptions): number {
    return bytes >= minBytesForHelpers ? options.parseHelpers ?? defaultParseHelpers() : 0;
}

interface Prepared {
    root: string;
    file: string;
    stat: fs.Stats;
    known?: IndexedFile;
    job: FileJob;
}

export type UpdateResult = "indexed" | "unchanged" | "removed" | "skipped";

function isKeystroke(edit: Edit): boolean {
    return edit.oldEndIndex - edit.startIndex <= keystrokeChars && edit.newEndIndex - edit.startIndex <= keystrokeChars
        && edit.newEndPosition.row - edit.startPosition.row <= 1 && edit.oldEndPosition.row - edit.startPosition.row <= 1;
}

function isLink(file: string): boolean {
    return fs.lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink() ?? false;
}

export class Indexer {
    readonly index = new WorkspaceIndex();
    readonly texts = new TextCache();
    private readonly liveTrees = new LiveTrees();
    /** The text (and its hash) each document's entry was last synced from: what its lines refer to. */
    private readonly editing = new Map<string, {text: string, hash: string}>();
    /** Documents whose entry has moved lines but not yet the analysis of its text, with the timer that will run it. */
    private readonly deferred = new Map<string, NodeJS.Timeout>();
    /** Told when a deferred analysis changed a document's entry. */
    onReanalysed?: (file: string) => void;
    private roots: string[] = [];
    private rules = new Map<string, IgnoreRules>();
    private persisted = new Map<string, IndexedFile>();
    /** Persistence shards holding a file that changed since the last save. */
    private readonly dirtyShards = new Set<number>();
    private stats: IndexStats = {files: 0, parsedFiles: 0, definitions: 0, reused: 0, reparsed: 0, skipped: 0};

    constructor(
        private readonly grammars: GrammarSet, private options: IndexOptions, private readonly wasmDir?: string,
        private readonly onError?: (message: string) => void
    ) {}

    /** This thread's grammars, for other work on syntax trees (the completion's tree shapes). */
    get grammarSet(): GrammarSet {
        return this.grammars;
    }

    /** The syntax trees of the documents being typed in, to share with other work on them. */
    get trees(): LiveTrees {
        return this.liveTrees;
    }

    static async create(options: IndexOptions, wasmDir?: string, onError?: (message: string) => void): Promise<Indexer> {
        return new Indexer(await GrammarSet.create(wasmDir), options, wasmDir, onError);
    }

    private indexing: Promise<unknown> = Promise.resolve();

    /** Indexes every folder (reusing unchanged entries), replacing whatever was indexed. One run at a time. */
    indexFolders(roots: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexStats> {
        const run = this.indexing.catch(() => undefined).then(() => this.indexFoldersNow(roots, onProgress));
        this.indexing = run;
        return run;
    }

    private async indexFoldersNow(roots: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexStats> {
        this.analyseDeferredNow();
        this.roots = roots.map((root) => toPosix(path.resolve(root)));
        this.rules = new Map(this.roots.map((root) => [root, new IgnoreRules(root, this.options.exclude)]));
        this.persisted = this.options.storageDir ? loadSnapshot(this.options.storageDir) : new Map();
        this.stats = {files: 0, parsedFiles: 0, definitions: 0, reused: 0, reparsed: 0, skipped: 0};

        const found: Array<{root: string, file: string}> = [];
        for (const root of this.roots) await crawl(root, this.rules.get(root)!, (file) => found.push({root, file: toPosix(file)}));
        const seen = new Set(found.map((f) => f.file));
        let pool: ParsePool | undefined;
        let lastReport = 0;
        let done = 0;
        // Yield between files: retrieval requests are answered while indexing runs, not after the whole workspace.
        const pause = async (): Promise<void> => {
            await new Promise<void>((resolve) => setImmediate(resolve));
            const now = Date.now();
            if (onProgress && now - lastReport > 100) { lastReport = now; onProgress({done, total: found.length, finished: false}); }
        };
        this.index.startBulk();
        try {
            for (const file of [...this.index.allFiles()]) if (!seen.has(file.path)) this.dropFile(file.path);
            // The cheap checks first, so the parsing work is known before it is handed out.
            const jobs: Prepared[] = [];
            for (let i = 0; i < found.length; i++) {
                const prepared = this.prepare(found[i].root, found[i].file, true);
                if (prepared) jobs.push(prepared); else done++;
                if (i % 64 === 63) await pause();
            }
            const scheduled = jobs.map((p) => ({job: p.job, bytes: p.stat.size}));
            const helpers = parseHelpersFor(scheduled.reduce((sum, s) => sum + s.bytes, 0), this.options);
            pool = helpers > 0 ? new ParsePool(helpers, this.wasmDir) : undefined;
            await runScheduled(scheduled, {
                local: {languages: new Set(this.grammars.languages()), isReady: () => true, queued: () => 0, run: (job) => this.runJob(job)},
                helpers: pool?.lanes ?? [],
                grammarBytes: (language) => isParsedLanguage(language) ? this.grammars.wasmBytes(language) : 0,
                deliver: (i, result) => { this.apply(jobs[i], result); done++; },
                pause
            });
        } finally {
            await pool?.dispose();
            this.index.finishBulk();
        }
        this.persisted.clear();
        this.stats.files = this.index.fileCount;
        onProgress?.({done: found.length, total: found.length, finished: true});
        return {...this.stats};
    }

    /** Re-reads one file after a save or create; removes it when it is gone or now excluded. */
    async updateFile(filePath: string): Promise<UpdateResult> {
        const file = toPosix(path.resolve(filePath));
        const root = this.rootOf(file);
        if (!root) return "skipped";
        // A link is never followed, as the crawl never follows one: it may point out of the workspace.
        if (languageOf(file) === undefined || this.rules.get(root)!.isIgnored(file, false) || isLink(file)) return this.removeFile(file) ? "removed" : "skipped";
        return this.indexOne(root, file, false);
    }

    removeFile(filePath: string): boolean {
        const file = toPosix(path.resolve(filePath));
        this.texts.drop(file);
        // A deleted folder removes everything below it.
        let removed = this.dropFile(file);
        const prefix = file.endsWith("/") ? file : `${file}/`;
        for (const entry of [...this.index.allFiles()]) if (entry.path.startsWith(prefix)) removed = this.dropFile(entry.path) || removed;
        return removed;
    }

    private dropFile(file: string): boolean {
        this.liveTrees.drop(file);
        this.cancelDeferred(file);
        this.editing.delete(file);
        const removed = this.index.remove(file);
        if (removed) this.dirtyShards.add(shardOf(file));
        return removed;
    }

    async renameFile(oldPath: string, newPath: string): Promise<UpdateResult> {
        this.removeFile(oldPath);
        const target = toPosix(path.resolve(newPath));
        const stat = fs.lstatSync(target, {throwIfNoEntry: false});
        if (stat?.isDirectory()) {
            const root = this.rootOf(target);
            if (!root) return "skipped";
            const files: string[] = [];
            await crawl(target, this.rules.get(root)!, (f) => files.push(f));
            for (const f of files) await this.updateFile(f);
            return "indexed";
        }
        return this.updateFile(target);
    }

    /**
     * Brings an open document's unsaved text into the index, so retrieval sees what the user sees. `typing`: the
     * user is typing in it (a completion's request): its syntax tree is kept even when unchanged, so that the
     * first keystroke re-parses only what it changed, and a keystroke moves the entry's lines rather than
     * analysing the text again, until the keys pause (movedLines.ts).
     */
    async syncText(filePath: string, text: string, typing = false): Promise<UpdateResult> {
        const file = toPosix(path.resolve(filePath));
        const existing = this.index.get(file);
        const hash = contentHash(text);
        if (existing && existing.hash === hash) {
            if (typing) await this.keepLiveTree(file, text, hash);
            else this.analyseDeferredNow(file);
            return "unchanged";
        }
        // Never a file outside the folders, on the deny list or in a .hearthignore; a gitignored one the user is
        // editing may be (retrieval's policy keeps it from other requests).
        const root = this.rootOf(file);
        const reason = root && this.rules.get(root)!.reason(file, false);
        if (!root || reason === "denied" || reason === "hearthignore") return "skipped";
        const language = languageOfText(file, text);
        if (!language) return "skipped";
        const before = this.editing.get(file);
        const edit = typing && existing?.symbols.parsed && existing.symbols.language === language && isParsedLanguage(language) && before?.hash === existing.hash
            ? textEdit(before.text, text) : undefined;
        if (edit && isKeystroke(edit)) {
            const grammar = this.grammars.peek(language as ParsedLanguage) ?? await this.grammars.load(language as ParsedLanguage);
            // The tree follows every key: the completion's shape and the deferred analysis read it. A key whose parse
            // runs out of time leaves the tree edited but not parsed, for the next key or the deferred analysis.
            this.liveTrees.withinBudget(file, grammar, text, {from: before!.text, edit});
            this.index.relocate(movedEntry(existing!, edit, {hash, size: text.length}));
            this.deferAnalysis(file);
        } else {
            this.cancelDeferred(file);
            const analysis = isParsedLanguage(language) ? await this.analyzeEdited(file, language, text) : await analyze(this.grammars, language, text, file);
            // mtime -1: the next save or restart compares by content hash.
            this.index.set({path: file, root, mtimeMs: -1, size: text.length, hash, ...analysis});
        }
        this.texts.put(file, text);
        this.rememberEditing(file, text, hash);
        this.dirtyShards.add(shardOf(file));
        return "indexed";
    }

    /** Whether a document's syntax tree is kept for incremental re-parsing. */
    hasLiveTree(filePath: string): boolean {
        return this.liveTrees.has(toPosix(path.resolve(filePath)));
    }

    /** Whether a document's entry waits for the analysis of its latest text (it was typed in just now). */
    analysisPending(filePath: string): boolean {
        return this.deferred.has(toPosix(path.resolve(filePath)));
    }

    private async keepLiveTree(file: string, text: string, hash: string): Promise<void> {
        const language = languageOfText(file, text);
        if (!language || !isParsedLanguage(language)) return;
        const grammar = this.grammars.peek(language) ?? await this.grammars.load(language);
        // A completion's request: within a keystroke's budget, as for an edit.
        if (this.liveTrees.has(file)) this.liveTrees.withinBudget(file, grammar, text);
        else this.liveTrees.current(file, grammar, text);
        this.rememberEditing(file, text, hash);
    }

    /** Parses a document being edited incrementally from its previous tree, and keeps the new tree. */
    private async analyzeEdited(file: string, language: ParsedLanguage, text: string): Promise<Analysis> {
        const grammar = this.grammars.peek(language) ?? await this.grammars.load(language);
        return analyzeTree(grammar, this.liveTrees.current(file, grammar, text), text, file);
    }

    private rememberEditing(file: string, text: string, hash: string): void {
        this.editing.delete(file);
        this.editing.set(file, {text, hash});
        for (const old of this.editing.keys()) {
            if (this.editing.size <= editingCapacity) break;
            this.forgetEditing(old);
        }
    }

    /** A document no longer followed keystroke by keystroke: a pending analysis runs now, while its text is known. */
    private forgetEditing(file: string): void {
        this.analyseDeferredNow(file);
        this.editing.delete(file);
    }

    private deferAnalysis(file: string): void {
        clearTimeout(this.deferred.get(file));
        const timer = setTimeout(() => void this.analyseDeferred(file), analysisPauseMs);
        timer.unref?.();
        this.deferred.set(file, timer);
    }

    private cancelDeferred(file: string): void {
        clearTimeout(this.deferred.get(file));
        this.deferred.delete(file);
    }

    /** The deferred analysis of a document, spread over turns; dropped when a key comes meanwhile (it defers again). */
    private async analyseDeferred(file: string): Promise<void> {
        const input = this.deferredInput(file);
        if (!input) { this.cancelDeferred(file); return; }
        const still = (): boolean => this.index.get(file)?.hash === input.synced.hash;
        try {
            const tree = this.liveTrees.current(file, input.grammar, input.synced.text);
            const analysis = await analyzeTreeInTurns(input.grammar, tree, input.synced.text, file, still);
            if (!analysis || !still() || !this.deferred.has(file)) return;
            this.cancelDeferred(file);
            this.reanalysed(file, analysis);
        } catch (error) {
            this.cancelDeferred(file);
            this.onError?.(`${file} was not analysed again: ${(error as Error).message}`);
        }
    }

    /** Runs the pending analyses (of `file`, or of every document) now: the index is about to be read whole or saved. */
    analyseDeferredNow(file?: string): void {
        for (const pending of file === undefined ? [...this.deferred.keys()] : this.deferred.has(file) ? [file] : []) {
            this.cancelDeferred(pending);
            const input = this.deferredInput(pending);
            if (!input) continue;
            try {
                const tree = this.liveTrees.current(pending, input.grammar, input.synced.text);
                this.reanalysed(pending, analyzeTree(input.grammar, tree, input.synced.text, pending));
            } catch (error) {
                this.onError?.(`${pending} was not analysed again: ${(error as Error).message}`);
            }
        }
    }

    /** The text a deferred analysis reads and its grammar, while the index entry still describes that text. */
    private deferredInput(file: string): {synced: {text: string, hash: string}, grammar: LoadedGrammar} | undefined {
        const synced = this.editing.get(file);
        const language = synced && languageOfText(file, synced.text);
        const grammar = language && isParsedLanguage(language) ? this.grammars.peek(language) : undefined;
        return synced && grammar && this.index.get(file)?.hash === synced.hash ? {synced, grammar} : undefined;
    }

    private reanalysed(file: string, analysis: Analysis): void {
        this.index.set({...this.index.get(file)!, ...analysis});
        this.dirtyShards.add(shardOf(file));
        this.onReanalysed?.(file);
    }

    /** Re-reads .gitignore and exclude settings; the caller re-indexes the folders afterwards. */
    setOptions(options: IndexOptions): void {
        this.options = options;
    }

    /** Writes the shards that changed since the last save. */
    async save(): Promise<void> {
        // An entry is written with the analysis of its own text, never with lines moved ahead of it.
        this.analyseDeferredNow();
        if (!this.options.storageDir || this.dirtyShards.size === 0) return;
        const shards = new Set(this.dirtyShards);
        this.dirtyShards.clear();
        try {
            await saveSnapshot(this.options.storageDir, this.index.allFiles(), shards);
        } catch (error) {
            for (const shard of shards) this.dirtyShards.add(shard);
            throw error;
        }
    }

    get folders(): readonly string[] {
        return this.roots;
    }

    /** The ignore rules of a workspace folder (as `rootOf` names it). */
    rulesOf(root: string): IgnoreRules | undefined {
        return this.rules.get(root);
    }

    rootOf(file: string): string | undefined {
        let best: string | undefined;
        for (const root of this.roots) {
            if ((file === root || file.startsWith(`${root}/`)) && (!best || root.length > best.length)) best = root;
        }
        return best;
    }

    private async indexOne(root: string, file: string, initial: boolean): Promise<UpdateResult> {
        // A saved document's text is compared by hash with its entry: the entry must describe that text.
        this.analyseDeferredNow(file);
        const prepared = this.prepare(root, file, initial);
        if (!prepared) return this.index.get(file) ? "unchanged" : "skipped";
        return this.apply(prepared, await this.runJob(prepared.job));
    }

    /** One file that cannot be parsed is left out and reported; it never stops the rest. */
    private async runJob(job: FileJob): Promise<FileJobResult> {
        try {
            return await runFileJob(this.grammars, job, true);
        } catch (error) {
            this.onError?.(`${job.path} was not indexed: ${(error as Error).message}`);
            return {kind: "skipped"};
        }
    }

    /** Cheap checks by name, size and stamp; a job when the file must be read, else undefined (done already). */
    private prepare(root: string, file: string, initial: boolean): Prepared | undefined {
        const language = languageOf(file)!;
        const stat = fs.statSync(file, {throwIfNoEntry: false});
        if (!stat || !stat.isFile() || skipByName(path.posix.basename(file)) || skipBySize(stat.size, this.options.maxFileSizeKb)) {
            this.skip(file);
            return undefined;
        }
        const known = this.index.get(file) ?? (initial ? this.persisted.get(file) : undefined);
        if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
            this.keep(known, initial);
            return undefined;
        }
        return {root, file, stat, known, job: {path: file, language, knownHash: known?.hash}};
    }

    private apply(prepared: Prepared, result: FileJobResult): UpdateResult {
        const {root, file, stat, known} = prepared;
        if (result.kind === "skipped") return this.skip(file);
        if (result.kind === "unchanged") return this.keep({...known!, mtimeMs: stat.mtimeMs, size: stat.size}, true);
        if (result.text) this.texts.put(file, result.text); else this.texts.drop(file);
        this.dirtyShards.add(shardOf(file));
        const {analysis, hash} = result;
        this.index.set({path: file, root, mtimeMs: stat.mtimeMs, size: stat.size, hash, ...analysis});
        this.stats.reparsed++;
        if (analysis.symbols.parsed) this.stats.parsedFiles++;
        this.stats.definitions += analysis.symbols.definitions.length;
        return "indexed";
    }

    private keep(file: IndexedFile, initial: boolean): UpdateResult {
        if (this.index.get(file.path) !== file) {
            this.index.set(file);
            this.dirtyShards.add(shardOf(file.path));
        }
        if (initial) {
            this.stats.reused++;
            if (file.symbols.parsed) this.stats.parsedFiles++;
            this.stats.definitions += file.symbols.definitions.length;
        }
        return "unchanged";
    }

    private skip(file: string): UpdateResult {
        this.stats.skipped++;
        this.dropFile(file);
        return "skipped";
    }
}

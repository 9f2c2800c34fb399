// Plain data shared by the context engine's modules, its worker and its adapter. No behaviour lives here.

/** What a definition is; `scope` marks containers (Rust `impl`) that give methods their owner but are not names. */
export type DefinitionKind =
    "function" | "method" | "class" | "interface" | "type" | "constant" | "property" | "module" | "scope";

export interface Definition {
    name: string;
    kind: DefinitionKind;
    /** Zero-based, inclusive line range of the whole definition. */
    startLine: number;
    endLine: number;
    /** Line of the name itself (the signature line). */
    nameLine: number;
    /** The declaration up to its body, on one line, whitespace collapsed. */
    signature: string;
    /** Name of the enclosing class/module/impl, if any. */
    container?: string;
    /** Visible to other files: `export`ed, `pub`, capitalised in Go, public in the language's sense. */
    exported: boolean;
    /** Declared at the file's top level (not nested inside another definition). */
    topLevel: boolean;
}

export interface ImportBinding {
    /** Name in the exporting module; `*` for a namespace or whole-module import. */
    imported: string;
    /** Name bound in this file. */
    local: string;
}

export interface ImportEntry {
    /** The module specifier as written: `./foo`, `pkg.mod`, `crate::a::b`, `stdio.h`. */
    source: string;
    names: ImportBinding[];
    line: number;
}

/** A span of a file that lexical (BM25) search ranks; its terms live in the index's postings. */
export interface Chunk {
    startLine: number;
    endLine: number;
}

export interface FileSymbols {
    language: string;
    /** True when the file was parsed by tree-sitter; false for plain-text chunks only. */
    parsed: boolean;
    definitions: Definition[];
    imports: ImportEntry[];
    /** Names this file exports (a subset of its definitions' names plus re-exports). */
    exports: string[];
    /** Distinct identifiers the file uses that it does not itself define. */
    references: string[];
    chunks: Chunk[];
    lineCount: number;
}

/** A file's identity on disk, so a restart can tell what changed. */
export interface FileStamp {
    mtimeMs: number;
    size: number;
    hash: string;
}

export interface IndexedFile extends FileStamp {
    /** Absolute path, forward slashes. */
    path: string;
    /** Workspace folder the file belongs to (absolute). */
    root: string;
    symbols: FileSymbols;
    /** Per chunk: its terms and their counts, flattened `[term, count, term, count, …]`. */
    chunkTerms: Array<Array<string | number>>;
}

/** Why a retrieval source proposed a snippet; the pack keeps it for inspection and tests. */
export type SnippetSource =
    "scope" | "definition" | "related" | "recentEdit" | "openEditor" |
    "selection" | "currentFile" | "namedSymbol" | "namedFile" | "lexical" | "repoMap" |
    /** What the code at a cursor is about to use (retrievePredicted.ts). */
    "typeMember" | "imported" | "sameModule" | "used" |
    /** A definition the editor's language server pointed to. */
    "languageServer";

export interface Snippet {
    path: string;
    /** Zero-based inclusive lines. */
    startLine: number;
    endLine: number;
    text: string;
    score: number;
    source: SnippetSource;
    /** For definition snippets: the name they define. */
    symbol?: string;
    /** Signatures only: the text does not follow the line range line by line, so it is never trimmed. */
    outline?: boolean;
}

export interface PackedSnippet extends Snippet {
    /** `path:start-end` with one-based lines; path relative to its workspace folder. */
    label: string;
    tokens: number;
}

export interface PackResult {
    snippets: PackedSnippet[];
    usedTokens: number;
    budgetTokens: number;
    /** Candidates left out because they overlapped, repeated, or did not fit. */
    dropped: number;
}

/** Recently edited range, reported by the adapter. */
export interface RecentEdit {
    path: string;
    startLine: number;
    endLine: number;
    /** Epoch ms of the edit. */
    at: number;
}

/** An editor the user has open, with the lines it shows. */
export interface OpenEditor {
    path: string;
    visibleStartLine?: number;
    visibleEndLine?: number;
}

export interface CursorRequest {
    path: string;
    /** The document's current text (may be unsaved). */
    text: string;
    line: number;
    column: number;
    recentEdits?: RecentEdit[];
    openEditors?: OpenEditor[];
    budgetTokens: number;
    /** Wall-clock budget for each source, ms. */
    timeBudgetMs?: number;
    /**
     * Lines of this file the prompt itself shows (its prefix and suffix windows): snippets of this file in
     * them are left out, and the scope snippet keeps only what lies above the window.
     */
    window?: {startLine: number, endLine: number};
    /** Definitions the editor's language server found for names near the cursor. */
    definitionHints?: DefinitionHint[];
    /** The prompt's language (VS Code language id): labels are comments in its syntax. Default: by the path. */
    languageId?: string;
    /** Set (an Int32 ≠ 0 at 0) by the caller when the request is superseded: retrieval stops at its next check. */
    cancel?: SharedArrayBuffer;
    /** `cursorContext`: the key of the context the caller holds; when the cursor's key is the same, nothing is retrieved. */
    knownKey?: string;
    /** `cursorContext`: pack with the engine's estimate (true), or return ranked snippets for the caller to pack. */
    pack?: boolean;
}

export interface DefinitionHint {
    path: string;
    /** Zero-based line the language server's location starts at. */
    line: number;
    kind: "definition" | "typeDefinition";
}

/**
 * A cursor's context with what it depends on. The same key means the same context: the cursor is still in the
 * same scope, above the same window start, and no other file of the index changed.
 */
export interface CursorContext {
    key: string;
    /** The enclosing scope's lines in the request's text (the window's lines at the top level). */
    scope: {startLine: number, endLine: number};
    /** Ranked snippets (`pack` false), or absent when `knownKey` was the key. */
    ranked?: Snippet[];
    /** Packed snippets (`pack` true), or absent when `knownKey` was the key. */
    packed?: PackResult;
}

export interface QuestionRequest {
    question: string;
    /** The active editor, if any. */
    current?: {path: string, text: string, line: number, selection?: {startLine: number, endLine: number}};
    openEditors?: OpenEditor[];
    budgetTokens: number;
    timeBudgetMs?: number;
    /** What the user named with `@file`, `@symbol` and `@workspace` (retrieveMentions.ts). */
    mentions?: QuestionMentions;
}

export interface QuestionMentions {
    /** Absolute paths. */
    files?: string[];
    symbols?: Array<{name: string, path: string}>;
    /** The repository map first. */
    workspace?: boolean;
}

/** An entry of the chat's `@file` / `@symbol` picker. */
export interface MentionCandidate {
    kind: "file" | "symbol";
    path: string;
    /** As shown: a workspace-relative path, or a (container-qualified) symbol name. */
    label: string;
    name?: string;
    detail?: string;
    /** Zero-based lines of the symbol's definition (0 for a file). */
    line: number;
    endLine: number;
}

export interface IndexProgress {
    done: number;
    total: number;
    /** True once the whole workspace has been indexed. */
    finished: boolean;
}

export interface IndexStats {
    /** Files in the index after the run. */
    files: number;
    /** Of those, files a grammar parsed (the rest are plain-text chunks). */
    parsedFiles: number;
    definitions: number;
    /** Files taken over unchanged (same stamp or same content hash) from memory or the persisted index. */
    reused: number;
    /** Files read and parsed in this run. */
    reparsed: number;
    /** Files left out: too large, binary, minified, generated, or unreadable. */
    skipped: number;
}

/** Settings the engine takes as plain values (from HearthConfig and `files.exclude`). */
export interface IndexOptions {
    maxFileSizeKb: number;
    /** Glob patterns (gitignore syntax) to keep out, besides each folder's .gitignore. */
    exclude: string[];
    /** Directory for the persisted index; none: not persisted. */
    storageDir?: string;
    /** Parse helper threads for the first indexing; default one per spare core, at most three. */
    parseHelpers?: number;
}

// Ranked snippets for a cursor: its enclosing scope, the definitions of the names used around it and those a
// language server pointed to, what the code is about to use (retrievePredicted.ts), related files, recently
// edited ranges and open editors. Each source runs under its own time budget and stops when the request is
// cancelled. Lines the prompt shows itself (its window of the file) are left out.
import {identifiersNearCursor} from "./cursorIdentifiers";
import {runSource, type Deadline} from "./deadline";
import {predictedSnippets} from "./retrievePredicted";
import {resolveName} from "./resolveName";
import {signatureSnippet} from "./signatureSnippet";
import {definitionSnippet, lineRangeSnippet, outlineSnippet, type SnippetSourceFiles} from "./snippets";
import type {CursorRequest, Definition, IndexedFile, Snippet} from "./types";

/** Scores put sources in order; within a source, closeness and certainty order the snippets. */
export const cursorScores = {scope: 100, languageServer: 85, definition: 80, recentEdit: 30, related: 20, openEditor: 10};
const scopeMaxLines = 80;
const defaultTimeBudgetMs = 40;
/** A name near the cursor weighted below this gets its definition's signature, not its body. */
const bodyWeight = 0.3;

export interface CursorRetrieval {
    onError?: (message: string) => void;
    /** True once the request is superseded: the sources left are skipped, the running one stops. */
    cancelled?: () => boolean;
    /** The document as retrieval sees it (stableSymbols.ts); default: its index entry. */
    file?: IndexedFile;
}

export function retrieveForCursor(files: SnippetSourceFiles, request: CursorRequest, options: CursorRetrieval = {}): Snippet[] {
    const file = options.file ?? files.index.get(request.path);
    const cancelled = options.cancelled ?? (() => false);
    const onError = options.onError;
    const budget = request.timeBudgetMs ?? defaultTimeBudgetMs;
    if (!file) return [];
    // A cancelled request skips the sources left and stops the one running at its next check.
    const source = (name: string, run: (expired: () => boolean) => Snippet[]): Snippet[] =>
        cancelled() ? [] : runSource(name, budget, (deadline: Deadline) => run(() => cancelled() || deadline.expired()), onError);
    const found = [
        ...source("scope", () => scopeSnippets(files, file, request)),
        ...source("languageServer", (expired) => hintSnippets(files, request, expired)),
        ...source("definitions", (expired) => definitionSnippets(files, file, request, expired)),
        ...source("predicted", (expired) => predictedSnippets(files, file, request, expired)),
        ...source("related", (expired) => relatedSnippets(files, file, expired)),
        ...source("recentEdits", () => recentEditSnippets(files, request)),
        ...source("openEditors", () => openEditorSnippets(files, request))
    ];
    return withoutRepeats(outsideWindow(found, request));
}

/** Snippets of the file being edited that the prompt's window shows already are left out. */
function outsideWindow(snippets: Snippet[], request: CursorRequest): Snippet[] {
    const window = request.window;
    if (!window) return snippets;
    return snippets.filter((s) => s.path !== request.path || s.source === "scope" || s.endLine < window.startLine || s.startLine > window.endLine);
}

/** One snippet per definition: the best-scored of those several sources proposed for it. */
function withoutRepeats(snippets: Snippet[]): Snippet[] {
    const best = new Map<string, Snippet>();
    const rest: Snippet[] = [];
    for (const s of snippets) {
        if (!s.symbol || s.source === "scope") { rest.push(s); continue; }
        const key = `${s.path}:${s.startLine}:${s.symbol}`;
        const known = best.get(key);
        if (!known || known.score < s.score) best.set(key, s);
    }
    return [...rest, ...best.values()];
}

/** The innermost definition around the cursor (a function before its class); windowed when long. */
export function enclosingDefinition(file: IndexedFile, line: number): Definition | undefined {
    let best: Definition | undefined;
    for (const def of file.symbols.definitions) {
        if (def.startLine > line || def.endLine < line || def.kind === "module") continue;
        if (!best || def.endLine - def.startLine < best.endLine - best.startLine) best = def;
    }
    return best;
}

/** The lines of the enclosing definition the scope snippet shows: all of it, or a window around the cursor. */
function scopeWindow(file: IndexedFile, line: number): {def: Definition, start: number, end: number} | undefined {
    const def = enclosingDefinition(file, line);
    if (!def) return undefined;
    let start = def.startLine, end = def.endLine;
    if (end - start + 1 > scopeMaxLines) {
        start = Math.max(start, line - Math.floor(scopeMaxLines * 0.7));
        end = Math.min(end, start + scopeMaxLines - 1);
    }
    return {def, start, end};
}

/** The enclosing definition; with a window, only its lines above the window (its head first). */
function scopeSnippets(files: SnippetSourceFiles, file: IndexedFile, request: CursorRequest): Snippet[] {
    let scope: {def: Definition, start: number, end: number} | undefined;
    if (request.window) {
        const def = enclosingDefinition(file, request.line);
        if (!def || def.startLine >= request.window.startLine) return [];
        scope = {def, start: def.startLine, end: Math.min(request.window.startLine - 1, def.startLine + scopeMaxLines - 1)};
    } else {
        scope = scopeWindow(file, request.line);
    }
    if (!scope) return [];
    const snippet = lineRangeSnippet(files, file.path, scope.start, scope.end, cursorScores.scope, "scope", scope.def.name);
    return snippet ? [snippet] : [];
}

/**
 * Definitions a language server found (nearest name first): the definition at each location, whole, or for a
 * type definition the type itself. Locations the index does not hold (libraries, other folders) give nothing.
 */
function hintSnippets(files: SnippetSourceFiles, request: CursorRequest, expired: () => boolean): Snippet[] {
    const snippets: Snippet[] = [];
    (request.definitionHints ?? []).forEach((hint, i) => {
        if (expired()) return;
        const file = files.index.get(hint.path);
        if (!file) return;
        const def = definitionAt(file, hint.line);
        const score = cursorScores.languageServer / (1 + i * 0.1);
        const s = def ? definitionSnippet(files, hint.path, def, score, "languageServer") : lineRangeSnippet(files, hint.path, hint.line, hint.line + 9, score, "languageServer");
        if (s) snippets.push(s);
    });
    return snippets;
}

/** The definition whose name is on `line`, else the innermost one around it. */
function definitionAt(file: IndexedFile, line: number): Definition | undefined {
    const named = file.symbols.definitions.filter((d) => d.nameLine === line && d.kind !== "scope");
    if (named.length > 0) return named.reduce((a, b) => (b.endLine - b.startLine > a.endLine - a.startLine ? b : a));
    return enclosingDefinition(file, line);
}

function definitionSnippets(files: SnippetSourceFiles, file: IndexedFile, request: CursorRequest, expired: () => boolean): Snippet[] {
    const cached = files.texts.get(file.path);
    if (!cached) return [];
    const scope = scopeWindow(file, request.line);
    const snippets: Snippet[] = [];
    const seen = new Set<string>();
    for (const nearby of identifiersNearCursor(cached.text, cached.starts, request.line, request.column)) {
        if (expired()) break;
        for (const found of resolveName(files.index, file, nearby.name, nearby.qualifier)) {
            // Definitions the scope snippet shows are in view already; so are those around the cursor.
            if (found.path === file.path && scope && found.def.startLine >= scope.start && found.def.endLine <= scope.end) continue;
            if (found.path === file.path && found.def.startLine <= request.line && found.def.endLine >= request.line) continue;
            const key = `${found.path}:${found.def.startLine}`;
            if (seen.has(key)) continue;
            seen.add(key);
            // Names far from the cursor are likelier context than callees: their signatures leave room for more.
            const weight = nearby.weight * found.certainty;
            const snippet = weight >= bodyWeight
                ? definitionSnippet(files, found.path, found.def, cursorScores.definition * weight, "definition")
                : signatureSnippet(files, found.path, found.def, cursorScores.definition * weight, "definition");
            if (snippet) snippets.push(snippet);
        }
    }
    return snippets;
}

function relatedSnippets(files: SnippetSourceFiles, file: IndexedFile, expired: () => boolean): Snippet[] {
    const snippets: Snippet[] = [];
    const imported = [...new Set(files.index.importTargets(file.path).flat())].filter((p) => p !== file.path).slice(0, 8);
    imported.forEach((path, i) => {
        if (expired()) return;
        const s = outlineSnippet(files, path, cursorScores.related / (1 + i * 0.2), "related");
        if (s) snippets.push(s);
    });
    [...files.index.importersOf(file.path)].slice(0, 4).forEach((path, i) => {
        if (expired()) return;
        const s = outlineSnippet(files, path, cursorScores.related * 0.7 / (1 + i * 0.2), "related");
        if (s) snippets.push(s);
    });
    return snippets;
}

function recentEditSnippets(files: SnippetSourceFiles, request: CursorRequest): Snippet[] {
    const now = Date.now();
    return (request.recentEdits ?? []).flatMap((edit) => {
        // The edit under the cursor is the code being written: the prompt already has it.
        if (edit.path === request.path && Math.abs(edit.startLine - request.line) < 10) return [];
        const ageMinutes = Math.max(0, now - edit.at) / 60000;
        const s = lineRangeSnippet(files, edit.path, edit.startLine - 3, edit.endLine + 3, cursorScores.recentEdit / (1 + ageMinutes), "recentEdit");
        return s ? [s] : [];
    });
}

function openEditorSnippets(files: SnippetSourceFiles, request: CursorRequest): Snippet[] {
    return (request.openEditors ?? []).filter((e) => e.path !== request.path).slice(0, 6).flatMap((editor, i) => {
        const score = cursorScores.openEditor / (1 + i * 0.3);
        const s = editor.visibleStartLine !== undefined
            ? lineRangeSnippet(files, editor.path, editor.visibleStartLine, Math.min(editor.visibleEndLine ?? editor.visibleStartLine + 40, editor.visibleStartLine + 40), score, "openEditor")
            : outlineSnippet(files, editor.path, score, "openEditor");
        return s ? [s] : [];
    });
}

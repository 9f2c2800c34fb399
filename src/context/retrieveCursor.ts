// Ranked snippets for a cursor: its enclosing scope, the definitions of the names used around it, related
// files, recently edited ranges and open editors. Each source runs under its own time budget.
import {identifiersNearCursor} from "./cursorIdentifiers";
import {runSource} from "./deadline";
import {resolveName} from "./resolveName";
import {definitionSnippet, lineRangeSnippet, outlineSnippet, type SnippetSourceFiles} from "./snippets";
import type {CursorRequest, Definition, IndexedFile, Snippet} from "./types";

/** Scores put sources in order; within a source, closeness and certainty order the snippets. */
export const cursorScores = {scope: 100, definition: 80, recentEdit: 30, related: 20, openEditor: 10};
const scopeMaxLines = 80;
const defaultTimeBudgetMs = 40;

export function retrieveForCursor(files: SnippetSourceFiles, request: CursorRequest, onError?: (m: string) => void): Snippet[] {
    const file = files.index.get(request.path);
    const budget = request.timeBudgetMs ?? defaultTimeBudgetMs;
    if (!file) return [];
    return [
        ...runSource("scope", budget, () => scopeSnippets(files, file, request.line), onError),
        ...runSource("definitions", budget, (deadline) => definitionSnippets(files, file, request, () => deadline.expired()), onError),
        ...runSource("related", budget, (deadline) => relatedSnippets(files, file, () => deadline.expired()), onError),
        ...runSource("recentEdits", budget, () => recentEditSnippets(files, request), onError),
        ...runSource("openEditors", budget, () => openEditorSnippets(files, request), onError)
    ];
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

function scopeSnippets(files: SnippetSourceFiles, file: IndexedFile, line: number): Snippet[] {
    const scope = scopeWindow(file, line);
    if (!scope) return [];
    const snippet = lineRangeSnippet(files, file.path, scope.start, scope.end, cursorScores.scope, "scope", scope.def.name);
    return snippet ? [snippet] : [];
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
            const snippet = definitionSnippet(files, found.path, found.def, cursorScores.definition * nearby.weight * found.certainty, "definition");
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

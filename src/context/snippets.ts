// Cutting snippets out of files: a definition, a window of lines, a file's outline of top-level signatures.
import type {WorkspaceIndex} from "./workspaceIndex";
import type {TextCache} from "./textCache";
import {sliceLines} from "./lines";
import type {Definition, Snippet, SnippetSource} from "./types";

/** Longest definition snippet; longer bodies keep their head (signature and first lines). */
export const maxDefinitionLines = 60;

export interface SnippetSourceFiles {
    index: WorkspaceIndex;
    texts: TextCache;
}

export function lineRangeSnippet(
    files: SnippetSourceFiles, path: string, startLine: number, endLine: number, score: number, source: SnippetSource, symbol?: string
): Snippet | undefined {
    const cached = files.texts.redacted(path);
    if (!cached) return undefined;
    const last = cached.starts.length - 1;
    const start = Math.max(0, Math.min(startLine, last));
    const end = Math.max(start, Math.min(endLine, last));
    const text = sliceLines(cached.text, cached.starts, start, end);
    if (!text.trim()) return undefined;
    return {path, startLine: start, endLine: end, text, score, source, symbol};
}

export function definitionSnippet(files: SnippetSourceFiles, path: string, def: Definition, score: number, source: SnippetSource): Snippet | undefined {
    const end = Math.min(def.endLine, def.startLine + maxDefinitionLines - 1);
    return lineRangeSnippet(files, path, def.startLine, end, score, source, def.name);
}

/** The file's top-level signatures, one per line, as a single snippet spanning them. */
export function outlineSnippet(files: SnippetSourceFiles, path: string, score: number, source: SnippetSource, maxEntries = 40): Snippet | undefined {
    const file = files.index.get(path);
    if (!file) return undefined;
    const defs = outlineDefinitions(file.symbols.definitions).slice(0, maxEntries);
    if (defs.length === 0) return lineRangeSnippet(files, path, 0, 29, score, source);
    return {
        path,
        startLine: defs[0].startLine,
        endLine: defs[defs.length - 1].endLine,
        text: defs.map((d) => d.signature).join("\n"),
        score,
        source,
        outline: true
    };
}

/** Top-level definitions and the members of top-level classes: what a reader skims first. */
export function outlineDefinitions(definitions: readonly Definition[]): Definition[] {
    return definitions.filter((d) => d.kind !== "scope" && (d.topLevel || d.kind === "method"));
}

// A map of the repository: each file with its top-level signatures, most connected files first. Packed last,
// into whatever budget the other sources leave.
import {outlineDefinitions, type SnippetSourceFiles} from "./snippets";
import type {Snippet} from "./types";

export const repoMapScore = 1;

export function repoMapSnippets(files: SnippetSourceFiles, maxFiles = 400, expired: () => boolean = () => false): Snippet[] {
    const entries: Array<{path: string, importers: number, startLine: number, endLine: number, text: string}> = [];
    for (const file of files.index.allFiles()) {
        if (expired()) break;
        const defs = outlineDefinitions(file.symbols.definitions).filter((d) => d.topLevel).slice(0, 25);
        if (defs.length === 0) continue;
        entries.push({
            path: file.path,
            importers: files.index.importersOf(file.path).size,
            startLine: defs[0].startLine,
            endLine: defs[defs.length - 1].endLine,
            text: defs.map((d) => d.signature).join("\n")
        });
    }
    entries.sort((a, b) => b.importers - a.importers || a.path.localeCompare(b.path));
    return entries.slice(0, maxFiles).map((e, i) => ({
        path: e.path, startLine: e.startLine, endLine: e.endLine, text: e.text,
        score: repoMapScore / (1 + i / maxFiles), source: "repoMap" as const, outline: true
    }));
}

// What the user named in a chat question with `@file`, `@symbol` and `@workspace`: the picker's candidates,
// searched in the index, and the snippets a question's mentions add — scored above everything the question
// only implies, since the user asked for them.
import path from "node:path";
import {repoMapSnippets} from "./repoMap";
import {definitionSnippet, lineRangeSnippet, type SnippetSourceFiles} from "./snippets";
import type {MentionCandidate, QuestionMentions, Snippet} from "./types";

export const mentionScores = {symbol: 95, file: 90, workspaceMap: 50};
/** A mentioned file is given whole up to this many lines (packing trims what does not fit). */
const maxFileLines = 400;

export function mentionSnippets(files: SnippetSourceFiles, mentions: QuestionMentions | undefined): Snippet[] {
    if (!mentions) return [];
    const out: Snippet[] = [];
    for (const file of mentions.files ?? []) {
        const indexed = files.index.get(file);
        const last = Math.min((indexed?.symbols.lineCount ?? maxFileLines) - 1, maxFileLines - 1);
        const s = lineRangeSnippet(files, file, 0, Math.max(0, last), mentionScores.file, "namedFile");
        if (s) out.push(s);
    }
    for (const symbol of mentions.symbols ?? []) {
        const ref = files.index.definitionsNamed(symbol.name).find((r) => r.path === symbol.path) ?? files.index.definitionsNamed(symbol.name)[0];
        const s = ref && definitionSnippet(files, ref.path, ref.def, mentionScores.symbol, "namedSymbol");
        if (s) out.push(s);
    }
    if (mentions.workspace) {
        // The repository map is in every question's candidates at the lowest score; @workspace puts it ahead of
        // lexical matches, so the map is packed first.
        for (const s of repoMapSnippets(files)) out.push({...s, score: mentionScores.workspaceMap * (s.score || 1)});
    }
    return out;
}

/**
 * Picker candidates for `@file` or `@symbol`: paths (or names) containing the query's characters in order,
 * best first — a match at the start of the base name, then a contiguous match, then shorter. At most `limit`.
 */
export function searchMentions(
    files: SnippetSourceFiles, kind: "file" | "symbol", query: string, limit: number, displayPath: (p: string) => string
): MentionCandidate[] {
    const q = query.toLowerCase();
    const scored: Array<{candidate: MentionCandidate, rank: number}> = [];
    for (const file of files.index.allFiles()) {
        const shown = displayPath(file.path);
        if (kind === "file") {
            const rank = matchRank(shown.toLowerCase(), path.posix.basename(shown).toLowerCase(), q);
            if (rank !== undefined) scored.push({candidate: {kind, path: file.path, label: shown, line: 0, endLine: 0}, rank: rank + shown.length / 1000});
            continue;
        }
        for (const def of file.symbols.definitions) {
            if (def.kind === "scope") continue;
            const name = def.name.toLowerCase();
            const rank = matchRank(name, name, q);
            if (rank === undefined) continue;
            const label = def.container ? `${def.container}.${def.name}` : def.name;
            scored.push({candidate: {kind, path: file.path, name: def.name, label, detail: `${def.kind} · ${shown}:${def.startLine + 1}`, line: def.startLine, endLine: def.endLine}, rank: rank + (def.exported ? 0 : 0.5) + name.length / 1000});
        }
    }
    return scored.sort((a, b) => a.rank - b.rank || a.candidate.label.localeCompare(b.candidate.label)).slice(0, limit).map((s) => s.candidate);
}

/** 0: prefix of the base name; 1: contiguous; 2: characters in order; undefined: no match. */
function matchRank(full: string, base: string, query: string): number | undefined {
    if (query === "") return 2;
    if (base.startsWith(query)) return 0;
    if (full.includes(query)) return 1;
    let i = 0;
    for (const c of full) if (c === query[i]) i++;
    return i === query.length ? 2 : undefined;
}

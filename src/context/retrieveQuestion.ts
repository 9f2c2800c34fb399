// Ranked snippets for a chat question: the selection and the current file, the symbols and files the question
// names, BM25 over symbols and chunks, and (scored lowest, so packed only when room is left) a repository map.
import path from "node:path";
import {runSource} from "./deadline";
import {queryTerms} from "./identifiers";
import {repoMapSnippets} from "./repoMap";
import {mentionSnippets} from "./retrieveMentions";
import {definitionSnippet, lineRangeSnippet, outlineSnippet, type SnippetSourceFiles} from "./snippets";
import type {QuestionRequest, Snippet} from "./types";

export const questionScores = {selection: 100, currentFile: 60, namedSymbol: 70, namedFile: 65, lexicalSymbol: 45, lexicalChunk: 40};
const defaultTimeBudgetMs = 100;
const currentFileWindow = 40;

export function retrieveForQuestion(files: SnippetSourceFiles, request: QuestionRequest, onError?: (m: string) => void): Snippet[] {
    const budget = request.timeBudgetMs ?? defaultTimeBudgetMs;
    return [
        ...runSource("mentions", budget, () => mentionSnippets(files, request.mentions), onError),
        ...runSource("current", budget, () => currentSnippets(files, request), onError),
        ...runSource("namedSymbols", budget, (d) => namedSymbolSnippets(files, request.question, () => d.expired()), onError),
        ...runSource("namedFiles", budget, (d) => namedFileSnippets(files, request.question, () => d.expired()), onError),
        ...runSource("lexical", budget, () => lexicalSnippets(files, request.question), onError),
        ...runSource("repoMap", budget, (d) => repoMapSnippets(files, 400, () => d.expired()), onError)
    ];
}

function currentSnippets(files: SnippetSourceFiles, request: QuestionRequest): Snippet[] {
    const current = request.current;
    if (!current) return [];
    const snippets: Snippet[] = [];
    if (current.selection) {
        const s = lineRangeSnippet(files, current.path, current.selection.startLine, current.selection.endLine, questionScores.selection, "selection");
        if (s) snippets.push(s);
    }
    const s = lineRangeSnippet(files, current.path, current.line - currentFileWindow, current.line + currentFileWindow, questionScores.currentFile, "currentFile");
    if (s) snippets.push(s);
    return snippets;
}

/**
 * Names in the question that look like code and that the workspace defines: `WorkspaceIndex`, `parse_file`,
 * `fooBar()`, anything in backticks. Plain words ("run", "file") are left to lexical search.
 */
export function namedSymbols(question: string): Set<string> {
    const names = new Set<string>();
    for (const match of question.matchAll(/(`?)([A-Za-z_$][A-Za-z0-9_$]{2,})(`?)(\()?/g)) {
        const [, open, name, close, call] = match;
        const codeLike = /[a-z0-9][A-Z]|[A-Z]{2}|_|\d/.test(name) || (open === "`" && close === "`") || call === "(";
        if (codeLike) names.add(name);
    }
    return names;
}

function namedSymbolSnippets(files: SnippetSourceFiles, question: string, expired: () => boolean): Snippet[] {
    const snippets: Snippet[] = [];
    const names = namedSymbols(question);
    for (const name of names) {
        if (expired()) break;
        const refs = files.index.definitionsNamed(name).slice(0, 4);
        refs.forEach((ref, i) => {
            const s = definitionSnippet(files, ref.path, ref.def, questionScores.namedSymbol / (1 + i * 0.3), "namedSymbol");
            if (s) snippets.push(s);
        });
    }
    return snippets;
}

/** Files the question names by path or base name (`retrieve.ts`, `src/context/pack.ts`). */
function namedFileSnippets(files: SnippetSourceFiles, question: string, expired: () => boolean): Snippet[] {
    const mentioned = new Set((question.match(/[\w./-]+\.[A-Za-z0-9]{1,6}\b/g) ?? []).map((m) => m.replace(/^\.\//, "")));
    if (mentioned.size === 0) return [];
    const snippets: Snippet[] = [];
    for (const file of files.index.allFiles()) {
        if (expired()) break;
        const rel = path.posix.relative(file.root, file.path);
        if (!mentioned.has(rel) && !mentioned.has(path.posix.basename(file.path))) continue;
        const s = file.symbols.definitions.length > 0
            ? outlineSnippet(files, file.path, questionScores.namedFile, "namedFile")
            : lineRangeSnippet(files, file.path, 0, 59, questionScores.namedFile, "namedFile");
        if (s) snippets.push(s);
    }
    return snippets;
}

function lexicalSnippets(files: SnippetSourceFiles, question: string): Snippet[] {
    const terms = queryTerms(question);
    if (terms.length === 0) return [];
    const snippets: Snippet[] = [];
    const symbols = files.index.searchSymbols(terms, 20);
    const topSymbol = symbols[0]?.score ?? 1;
    for (const hit of symbols) {
        const s = definitionSnippet(files, hit.path, hit.def, questionScores.lexicalSymbol * hit.score / topSymbol, "lexical");
        if (s) snippets.push(s);
    }
    const chunks = files.index.searchChunks(terms, 30);
    const topChunk = chunks[0]?.score ?? 1;
    for (const hit of chunks) {
        const chunk = files.index.get(hit.path)?.symbols.chunks[hit.chunk];
        if (!chunk) continue;
        const s = lineRangeSnippet(files, hit.path, chunk.startLine, chunk.endLine, questionScores.lexicalChunk * hit.score / topChunk, "lexical");
        if (s) snippets.push(s);
    }
    return snippets;
}

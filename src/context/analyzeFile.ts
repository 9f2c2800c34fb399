// Turns one file's text into its index entry: parse with its grammar (or chunk as plain text), extract
// symbols, and count each chunk's search terms. Whole files are parsed here; documents being edited are
// parsed incrementally by the indexer and read out through `analyzeTree`.
import {createHash} from "node:crypto";
import type {Tree} from "web-tree-sitter";
import {isKeyword, termCounts, termsFromWords, wordCounts} from "./identifiers";
import {isParsedLanguage, type ParsedLanguage} from "./languages";
import {lineStarts, sliceLines} from "./lines";
import {GrammarSet, type LoadedGrammar} from "./parser";
import {extractSymbols, plainTextSymbols} from "./symbols";
import type {FileSymbols} from "./types";

export interface Analysis {
    symbols: FileSymbols;
    chunkTerms: Array<Array<string | number>>;
}

export function contentHash(text: string): string {
    return createHash("sha1").update(text).digest("base64url").slice(0, 16);
}

/** A file's name and folders are words about it: "the geometry code" finds `src/geometry.ts`. */
function addPathTerms(filePath: string, counts: Map<string, number>): void {
    const parts = filePath.split("/").slice(-3).join(" ").replace(/\.[^. ]+$/, "");
    for (const [term] of termCounts(parts)) counts.set(term, (counts.get(term) ?? 0) + 2);
}

export async function analyze(grammars: GrammarSet, language: ParsedLanguage | "text", text: string, filePath = ""): Promise<Analysis> {
    if (!isParsedLanguage(language)) return withTerms(plainTextSymbols(lineStarts(text).length), text, filePath);
    const grammar = grammars.peek(language) ?? await grammars.load(language);
    const tree = GrammarSet.parse(grammar, text);
    try {
        return analyzeTree(grammar, tree, text, filePath);
    } finally {
        tree.delete();
    }
}

/** Symbols and terms of a file already parsed (incrementally, for a document being edited). */
export function analyzeTree(grammar: LoadedGrammar, tree: Tree, text: string, filePath = ""): Analysis {
    return finish(termSteps(extractSymbols(grammar, tree, text, lineStarts(text).length), text, filePath));
}

/**
 * The same, with the term counting spread over turns of the event loop (a large document's deferred analysis,
 * tens of ms), so the thread answers requests meanwhile. The tree is read before the first turn ends; undefined
 * when `wanted` turns false between turns (the document changed again).
 */
export async function analyzeTreeInTurns(
    grammar: LoadedGrammar, tree: Tree, text: string, filePath: string, wanted: () => boolean, turnMs = 4
): Promise<Analysis | undefined> {
    const steps = termSteps(extractSymbols(grammar, tree, text, lineStarts(text).length), text, filePath);
    let turnStart = performance.now();
    for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        if (performance.now() - turnStart < turnMs) continue;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (!wanted()) return undefined;
        turnStart = performance.now();
    }
}

function withTerms(symbols: FileSymbols, text: string, filePath: string): Analysis {
    return finish(termSteps(symbols, text, filePath));
}

function finish(steps: Generator<void, Analysis>): Analysis {
    for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
    }
}

/** Counts each chunk's terms, one step per chunk. */
function* termSteps(symbols: FileSymbols, text: string, filePath: string): Generator<void, Analysis> {
    const starts = lineStarts(text);
    // One pass over the words of each chunk gives both its search terms and the file's references.
    const allWords = new Set<string>();
    const chunkTerms: Array<Array<string | number>> = [];
    for (const [i, chunk] of symbols.chunks.entries()) {
        const words = wordCounts(sliceLines(text, starts, chunk.startLine, chunk.endLine));
        for (const word of words.keys()) allWords.add(word);
        const counts = termsFromWords(words);
        if (i === 0 && filePath) addPathTerms(filePath, counts);
        const flat: Array<string | number> = [];
        for (const [term, count] of counts) flat.push(term, count);
        chunkTerms.push(flat);
        yield;
    }
    if (symbols.parsed) {
        const defined = new Set(symbols.definitions.map((d) => d.name));
        symbols.references = [...allWords].filter((word) => !isKeyword(word) && !defined.has(word));
    }
    return {symbols, chunkTerms};
}

// Lexical views of code: identifiers (for references and cursor neighbourhoods) and search terms (for BM25).
// Done with regular expressions over the text, because pulling every identifier node across the wasm
// boundary costs more than parsing the file.

const identifierPattern = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** Keywords of the indexed languages: never references, never worth searching for. */
const keywords = new Set((
    "abstract and as assert async await break case catch class const continue def default defer del delete do elif " +
    "else elsif end enum export extends extern false final finally fn for foreach from func function go goto if impl " +
    "implements import in instanceof interface is lambda let loop match mod module mut namespace new nil none not " +
    "null or override package pass private protected pub public raise readonly require return select self static " +
    "struct super switch synchronized then this throw throws trait true try type typedef typeof undefined union " +
    "unless until use using var void volatile when where while with yield int char float double long short " +
    "unsigned signed bool boolean string str byte echo fi done esac local sizeof begin rescue ensure crate dyn ref " +
    "unsafe chan map range fallthrough internal sealed virtual object include define ifdef ifndef endif elif undef " +
    "None True False number any unknown never keyof declare get set of"
).split(" "));

/** `name` matched literally inside a regular expression: C++ names such as `operator++` hold its operators. */
export function escapeRegExp(name: string): string {
    return name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function isKeyword(word: string): boolean {
    return keywords.has(word);
}

/** Identifiers of a line range with their positions, nearest first is the caller's job. */
export function identifiersWithPositions(text: string): Array<{name: string, index: number}> {
    const found: Array<{name: string, index: number}> = [];
    for (const match of text.matchAll(identifierPattern)) {
        const word = match[0];
        if (word.length > 1 && !keywords.has(word)) found.push({name: word, index: match.index});
    }
    return found;
}

/** `parseHTTPResponse2` → `parse`, `http`, `response2`; `snake_case` → `snake`, `case`. */
export function splitIdentifier(word: string): string[] {
    return word
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
        .split(/[\s_$]+/)
        .map((part) => part.toLowerCase())
        .filter((part) => part.length > 1);
}

/**
 * Search terms of a text with their counts: each identifier whole (lower-cased) and its parts, so that
 * "workspace index" finds `WorkspaceIndex` and `workspace_index`.
 */
export function termCounts(text: string, into: Map<string, number> = new Map()): Map<string, number> {
    return termsFromWords(wordCounts(text), into);
}

/** Each distinct word of `text` (two characters or more) with its count: one regex pass. */
export function wordCounts(text: string): Map<string, number> {
    const words = new Map<string, number>();
    for (const match of text.matchAll(identifierPattern)) {
        const word = match[0];
        if (word.length > 1) words.set(word, (words.get(word) ?? 0) + 1);
    }
    return words;
}

/** Search terms from word counts; each distinct word is split once, however often it occurs. */
export function termsFromWords(words: ReadonlyMap<string, number>, into: Map<string, number> = new Map()): Map<string, number> {
    for (const [word, count] of words) {
        if (keywords.has(word)) continue;
        const lower = word.toLowerCase();
        into.set(lower, (into.get(lower) ?? 0) + count);
        if (!/[A-Z_$].*[a-z0-9]|[a-z0-9].*[A-Z_$]/.test(word.slice(1))) continue; // nothing to split
        const parts = splitIdentifier(word);
        if (parts.length > 1) for (const part of parts) into.set(part, (into.get(part) ?? 0) + count);
    }
    return into;
}

/** Terms of a question: the same analysis, so both sides meet. */
export function queryTerms(question: string): string[] {
    return [...termCounts(question).keys()].filter((term) => !stopWords.has(term));
}

const stopWords = new Set((
    "the a an is are was were be been what where which who whom how why does do did can could should would " +
    "this that these those it its to of in on for with by from at into about me my we our you your i " +
    "there here have has had will shall may might must code file files function functions method class work works"
).split(" "));

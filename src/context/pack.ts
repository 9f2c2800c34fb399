// Fits ranked snippets into a token budget: highest score first, no repeated or overlapping line ranges
// (a partly covered snippet keeps only its uncovered lines), each labelled with its path and lines in a comment
// of the prompt's language. Rendered in a stable order (path, then line), so that the same snippets always
// make the same text, whatever their scores: the runtime's KV cache keeps a prompt prefix only if it repeats.
import {commentLine, type CommentSyntax} from "./commentSyntax";
import {estimateTokens, estimatingCounter, type TokenCounter} from "./tokenCount";
import type {PackedSnippet, PackResult, Snippet} from "./types";

/** Below this many free tokens a long snippet is not worth cutting down; smaller ones may still fit. */
const minTruncatedTokens = 48;

export interface PackOptions {
    budgetTokens: number;
    counter?: TokenCounter;
    /** Path as shown in labels (relative to its workspace folder); the absolute path otherwise. */
    displayPath?: (path: string) => string;
    /** How labels are written: the comment syntax of the prompt's language; default `// `. */
    comment?: CommentSyntax;
}

const defaultComment: CommentSyntax = {open: "// ", close: ""};

export function snippetLabel(displayPath: string, startLine: number, endLine: number): string {
    return `${displayPath}:${startLine + 1}-${endLine + 1}`;
}

/** The snippet as it appears in a prompt: its label line (a `//` comment), then its text. */
export function renderSnippet(snippet: PackedSnippet): string {
    return labelled(snippet.label, snippet.text, defaultComment);
}

/** The snippet with its label in `comment`'s syntax. */
export function renderSnippetIn(snippet: PackedSnippet, comment: CommentSyntax): string {
    return labelled(snippet.label, snippet.text, comment);
}

function labelled(label: string, text: string, comment: CommentSyntax): string {
    return `${commentLine(label, comment)}\n${text}\n`;
}

/** Packed snippets in prompt order: by path, then by line, so the text depends only on what was packed. */
export function promptOrder(snippets: readonly PackedSnippet[]): PackedSnippet[] {
    return [...snippets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.startLine - b.startLine);
}

/** The packed context as prompt text: every snippet, labelled in `comment`'s syntax, in prompt order. */
export function renderContext(result: PackResult, comment: CommentSyntax = defaultComment): string {
    return promptOrder(result.snippets).map((snippet) => renderSnippetIn(snippet, comment)).join("");
}

export function pack(candidates: readonly Snippet[], options: PackOptions): PackResult {
    const counter = options.counter ?? estimatingCounter;
    const display = options.displayPath ?? ((p: string) => p);
    const comment = options.comment ?? defaultComment;
    const ordered = [...candidates].sort((a, b) => b.score - a.score || a.path.localeCompare(b.path) || a.startLine - b.startLine);
    const taken = new Map<string, Array<[number, number]>>();
    const packed: PackedSnippet[] = [];
    let used = 0, dropped = 0;

    for (const candidate of ordered) {
        const ranges = taken.get(candidate.path) ?? [];
        let snippet: Snippet | undefined = candidate;
        if (ranges.some(([s, e]) => s <= candidate.endLine && candidate.startLine <= e)) {
            snippet = candidate.outline ? undefined : uncoveredPart(candidate, ranges);
        }
        if (!snippet) { dropped++; continue; }
        const remaining = options.budgetTokens - used;
        let item = measure(snippet, display, counter, comment);
        if (item.tokens > remaining) {
            item = (remaining >= minTruncatedTokens && !snippet.outline ? truncateToFit(snippet, remaining, display, counter, comment) : undefined) as PackedSnippet;
            if (!item) { dropped++; continue; }
        }
        packed.push(item);
        used += item.tokens;
        ranges.push([item.startLine, item.endLine]);
        taken.set(item.path, ranges);
    }
    return {snippets: packed, usedTokens: used, budgetTokens: options.budgetTokens, dropped};
}

/**
 * The best-scored candidates whose estimated size adds up to `factor` times the budget: all a pack could take,
 * so that a caller packing with the model's tokenizer counts (and receives) a few dozen texts, not hundreds.
 */
export function likelyToFit(candidates: readonly Snippet[], budgetTokens: number, factor = 1.5): Snippet[] {
    const ordered = [...candidates].sort((a, b) => b.score - a.score);
    const kept: Snippet[] = [];
    let total = 0;
    for (const snippet of ordered) {
        if (total > budgetTokens * factor) break;
        kept.push(snippet);
        total += estimateTokens(snippet.text) + 8;
    }
    return kept;
}

/**
 * Packs with a counter that crosses a process boundary (the model's tokenizer): counts every candidate in one
 * batch within `timeMs`, and falls back to the estimate when the tokenizer is slower than that. A snippet
 * trimmed to fit is new text, so it is counted exactly too and the pack is redone with that count; whatever
 * still has no exact count when the rounds or the time run out is left out, so the budget always holds.
 */
export async function packWithTokenizer(candidates: readonly Snippet[], options: PackOptions & {timeMs: number}): Promise<PackResult> {
    const counter = options.counter;
    if (!counter?.countMany) return pack(candidates, options);
    const countMany = counter.countMany.bind(counter);
    const display = options.displayPath ?? ((p: string) => p);
    const deadline = Date.now() + options.timeMs;
    const known = new Map<string, number>();
    const countExactly = async (texts: readonly string[]): Promise<boolean> => {
        const missing = [...new Set(texts.filter((t) => !known.has(t)))];
        if (missing.length === 0) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), left); });
        const counts = await Promise.race([countMany(missing).catch(() => undefined), timeout]);
        clearTimeout(timer);
        if (!counts) return false;
        missing.forEach((text, i) => known.set(text, counts[i]));
        return true;
    };

    const comment = options.comment ?? defaultComment;
    const texts = candidates.map((s) => labelled(snippetLabel(display(s.path), s.startLine, s.endLine), s.text, comment));
    if (!await countExactly(texts)) return pack(candidates, {...options, counter: estimatingCounter});
    // Trims are guessed from the estimate scaled by the worst ratio seen on this batch, so a guess rarely falls
    // short of the real count and the exact recount confirms it in one round.
    const ratio = Math.max(1, ...texts.map((t) => known.get(t)! / Math.max(1, counter.count(t))));
    const cached: TokenCounter = {count: (t) => known.get(t) ?? Math.ceil(counter.count(t) * ratio), exact: true};
    let result = pack(candidates, {...options, counter: cached});
    for (let round = 0; round < MAX_RECOUNT_ROUNDS; round++) {
        const rendered = result.snippets.map((snippet) => renderSnippetIn(snippet, comment));
        if (rendered.every((t) => known.has(t))) return result;
        if (!await countExactly(rendered)) break;
        result = pack(candidates, {...options, counter: cached});
    }
    const exact = result.snippets.filter((snippet) => known.has(renderSnippetIn(snippet, comment)));
    return {
        snippets: exact,
        usedTokens: exact.reduce((sum, snippet) => sum + snippet.tokens, 0),
        budgetTokens: options.budgetTokens,
        dropped: result.dropped + result.snippets.length - exact.length
    };
}

/** Each round re-packs with the exact counts of the trims the last one chose; a trim settles in one or two. */
const MAX_RECOUNT_ROUNDS = 3;

function measure(snippet: Snippet, display: (p: string) => string, counter: TokenCounter, comment: CommentSyntax): PackedSnippet {
    const label = snippetLabel(display(snippet.path), snippet.startLine, snippet.endLine);
    return {...snippet, label, tokens: counter.count(labelled(label, snippet.text, comment))};
}

/** The longest run of the snippet's lines that no taken range covers, or undefined when all are covered. */
function uncoveredPart(snippet: Snippet, ranges: ReadonlyArray<[number, number]>): Snippet | undefined {
    let bestStart = -1, bestEnd = -2, runStart = -1;
    for (let line = snippet.startLine; line <= snippet.endLine + 1; line++) {
        const free = line <= snippet.endLine && !ranges.some(([s, e]) => s <= line && line <= e);
        if (free && runStart < 0) runStart = line;
        if (!free && runStart >= 0) {
            if (line - 1 - runStart > bestEnd - bestStart) { bestStart = runStart; bestEnd = line - 1; }
            runStart = -1;
        }
    }
    if (bestStart < 0) return undefined;
    const lines = snippet.text.split("\n");
    const text = lines.slice(bestStart - snippet.startLine, bestEnd - snippet.startLine + 1).join("\n");
    return text.trim() ? {...snippet, startLine: bestStart, endLine: bestEnd, text} : undefined;
}

/** Keeps the snippet's first lines (signature first) as far as they fit. */
function truncateToFit(
    snippet: Snippet, budget: number, display: (p: string) => string, counter: TokenCounter, comment: CommentSyntax
): PackedSnippet | undefined {
    const lines = snippet.text.split("\n");
    let low = 1, high = lines.length - 1, best: PackedSnippet | undefined;
    while (low <= high) {
        const mid = (low + high) >> 1;
        const item = measure({...snippet, endLine: snippet.startLine + mid - 1, text: lines.slice(0, mid).join("\n")}, display, counter, comment);
        if (item.tokens <= budget) { best = item; low = mid + 1; } else high = mid - 1;
    }
    return best;
}

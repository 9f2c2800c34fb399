// Taking the code out of a model's answer, whatever it is wrapped in: fenced blocks (backticks or tildes, with or
// without a language, indented, several of them), prose before or after, a final fence left open because the
// answer was cut, or no fence at all. An answer with no code, or one cut off before the end of what it replaces,
// is refused with a message: it is never applied.
import {bracketBalance} from "./brackets";

export interface AnswerOptions {
    /** The model ended the answer itself (end of turn, a stop string); false when it ran into maxTokens. */
    finished: boolean;
    /** The code the answer replaces: a cut-off answer is kept only when it reached the end of this. */
    target?: string;
    /** The language of the code, as fence info strings name it (`ts`, `python`…): a block in it is preferred. */
    languageNames?: readonly string[];
    /** What the answer was for, in the refusal message: "the rewrite of `area`". */
    what?: string;
}

export type ParsedAnswer =
    | {ok: true; code: string; fenced: boolean; /** Cut off after the target's end: the rest was dropped. */ trimmedAfterEnd: boolean}
    | {ok: false; reason: "noCode" | "cutOff"; message: string};

interface Block {
    language: string;
    lines: string[];
    closed: boolean;
}

export function parseAnswer(answer: string, options: AnswerOptions): ParsedAnswer {
    const what = options.what ?? "the answer";
    const text = answer.replace(/\r\n?/g, "\n");
    const noCode = (): ParsedAnswer => ({ok: false, reason: "noCode", message: `The model's answer for ${what} holds no code, so nothing was changed.`});
    const blocks = fencedBlocks(text);
    let lines: string[];
    let open: boolean;
    let fenced = true;
    if (blocks.length > 0) {
        const block = chooseBlock(blocks, options.languageNames ?? []);
        lines = block.lines;
        open = !block.closed;
        if (open) while (lines.length > 0 && /^\s*`{1,2}\s*$|^\s*~{1,2}\s*$/.test(lines[lines.length - 1])) lines.pop(); // a closing fence cut in half
    } else {
        const bare = unfencedCode(text);
        if (!bare) return noCode();
        lines = bare;
        open = true;
        fenced = false;
    }
    while (lines.length > 0 && lines[0].trim() === "") lines.shift();
    while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
    if (lines.length === 0) return noCode();

    const cut = open && !options.finished;
    if (!cut) return {ok: true, code: lines.join("\n"), fenced, trimmedAfterEnd: false};
    const end = options.target === undefined ? -1 : endOfTarget(lines, options.target);
    if (end < 0) return {ok: false, reason: "cutOff", message: `The model's answer for ${what} was cut off before its end, so nothing was changed.`};
    return {ok: true, code: lines.slice(0, end + 1).join("\n"), fenced, trimmedAfterEnd: end + 1 < lines.length};
}

/** Every fenced block: ``` or ~~~ (three or more), any indentation, any info string; the last one may stay open. */
export function fencedBlocks(text: string): Block[] {
    const blocks: Block[] = [];
    const lines = text.split("\n");
    let current: (Block & {fence: string; indent: number}) | undefined;
    for (const line of lines) {
        if (current) {
            const close = /^(\s*)(`{3,}|~{3,})\s*$/.exec(line);
            if (close && close[2][0] === current.fence[0] && close[2].length >= current.fence.length) {
                current.closed = true;
                blocks.push({language: current.language, lines: current.lines, closed: true});
                current = undefined;
            } else {
                // A fence indented inside a list indents its content too.
                const strip = Math.min(current.indent, /^ */.exec(line)![0].length);
                current.lines.push(line.slice(strip));
            }
            continue;
        }
        const single = /^\s*(`{3,})\s*([\w+#.-]*)\s+(\S.*?)\s*\1\s*$/.exec(line);
        if (single) { blocks.push({language: single[2].toLowerCase(), lines: [single[3]], closed: true}); continue; }
        const openFence = /^( *)(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/.exec(line) ?? /^(.*?\S.*?\s)(`{3,})([\w+#.-]*)\s*$/.exec(line);
        if (openFence) current = {language: openFence[3].toLowerCase(), lines: [], closed: false, fence: openFence[2], indent: /^\s*$/.test(openFence[1]) ? openFence[1].length : 0};
    }
    if (current) blocks.push({language: current.language, lines: current.lines, closed: false});
    return blocks;
}

/** Closed blocks before an open one; then the target's language, then no language; then the longest. */
function chooseBlock(blocks: Block[], languageNames: readonly string[]): Block {
    const names = new Set(languageNames.map((n) => n.toLowerCase()));
    const rank = (b: Block) => (b.closed ? 4 : 0) + (names.has(b.language) ? 2 : b.language === "" ? 1 : 0);
    return blocks.reduce((best, b) => {
        const diff = rank(b) - rank(best);
        if (diff !== 0) return diff > 0 ? b : best;
        return b.lines.join("\n").trim().length > best.lines.join("\n").trim().length ? b : best;
    });
}

/** An answer without fences: its code when the lines left after leading and trailing prose look like code. */
function unfencedCode(text: string): string[] | undefined {
    const lines = text.split("\n");
    let first = 0, last = lines.length - 1;
    while (first <= last && (lines[first].trim() === "" || isProse(lines[first]))) first++;
    while (last >= first && (lines[last].trim() === "" || isProse(lines[last]))) last--;
    if (first > last) return undefined;
    const body = lines.slice(first, last + 1);
    const nonEmpty = body.filter((l) => l.trim() !== "");
    const code = nonEmpty.filter(isCodeLike).length;
    return code > 0 && code * 2 >= nonEmpty.length ? body : undefined;
}

const codePunctuation = /[;{}()[\]=<>]|=>|->|::|^\s*(\/\/|#|\/\*|\*|--|@)/;
const codeStarts = /^\s*(def|class|function|fn|func|pub|let|const|var|val|return|if|elif|else|for|while|do|done|fi|end|import|from|package|use|using|namespace|public|private|protected|static|async|await|export|struct|enum|impl|type|interface|module|require|include|echo|print|try|except|catch|finally|raise|throw|switch|case|break|continue|yield|with|lambda|self|this)\b/;

function isCodeLike(line: string): boolean {
    return codePunctuation.test(line) || codeStarts.test(line) || /^\s{2,}\S/.test(line);
}

/** A sentence: starts with a capital, several words, none of code's punctuation, ends like prose (or says "Here is"). */
function isProse(line: string): boolean {
    const t = line.trim();
    if (/^(here|sure|certainly|this|the|i |i've|note|explanation|below|above)\b/i.test(t) && /[.:!]$/.test(t)) return true;
    if (/[;{}=<>[\]]/.test(t) || /^(\/\/|#|\*|\/\*)/.test(t)) return false;
    return /^[A-Z]/.test(t) && t.split(/\s+/).length >= 3 && /[.:!?]$/.test(t);
}

/**
 * For a cut-off answer: the index of the line where it completed the target, or -1. That line closes the target's
 * brackets as the target does and reads as the target's last line does (`}`, `end`, `return total`).
 */
function endOfTarget(lines: readonly string[], target: string): number {
    const targetLines = target.replace(/\r\n?/g, "\n").split("\n").filter((l) => l.trim() !== "");
    if (targetLines.length === 0) return -1;
    const goal = bracketBalance(targetLines.join("\n"));
    const lastLine = targetLines[targetLines.length - 1].trim();
    let balance = 0;
    for (let i = 0; i < lines.length; i++) {
        balance += bracketBalance(lines[i]);
        if (balance === goal && lines[i].trim() === lastLine) return i;
    }
    return -1;
}

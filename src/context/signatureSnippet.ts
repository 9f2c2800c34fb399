// A definition's signature as a snippet: the lines of its declaration up to its body (a short definition whole),
// cut from the file so that its lines follow the file's. Predicted context proposes many candidates; their
// signatures are what a completion needs to call them, at a tenth of the tokens of their bodies.
import {sliceLines} from "./lines";
import {lineRangeSnippet, type SnippetSourceFiles} from "./snippets";
import type {Definition, Snippet, SnippetSource} from "./types";

/** A definition this short is shown whole: its body costs little more than its signature. */
const wholeDefinitionLines = 4;
/** Longest signature kept (decorators, long parameter lists). */
const maxSignatureLines = 8;

export function signatureSnippet(files: SnippetSourceFiles, path: string, def: Definition, score: number, source: SnippetSource): Snippet | undefined {
    const cached = files.texts.get(path);
    if (!cached) return undefined;
    const end = def.endLine - def.startLine + 1 <= wholeDefinitionLines ? def.endLine : signatureEndLine(cached.text, cached.starts, def);
    return lineRangeSnippet(files, path, def.startLine, end, score, source, def.name);
}

/** The line the declaration's signature ends on: where the lines, whitespace collapsed, reach its length. */
export function signatureEndLine(text: string, starts: readonly number[], def: Definition): number {
    const wanted = def.signature.replace(/…$/, "").length;
    const last = Math.min(def.endLine, def.startLine + maxSignatureLines - 1, starts.length - 1);
    let seen = 0;
    for (let line = def.startLine; line <= last; line++) {
        const collapsed = sliceLines(text, starts, line, line).replace(/\s+/g, " ").trim();
        if (collapsed === "") continue;
        seen += collapsed.length + (seen > 0 ? 1 : 0);
        if (seen >= wanted) return Math.max(line, def.nameLine);
    }
    return Math.max(last, def.nameLine);
}

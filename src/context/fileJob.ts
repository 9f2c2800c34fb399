// One file's indexing work after its stamp changed: read, filter by content, hash, and parse unless the hash
// shows the content is what was indexed before. Runs in the indexing thread or in a parse helper thread.
import fs from "node:fs";
import {analyze, contentHash, type Analysis} from "./analyzeFile";
import {isBinary, skipByContent} from "./fileFilter";
import {languageOfText, type ParsedLanguage} from "./languages";
import type {GrammarSet} from "./parser";

export interface FileJob {
    path: string;
    language: ParsedLanguage | "text";
    /** Hash of the content indexed before, if any. */
    knownHash?: string;
}

export type FileJobResult =
    | {kind: "skipped"}
    | {kind: "unchanged", hash: string}
    | {kind: "analyzed", hash: string, analysis: Analysis, text: string};

export async function runFileJob(grammars: GrammarSet, job: FileJob, keepText: boolean): Promise<FileJobResult> {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(job.path);
    } catch {
        return {kind: "skipped"}; // deleted between the crawl and now
    }
    if (isBinary(bytes)) return {kind: "skipped"};
    const text = bytes.toString("utf8");
    if (skipByContent(text)) return {kind: "skipped"};
    const hash = contentHash(text);
    if (hash === job.knownHash) return {kind: "unchanged", hash};
    // A helper thread does not send the text back: the index reads it again only if a snippet needs it.
    return {kind: "analyzed", hash, analysis: await analyze(grammars, languageOfText(job.path, text) ?? job.language, text, job.path), text: keepText ? text : ""};
}

// The names of the files that hold ignore rules. Apart from ignoreRules.ts so the editor adapter can tell an
// ignore file's change from any other without bundling the rules themselves.
import path from "node:path";

/** Hearth's own ignore file: gitignore syntax, one per folder at any depth, for what git tracks but no prompt may see. */
export const hearthIgnoreFile = ".hearthignore";
export const ignoreFiles: readonly string[] = [hearthIgnoreFile, ".gitignore"];

/** True for a file whose change alters the ignore rules (the index must be crawled again). */
export function isIgnoreFile(filePath: string): boolean {
    return ignoreFiles.includes(path.basename(filePath));
}

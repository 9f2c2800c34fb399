// Definitions from the editor's language servers for the names just before the cursor: VS Code's definition and
// type-definition providers, asked in parallel and cut off at the time budget. Only locations in files on disk
// are kept; the index worker's policy then decides what of them may be used (never a file outside the workspace
// or a denied one), and cuts the snippets.
import * as vscode from "vscode";
import {isKeyword} from "../context/identifiers";
import type {DefinitionHint} from "../context/types";

/** Lines above the cursor whose names are looked up. */
const linesAbove = 12;
/** Names looked up for their definition; the nearest few also for their type's. */
const maxNames = 6;
const maxTypeLookups = 3;

type Found = vscode.Location | vscode.LocationLink;

export async function definitionHints(document: vscode.TextDocument, position: vscode.Position, timeMs: number, signal?: AbortSignal): Promise<DefinitionHint[]> {
    const names = namesBefore(document, position);
    if (names.length === 0 || signal?.aborted) return [];
    const results: DefinitionHint[][] = [];
    const ask = async (command: string, at: vscode.Position, kind: DefinitionHint["kind"], slot: number): Promise<void> => {
        try {
            const found = await vscode.commands.executeCommand<Found[] | undefined>(command, document.uri, at);
            results[slot] = (found ?? []).flatMap((f) => hintOf(f, kind));
        } catch {
            results[slot] = []; // a provider that fails adds nothing
        }
    };
    const lookups = names.flatMap((at, i) => [
        ask("vscode.executeDefinitionProvider", at, "definition", i * 2),
        ...(i < maxTypeLookups ? [ask("vscode.executeTypeDefinitionProvider", at, "typeDefinition", i * 2 + 1)] : [])
    ]);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
        Promise.all(lookups),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, timeMs); }),
        new Promise<void>((resolve) => { onAbort = () => resolve(); signal?.addEventListener("abort", onAbort, {once: true}); })
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    // Nearest name first, whatever answered first; each location once.
    const seen = new Set<string>();
    const hints: DefinitionHint[] = [];
    for (const hint of results.flat()) {
        const key = `${hint.path}:${hint.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hints.push(hint);
    }
    return hints;
}

/** Positions of the distinct names before the cursor, nearest first (each at its nearest use). */
function namesBefore(document: vscode.TextDocument, position: vscode.Position): vscode.Position[] {
    const seen = new Set<string>();
    const positions: vscode.Position[] = [];
    for (let line = position.line; line >= Math.max(0, position.line - linesAbove) && positions.length < maxNames; line--) {
        const text = document.lineAt(line).text.slice(0, line === position.line ? position.character : undefined);
        if (/^\s*(\/\/|#|\*|\/\*|--)/.test(text)) continue;
        const words = [...text.matchAll(/[A-Za-z_$][\w$]*/g)].reverse();
        for (const m of words) {
            const name = m[0];
            if (name.length < 2 || isKeyword(name) || seen.has(name)) continue;
            seen.add(name);
            positions.push(new vscode.Position(line, m.index));
            if (positions.length >= maxNames) break;
        }
    }
    return positions;
}

function hintOf(found: Found, kind: DefinitionHint["kind"]): DefinitionHint[] {
    const uri = "targetUri" in found ? found.targetUri : found.uri;
    if (uri.scheme !== "file") return [];
    const range = "targetUri" in found ? found.targetSelectionRange ?? found.targetRange : found.range;
    return [{path: uri.fsPath, line: range.start.line, kind}];
}

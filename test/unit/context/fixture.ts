// The polyglot fixture workspace, copied to a temporary folder so tests may add, change and delete files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {ContextEngine} from "../../../src/context/engine";
import type {IndexOptions} from "../../../src/context/types";

export const fixtureRoot = path.resolve(__dirname, "../../fixtures/workspaces/polyglot");

export interface Workspace {
    root: string;
    file(rel: string): string;
    read(rel: string): string;
    write(rel: string, text: string | Uint8Array): void;
    remove(): void;
}

/**
 * A fresh copy of the fixture, plus the files git cannot carry: ones its own .gitignore excludes
 * (`ignored/`, `*.log`), and a file over the size cap.
 */
export function copyFixture(): Workspace {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-polyglot-"))).split(path.sep).join("/");
    fs.cpSync(fixtureRoot, root, {recursive: true});
    const ws: Workspace = {
        root,
        file: (rel) => `${root}/${rel}`,
        read: (rel) => fs.readFileSync(`${root}/${rel}`, "utf8"),
        write: (rel, text) => { fs.mkdirSync(path.dirname(`${root}/${rel}`), {recursive: true}); fs.writeFileSync(`${root}/${rel}`, text); },
        remove: () => fs.rmSync(root, {recursive: true, force: true})
    };
    ws.write("ignored/secret.ts", "export function leakedSecret(): number { return 1; }\n");
    ws.write("build.log", "function notCode() {}\n");
    ws.write("big/huge.ts", `export const big = [\n${"    1,\n".repeat(30000)}];\n`);
    return ws;
}

export const defaultOptions: IndexOptions = {maxFileSizeKb: 64, exclude: []};

export async function indexedEngine(ws: Workspace, options: Partial<IndexOptions> = {}): Promise<ContextEngine> {
    const engine = await ContextEngine.create({...defaultOptions, ...options});
    await engine.indexFolders([ws.root]);
    return engine;
}

/** Line (zero-based) and column just after the first occurrence of `needle` in `text`. */
export function positionAfter(text: string, needle: string): {line: number, column: number} {
    const at = text.indexOf(needle);
    if (at < 0) throw new Error(`"${needle}" is not in the text`);
    const before = text.slice(0, at + needle.length);
    const line = before.split("\n").length - 1;
    return {line, column: before.length - (before.lastIndexOf("\n") + 1)};
}

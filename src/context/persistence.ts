// The index on disk, in the extension's storage folder: every file's stamp (mtime, size, content hash) and
// extracted symbols, so a restart re-parses only what changed. Files are spread over shards by path, and
// only shards holding a changed file are written again: saving after an edit stays small in a big repo.
import fs from "node:fs";
import path from "node:path";
import type {IndexedFile} from "./types";

/** Bump when the shape of IndexedFile or the extraction changes: an old index is then ignored. */
export const indexFormatVersion = 8;
export const shardCount = 64;
const manifestName = "context-index.json";

interface Manifest {
    version: number;
    shards: number;
}

export function shardOf(filePath: string): number {
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = 0; i < filePath.length; i++) hash = Math.imul(hash ^ filePath.charCodeAt(i), 0x01000193);
    return (hash >>> 0) % shardCount;
}

export function snapshotPath(storageDir: string): string {
    return path.join(storageDir, manifestName);
}

function shardPath(storageDir: string, shard: number): string {
    return path.join(storageDir, `context-index-${shard}.json`);
}

export function loadSnapshot(storageDir: string): Map<string, IndexedFile> {
    const files = new Map<string, IndexedFile>();
    try {
        const manifest = JSON.parse(fs.readFileSync(snapshotPath(storageDir), "utf8")) as Manifest;
        if (manifest.version !== indexFormatVersion || manifest.shards !== shardCount) return files;
    } catch {
        return files; // first run, or a torn manifest: rebuilt from scratch rather than trusted
    }
    for (let shard = 0; shard < shardCount; shard++) {
        try {
            for (const file of JSON.parse(fs.readFileSync(shardPath(storageDir, shard), "utf8")) as IndexedFile[]) files.set(file.path, file);
        } catch {
            // A missing or torn shard only costs re-parsing its files.
        }
    }
    return files;
}

/** Writes the given shards (all when none are named), each atomically: temp file, then rename. */
export async function saveSnapshot(storageDir: string, files: Iterable<IndexedFile>, shards?: ReadonlySet<number>): Promise<void> {
    await fs.promises.mkdir(storageDir, {recursive: true});
    const groups = new Map<number, IndexedFile[]>();
    for (let shard = 0; shard < shardCount; shard++) if (!shards || shards.has(shard)) groups.set(shard, []);
    for (const file of files) groups.get(shardOf(file.path))?.push(file);
    for (const [shard, group] of groups) await writeAtomically(shardPath(storageDir, shard), JSON.stringify(group));
    const manifest: Manifest = {version: indexFormatVersion, shards: shardCount};
    await writeAtomically(snapshotPath(storageDir), JSON.stringify(manifest));
}

async function writeAtomically(target: string, text: string): Promise<void> {
    const temp = `${target}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, text);
    await fs.promises.rename(temp, target);
}

// The index on disk: one JSON file in the extension's storage folder, holding every file's stamp
// (mtime, size, content hash) and extracted symbols, so a restart re-parses only what changed.
import fs from "node:fs";
import path from "node:path";
import type {IndexedFile} from "./types";

/** Bump when the shape of IndexedFile or the extraction changes: an old file is then ignored. */
export const indexFormatVersion = 5;
const fileName = "context-index.json";

interface Snapshot {
    version: number;
    files: IndexedFile[];
}

export function loadSnapshot(storageDir: string): Map<string, IndexedFile> {
    const files = new Map<string, IndexedFile>();
    let raw: string;
    try {
        raw = fs.readFileSync(path.join(storageDir, fileName), "utf8");
    } catch {
        return files; // first run: nothing persisted yet
    }
    try {
        const snapshot = JSON.parse(raw) as Snapshot;
        if (snapshot.version !== indexFormatVersion || !Array.isArray(snapshot.files)) return files;
        for (const file of snapshot.files) files.set(file.path, file);
    } catch {
        // A torn or foreign file is rebuilt from scratch rather than trusted.
    }
    return files;
}

/** Writes atomically (temp file, then rename) so a crash never leaves half an index. */
export async function saveSnapshot(storageDir: string, files: Iterable<IndexedFile>): Promise<void> {
    await fs.promises.mkdir(storageDir, {recursive: true});
    const target = path.join(storageDir, fileName);
    const temp = `${target}.${process.pid}.tmp`;
    const snapshot: Snapshot = {version: indexFormatVersion, files: [...files]};
    await fs.promises.writeFile(temp, JSON.stringify(snapshot));
    await fs.promises.rename(temp, target);
}

export function snapshotPath(storageDir: string): string {
    return path.join(storageDir, fileName);
}

// Walks the folders other tools keep models in and lists GGUF files, each with where it came from. Only
// names, sizes and (for Ollama) small manifests are read here; headers are read by discovery.ts.
// Bounded: a deadline, a depth limit, an entry limit; symlinked folders are followed once (by real path),
// so a symlink loop ends the walk of that branch instead of the walk of the machine.
import fs from "node:fs/promises";
import path from "node:path";
import type {ModelSource, SearchRoot} from "./searchRoots";

export interface GgufCandidate {
    path: string;
    source: ModelSource;
    /** Where it came from, for people: "bartowski/google_gemma-4-E4B-it-GGUF", "gemma4:e4b", "lmstudio-community/…". */
    label: string;
    sizeBytes: number;
}

export interface WalkLimits {
    /** Stop looking after this many milliseconds. */
    deadlineMs: number;
    maxDepth: number;
    /** Directory entries examined in all, across roots. */
    maxEntries: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = {deadlineMs: 2000, maxDepth: 6, maxEntries: 20_000};

/** Ollama's media type of the layer that holds the GGUF weights. */
const OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model";
const MAX_MANIFEST_BYTES = 1 << 20;
/** Split GGUFs are loaded from their first part; later parts are not models on their own. */
const SPLIT_PART = /-(\d+)-of-\d+\.gguf$/i;

class Budget {
    private readonly deadline: number;
    private entries = 0;

    constructor(private readonly limits: WalkLimits, private readonly signal?: AbortSignal) {
        this.deadline = Date.now() + limits.deadlineMs;
    }

    get maxDepth(): number {
        return this.limits.maxDepth;
    }

    /** Counts `n` entries; false once any limit is reached. */
    spend(n: number): boolean {
        this.entries += n;
        return !this.exhausted();
    }

    exhausted(): boolean {
        return this.signal?.aborted === true || Date.now() > this.deadline || this.entries > this.limits.maxEntries;
    }
}

export async function findGgufFiles(roots: readonly SearchRoot[], limits: Partial<WalkLimits> = {}, signal?: AbortSignal): Promise<GgufCandidate[]> {
    const budget = new Budget({...DEFAULT_WALK_LIMITS, ...limits}, signal);
    const found: GgufCandidate[] = [];
    const seenFiles = new Set<string>();
    const add = async (candidate: GgufCandidate) => {
        const real = await realPath(candidate.path);
        if (real === undefined || seenFiles.has(real)) return;
        seenFiles.add(real);
        found.push(candidate);
    };
    for (const root of roots) {
        if (budget.exhausted()) break;
        if (!(await isDirectory(root.dir))) continue;
        if (root.source === "ollama") await walkOllama(root, budget, add);
        else if (root.source === "huggingface") await walkHuggingFace(root, budget, add);
        else await walkTree(root.dir, root.dir, root, budget, add);
    }
    return found;
}

type Add = (candidate: GgufCandidate) => Promise<void>;

/** Any folder of .gguf files: LM Studio's publisher/repo/file layout, Hearth's and node-llama-cpp's flat folders. */
async function walkTree(rootDir: string, startDir: string, root: SearchRoot, budget: Budget, add: Add,
    labelOf: (file: string) => string = (file) => labelFromRelative(rootDir, file)): Promise<void> {
    const visitedDirs = new Set<string>();
    const visit = async (dir: string, depth: number): Promise<void> => {
        if (depth > budget.maxDepth || budget.exhausted()) return;
        const real = await realPath(dir);
        if (real === undefined || visitedDirs.has(real)) return;
        visitedDirs.add(real);
        const entries = await readDir(dir);
        if (!budget.spend(entries.length)) return;
        for (const entry of entries) {
            if (budget.exhausted()) return;
            const full = path.join(dir, entry.name);
            const kind = await entryKind(full, entry);
            if (kind === "dir") {
                if (!entry.name.startsWith(".")) await visit(full, depth + 1);
            } else if (kind === "file" && isFirstGgufFile(entry.name)) {
                const size = await fileSize(full);
                if (size !== undefined) await add({path: full, source: root.source, label: labelOf(full), sizeBytes: size});
            }
        }
    };
    await visit(startDir, 0);
}

/** hub/models--owner--repo/snapshots/<revision>/…/file.gguf (files are symlinks into ../../blobs). */
async function walkHuggingFace(root: SearchRoot, budget: Budget, add: Add): Promise<void> {
    const repos = (await readDir(root.dir)).filter((entry) => entry.name.startsWith("models--"));
    if (!budget.spend(repos.length)) return;
    for (const repo of repos) {
        if (budget.exhausted()) return;
        const label = repo.name.slice("models--".length).replace("--", "/");
        const snapshots = path.join(root.dir, repo.name, "snapshots");
        for (const snapshot of await readDir(snapshots)) {
            if (budget.exhausted()) return;
            const snapshotDir = path.join(snapshots, snapshot.name);
            await walkTree(snapshotDir, snapshotDir, root, budget, add, (file) => `${label}/${path.relative(snapshotDir, file).split(path.sep).join("/")}`);
        }
    }
}

/** manifests/<registry>/<namespace>/<model>/<tag> JSON → the model layer's digest → blobs/sha256-<hex>. */
async function walkOllama(root: SearchRoot, budget: Budget, add: Add): Promise<void> {
    const manifestsDir = path.join(root.dir, "manifests");
    const manifests: string[] = [];
    const collect = async (dir: string, depth: number): Promise<void> => {
        if (depth > Math.min(budget.maxDepth, 5) || budget.exhausted()) return;
        const entries = await readDir(dir);
        if (!budget.spend(entries.length)) return;
        for (const entry of entries) {
            const full = path.join(dir, entry.name);
            const kind = await entryKind(full, entry);
            if (kind === "dir" && !entry.isSymbolicLink()) await collect(full, depth + 1);
            else if (kind === "file") manifests.push(full);
        }
    };
    await collect(manifestsDir, 0);
    for (const manifest of manifests) {
        if (budget.exhausted()) return;
        const digest = await ollamaModelDigest(manifest);
        if (digest === undefined) continue;
        const blob = path.join(root.dir, "blobs", digest.replace(":", "-"));
        const size = await fileSize(blob);
        if (size === undefined) continue;
        await add({path: blob, source: "ollama", label: ollamaLabel(path.relative(manifestsDir, manifest)), sizeBytes: size});
    }
}

async function ollamaModelDigest(manifestPath: string): Promise<string | undefined> {
    const size = await fileSize(manifestPath);
    if (size === undefined || size > MAX_MANIFEST_BYTES) return undefined;
    try {
        const manifest = JSON.parse(await fs.readFile(manifestPath, "utf8")) as {layers?: {mediaType?: unknown, digest?: unknown}[]};
        const layer = manifest.layers?.find((l) => l.mediaType === OLLAMA_MODEL_LAYER);
        const digest = layer?.digest;
        return typeof digest === "string" && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
    } catch {
        return undefined;
    }
}

/** registry.ollama.ai/library/gemma4/e4b → gemma4:e4b; other namespaces keep their name (user/model:tag). */
function ollamaLabel(relative: string): string {
    const parts = relative.split(path.sep);
    const tag = parts.at(-1) ?? "";
    const model = parts.at(-2) ?? "";
    const namespace = parts.at(-3);
    const name = namespace !== undefined && namespace !== "library" ? `${namespace}/${model}` : model;
    return `${name}:${tag}`;
}

function labelFromRelative(rootDir: string, file: string): string {
    const relative = path.relative(rootDir, file).split(path.sep);
    relative.pop();
    return relative.length > 0 ? relative.join("/") : path.basename(file);
}

function isFirstGgufFile(name: string): boolean {
    if (!name.toLowerCase().endsWith(".gguf")) return false;
    const part = SPLIT_PART.exec(name);
    return part === null || Number(part[1]) === 1;
}

async function entryKind(full: string, entry: {isDirectory(): boolean, isFile(): boolean, isSymbolicLink(): boolean}): Promise<"dir" | "file" | "other"> {
    if (entry.isDirectory()) return "dir";
    if (entry.isFile()) return "file";
    if (!entry.isSymbolicLink()) return "other";
    try {
        const stat = await fs.stat(full);
        return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : "other";
    } catch {
        return "other"; // a dangling link, or a loop the OS itself refuses
    }
}

async function readDir(dir: string) {
    try {
        return await fs.readdir(dir, {withFileTypes: true});
    } catch {
        return [];
    }
}

async function isDirectory(dir: string): Promise<boolean> {
    try {
        return (await fs.stat(dir)).isDirectory();
    } catch {
        return false;
    }
}

async function fileSize(file: string): Promise<number | undefined> {
    try {
        const stat = await fs.stat(file);
        return stat.isFile() ? stat.size : undefined;
    } catch {
        return undefined;
    }
}

async function realPath(p: string): Promise<string | undefined> {
    try {
        return await fs.realpath(p);
    } catch {
        return undefined;
    }
}

// Which paths stay out of the index and out of every prompt: the built-in deny list of credential files, each
// folder's .hearthignore and .gitignore files (nested ones apply below their folder), the user's exclude globs
// (`files.exclude`, `hearth.index.exclude`), and folders no one wants indexed.
import fs from "node:fs";
import path from "node:path";
import ignore, {type Ignore} from "ignore";
import {hearthIgnoreFile} from "./ignoreFiles";
import {deniedBy} from "./secrets/denyList";

/** Always left out: version-control internals, dependency and cache folders. */
export const defaultExcludes = ["**/.git", "**/.hg", "**/.svn", "**/node_modules", "**/__pycache__", "**/.venv", "**/.DS_Store"];

/**
 * Why a path is left out. `denied` and `hearthignore` keep it out of every context source, the file being
 * edited included; `excluded` (.gitignore, exclude globs) keeps it out of the index and of other sources.
 */
export type IgnoreReason = "denied" | "hearthignore" | "excluded";

interface FolderRules {
    hearth: Ignore | null;
    git: Ignore | null;
}

export class IgnoreRules {
    private readonly globs: Ignore;
    /** Directory (absolute) → its ignore files' rules. */
    private readonly folders = new Map<string, FolderRules>();
    /** Counts resets, so answers cached elsewhere can tell they are stale. */
    version = 0;

    constructor(private readonly root: string, excludes: readonly string[]) {
        this.globs = ignore().add([...defaultExcludes, ...excludes.map(globToGitignore)]);
    }

    /** True when `absPath` (inside the root) is left out; `isDir` for folders. A path outside the root is. */
    isIgnored(absPath: string, isDir: boolean): boolean {
        const rel = path.relative(this.root, absPath);
        if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return rel !== "";
        return this.reason(absPath, isDir) !== undefined;
    }

    /** Why `absPath` (inside the root) is left out, or undefined when it is not. */
    reason(absPath: string, isDir: boolean): IgnoreReason | undefined {
        if (deniedBy(absPath)) return "denied";
        const rel = path.relative(this.root, absPath);
        if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
        const relPosix = toPosix(rel) + (isDir ? "/" : "");
        // Every ignore file from the root down to the path's own folder; .hearthignore answers first, so its
        // verdict is the one reported when both would leave a path out.
        const segments = relPosix.split("/").filter(Boolean);
        let excluded = this.globs.ignores(relPosix);
        let dir = this.root;
        for (let i = 0; i < segments.length; i++) {
            const rules = this.rulesOf(dir);
            const below = segments.slice(i).join("/") + (isDir ? "/" : "");
            if (rules.hearth?.ignores(below)) return "hearthignore";
            if (!excluded && rules.git?.ignores(below)) excluded = true;
            dir = path.join(dir, segments[i]);
        }
        return excluded ? "excluded" : undefined;
    }

    /** Forgets cached ignore files, after one of them changed. */
    reset(): void {
        this.folders.clear();
        this.version++;
    }

    private rulesOf(dir: string): FolderRules {
        let rules = this.folders.get(dir);
        if (!rules) {
            rules = {hearth: readIgnoreFile(dir, hearthIgnoreFile), git: readIgnoreFile(dir, ".gitignore")};
            this.folders.set(dir, rules);
        }
        return rules;
    }
}

function readIgnoreFile(dir: string, name: string): Ignore | null {
    try {
        return ignore().add(fs.readFileSync(path.join(dir, name), "utf8"));
    } catch {
        return null; // no such file here (the common case)
    }
}

/**
 * VS Code globs are matched from the folder root; gitignore patterns without a slash match at any depth.
 * `**` prefixes already mean "any depth" in both, so only root-anchored globs need a leading slash.
 */
function globToGitignore(glob: string): string {
    const trimmed = glob.trim();
    if (trimmed.startsWith("**/") || trimmed.startsWith("/")) return trimmed;
    return `/${trimmed}`;
}

export function toPosix(p: string): string {
    return p.split(path.sep).join("/");
}

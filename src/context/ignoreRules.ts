// Which paths stay out of the index: each folder's .gitignore files (nested ones apply below their folder),
// the user's exclude globs (`files.exclude`, `hearth.index.exclude`), and folders no one wants indexed.
import fs from "node:fs";
import path from "node:path";
import ignore, {type Ignore} from "ignore";

/** Always left out: version-control internals, dependency and cache folders. */
export const defaultExcludes = ["**/.git", "**/.hg", "**/.svn", "**/node_modules", "**/__pycache__", "**/.venv", "**/.DS_Store"];

export class IgnoreRules {
    private readonly globs: Ignore;
    /** Directory (absolute) → its .gitignore rules, or null when it has none. */
    private readonly gitignores = new Map<string, Ignore | null>();

    constructor(private readonly root: string, excludes: readonly string[]) {
        this.globs = ignore().add([...defaultExcludes, ...excludes.map(globToGitignore)]);
    }

    /** True when `absPath` (inside the root) is excluded; `isDir` for folders. */
    isIgnored(absPath: string, isDir: boolean): boolean {
        const rel = path.relative(this.root, absPath);
        if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return rel !== "";
        const relPosix = toPosix(rel) + (isDir ? "/" : "");
        if (this.globs.ignores(relPosix)) return true;
        // Every .gitignore from the root down to the file's own folder.
        let dir = this.root;
        const segments = relPosix.split("/").filter(Boolean);
        for (let i = 0; i < segments.length; i++) {
            const rules = this.gitignoreOf(dir);
            if (rules) {
                const below = segments.slice(i).join("/") + (isDir ? "/" : "");
                if (rules.ignores(below)) return true;
            }
            dir = path.join(dir, segments[i]);
        }
        return false;
    }

    /** Forgets cached .gitignore rules, after one of them changed. */
    reset(): void {
        this.gitignores.clear();
    }

    private gitignoreOf(dir: string): Ignore | null {
        let rules = this.gitignores.get(dir);
        if (rules === undefined) {
            rules = null;
            try {
                const text = fs.readFileSync(path.join(dir, ".gitignore"), "utf8");
                rules = ignore().add(text);
            } catch {
                // No .gitignore here (the common case).
            }
            this.gitignores.set(dir, rules);
        }
        return rules;
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

// Maps an import's module specifier to the workspace files it names. Relative specifiers resolve against the
// importing file; package-style ones (`pkg.mod`, `crate::a::b`, `com/x/Foo`, Go import paths) resolve by the
// longest match between their segments and the tail of a file's path. Unresolved imports (libraries) give [].
import path from "node:path";
import {languageOf} from "./languages";

const moduleExtensions = [".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".py", ".rs", ".go", ".java", ".rb", ".php", ".sh", ".h", ".hpp", ".c", ".cc", ".cpp", ".cs"];
/** File stems that stand for their folder: `pkg/__init__.py` is `pkg`. */
const folderStems = new Set(["index", "__init__", "mod", "lib", "main"]);

export class ModuleTable {
    /** Lower-cased stem (`foo` of `a/foo.ts`; folder name for index-like files) → files. */
    private readonly byStem = new Map<string, Set<string>>();
    /** Folder → files directly in it (Go packages are folders). */
    private readonly byFolder = new Map<string, Set<string>>();

    constructor(private readonly has: (file: string) => boolean) {}

    add(file: string): void {
        for (const stem of stemsOf(file)) addTo(this.byStem, stem, file);
        addTo(this.byFolder, path.posix.dirname(file), file);
    }

    remove(file: string): void {
        for (const stem of stemsOf(file)) this.byStem.get(stem)?.delete(file);
        this.byFolder.get(path.posix.dirname(file))?.delete(file);
    }

    resolve(importer: string, language: string, source: string): string[] {
        const dir = path.posix.dirname(importer);
        if (language === "python" && source.startsWith(".")) return this.resolvePythonRelative(dir, source, language);
        if (source.startsWith("./") || source.startsWith("../") || source.startsWith("/")) {
            return this.tryPath(path.posix.resolve(dir, source), language);
        }
        if (language === "c" || language === "cpp") {
            // An include names its file whole: `<map>` is not `map.cpp`.
            const local = path.posix.resolve(dir, source);
            return this.has(local) ? [local] : this.resolveInclude(importer, source);
        }
        if (language === "ruby" || language === "bash" || language === "php") {
            const local = this.tryPath(path.posix.resolve(dir, source), language);
            if (local.length > 0) return local;
        }
        if (language === "go") return this.resolveGoPackage(importer, source);
        return this.resolveBySegments(importer, language, source);
    }

    /**
     * `./x` → x, x.ts, x/index.ts …; a `.js` specifier also finds the `.ts` file it compiles from. Only files of
     * the importer's language family: PHP's `use Shop\Cart` is not `shop/cart.py`.
     */
    private tryPath(target: string, language: string): string[] {
        const candidates = [target];
        const withoutJs = target.replace(/\.(m|c)?js$/, "");
        for (const base of new Set([target, withoutJs])) {
            for (const ext of moduleExtensions) candidates.push(base + ext);
            for (const stem of folderStems) for (const ext of moduleExtensions) candidates.push(`${base}/${stem}${ext}`);
        }
        for (const candidate of candidates) if (this.has(candidate) && sameFamily(language, candidate)) return [candidate];
        return [];
    }

    /**
     * `#include "llama-graph.h"` from `src/models/`: found through the build's include folders, which the index does
     * not know, so the file whose path ends with the whole specifier (`…/llama-graph.h`, `…/ggml/ggml.h`), nearest
     * the includer. Never a file of another name: `<map>` is the library's, and `llama-graph.h` is not `llama-graph.cpp`.
     */
    private resolveInclude(importer: string, source: string): string[] {
        const wanted = `/${source.replace(/^\.\//, "")}`;
        let best: string | undefined, bestShared = -1;
        for (const stem of stemsOf(source)) {
            for (const file of this.byStem.get(stem) ?? []) {
                if (file === importer || !file.endsWith(wanted)) continue;
                const shared = sharedPrefix(file, importer);
                if (shared > bestShared) { best = file; bestShared = shared; }
            }
        }
        return best ? [best] : [];
    }

    private resolvePythonRelative(dir: string, source: string, language: string): string[] {
        const dots = /^\.+/.exec(source)![0].length;
        let base = dir;
        for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
        const rest = source.slice(dots).split(".").filter(Boolean).join("/");
        return rest ? this.tryPath(`${base}/${rest}`, language) : this.tryPath(`${base}/__init__`, language);
    }

    private resolveGoPackage(importer: string, source: string): string[] {
        const segments = source.split("/");
        const stem = segments[segments.length - 1];
        let best: string[] = [], bestScore = 0;
        for (const [folder, files] of this.byFolder) {
            if (path.posix.basename(folder) !== stem || files.size === 0) continue;
            const score = tailMatch(folder.split("/"), segments) * 2 + sharedPrefix(folder, importer) / 1000;
            if (score > bestScore) { bestScore = score; best = [...files].filter((f) => f.endsWith(".go") && !f.endsWith("_test.go")); }
        }
        return best;
    }

    private resolveBySegments(importer: string, language: string, source: string): string[] {
        let segments = source.replace(/\{[\s\S]*\}$/, "").split(/::|[./\\]/).map((s) => s.trim()).filter((s) => s && s !== "*");
        if (language === "rust") segments = segments.filter((s) => s !== "crate" && s !== "self" && s !== "super");
        if (segments.length === 0) return [];
        // The last segment may be a symbol inside the module (`use a::b::Thing`, `import com.x.Foo`), so try
        // the full path, then without its last segment.
        for (const take of [segments.length, segments.length - 1]) {
            if (take < 1) break;
            const wanted = segments.slice(0, take);
            const stem = wanted[wanted.length - 1].toLowerCase();
            const files = this.byStem.get(stem);
            if (!files || files.size === 0) continue;
            let best: string[] = [], bestScore = 0;
            for (const file of files) {
                if (!sameFamily(language, file)) continue;
                const parts = withoutExtension(file).split("/");
                if (folderStems.has(parts[parts.length - 1].toLowerCase())) parts.pop();
                const score = tailMatch(parts.map((p) => p.toLowerCase()), wanted.map((w) => w.toLowerCase())) * 1000 + sharedPrefix(file, importer);
                if (score > bestScore) { bestScore = score; best = [file]; }
            }
            // One matching segment is enough only for one-segment specifiers: `java.util.Map` is not `src/util/`.
            if (best.length > 0 && best[0] !== importer && Math.floor(bestScore / 1000) >= Math.min(wanted.length, 2)) return best;
        }
        return [];
    }
}

function addTo(map: Map<string, Set<string>>, key: string, file: string): void {
    let set = map.get(key);
    if (!set) map.set(key, set = new Set());
    set.add(file);
}

function withoutExtension(file: string): string {
    return file.replace(/(\.d)?\.[^./]+$/, "");
}

function stemsOf(file: string): string[] {
    const parts = withoutExtension(file).split("/");
    const stem = parts[parts.length - 1].toLowerCase();
    return folderStems.has(stem) && parts.length > 1 ? [stem, parts[parts.length - 2].toLowerCase()] : [stem];
}

/** How many trailing segments of `have` equal those of `want`. */
function tailMatch(have: string[], want: string[]): number {
    let n = 0;
    while (n < have.length && n < want.length && have[have.length - 1 - n] === want[want.length - 1 - n]) n++;
    return n;
}

function sharedPrefix(a: string, b: string): number {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
}

/** Languages whose files import each other. */
function familyOf(language: string | undefined): string {
    switch (language) {
        case "typescript": case "tsx": case "javascript": return "ecmascript";
        case "c": case "cpp": return "c";
        default: return language ?? "";
    }
}

/** Whether `file` can be a module of an importer in `language` (a plain-text file never is). */
function sameFamily(language: string, file: string): boolean {
    return familyOf(languageOf(file)) === familyOf(language);
}

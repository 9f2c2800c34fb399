// The one rule for "may this file be used as context", for every source alike: the index, open editors, recent
// edits, the file being edited and its selection. A file is refused when it lies outside every workspace folder
// (a symbolic link counts where it points), matches the built-in deny list, is left out by a .hearthignore, or —
// unless it is the file being edited — by .gitignore or the exclude settings. Whatever passes is redacted.
import fs from "node:fs";
import path from "node:path";
import type {IgnoreRules} from "../ignoreRules";
import type {OpenEditor, RecentEdit, Snippet} from "../types";
import {deniedBy} from "./denyList";
import {redact, redactionModeOf} from "./redact";

export type Refusal = "outsideWorkspace" | "denied" | "hearthignore" | "excluded";

/** What the policy needs from the index: its folders and each folder's ignore rules. */
export interface PolicyFolders {
    /** The workspace folder holding `file` (absolute, forward slashes), or undefined. */
    rootOf(file: string): string | undefined;
    rulesOf(root: string): IgnoreRules | undefined;
}

/** Snippet texts redacted lately: most of a request's snippets were in the one before (same definitions). */
const redactedMemoSize = 1024;

interface Verdict {
    lexical: Refusal | undefined;
    /** For a link: its target's refusal. */
    linked?: Refusal;
}

const maxCachedVerdicts = 20000;

export class ContextPolicy {
    /** Folder → its real path, so a link inside a folder that points out of it is found out. */
    private readonly realRoots = new Map<string, string>();
    private readonly redactedMemo = new Map<string, string>();
    private readonly verdicts = new Map<string, {rules: IgnoreRules | undefined, version: number | undefined, verdict: Verdict}>();

    constructor(private readonly folders: PolicyFolders) {}

    /**
     * Why `file` may not be used, or undefined when it may. `editing`: the file the request is about (the user
     * is looking at it); .gitignore and exclude globs then do not refuse it, the deny list and .hearthignore do.
     */
    refusal(file: string, editing = false): Refusal | undefined {
        return this.decide(this.verdictOf(file), editing);
    }

    allows(file: string, editing = false): boolean {
        return this.refusal(file, editing) === undefined;
    }

    /** Open editors and recent edits the policy allows; the others are never even read. */
    openEditors(editors: readonly OpenEditor[] | undefined): OpenEditor[] | undefined {
        return editors?.filter((e) => this.allows(normalise(e.path)));
    }

    recentEdits(edits: readonly RecentEdit[] | undefined, current?: string): RecentEdit[] | undefined {
        return edits?.filter((e) => this.allows(normalise(e.path), normalise(e.path) === current));
    }

    /**
     * The last gate before packing: drops every snippet from a refused file (a definition found in a
     * gitignored document that was open once, say) and redacts the text of the rest.
     */
    snippets(snippets: readonly Snippet[], current?: string): Snippet[] {
        const out: Snippet[] = [];
        for (const snippet of snippets) {
            if (this.decide(this.cachedVerdictOf(snippet.path), snippet.path === current)) continue;
            const text = this.redacted(snippet.text, snippet.path);
            out.push(text === snippet.text ? snippet : {...snippet, text});
        }
        return out;
    }

    private redacted(text: string, file: string): string {
        // The mode comes from the extension, so the key holds it: the same text may be code in one file, config in another.
        const key = `${redactionModeOf(file)}\0${text}`;
        let out = this.redactedMemo.get(key);
        if (out === undefined) {
            out = redact(text, redactionModeOf(file)).text;
            if (this.redactedMemo.size >= redactedMemoSize) this.redactedMemo.delete(this.redactedMemo.keys().next().value!);
        } else {
            this.redactedMemo.delete(key); // re-inserted below: Map order is the LRU order
        }
        this.redactedMemo.set(key, out);
        return out;
    }

    private decide(verdict: Verdict, editing: boolean): Refusal | undefined {
        const exempt = (r: Refusal | undefined): boolean => r === undefined || (editing && r === "excluded");
        if (!exempt(verdict.lexical)) return verdict.lexical;
        return exempt(verdict.linked) ? undefined : verdict.linked;
    }

    /** The path's verdict, and where it is a link, its target's. */
    private verdictOf(file: string): Verdict {
        const lexical = this.refusalOf(file);
        const real = lexical === "outsideWorkspace" ? undefined : realPath(file);
        if (real === undefined || real === file) return {lexical};
        const realRoot = this.realRootOf(this.folders.rootOf(file)!);
        if (real === realRoot || real.startsWith(`${realRoot}/`)) return {lexical, linked: deniedBy(real) ? "denied" : undefined};
        // A link to a file in another workspace folder is judged by that folder's rules.
        return {lexical, linked: this.folders.rootOf(real) ? this.refusalOf(real) : "outsideWorkspace"};
    }

    /**
     * Snippets come from the index, which holds no links (the crawl and updates skip them) and is rebuilt with
     * new ignore rules whenever they change: a path's verdict holds as long as its folder's rules are the same.
     */
    private cachedVerdictOf(file: string): Verdict {
        const root = this.folders.rootOf(file);
        const rules = root ? this.folders.rulesOf(root) : undefined;
        const hit = this.verdicts.get(file);
        if (hit && hit.rules === rules && hit.version === rules?.version) return hit.verdict;
        const verdict = this.verdictOf(file);
        if (this.verdicts.size >= maxCachedVerdicts) this.verdicts.clear();
        this.verdicts.set(file, {rules, version: rules?.version, verdict});
        return verdict;
    }

    private refusalOf(file: string): Refusal | undefined {
        const root = this.folders.rootOf(file);
        if (!root) return "outsideWorkspace";
        return this.folders.rulesOf(root)?.reason(file, false) ?? (deniedBy(file) ? "denied" : undefined);
    }

    private realRootOf(root: string): string {
        let real = this.realRoots.get(root);
        if (real === undefined) this.realRoots.set(root, real = realPath(root) ?? root);
        return real;
    }
}

/** The file's real path (links resolved), forward slashes; undefined when it does not exist (yet). */
function realPath(file: string): string | undefined {
    try {
        return normalise(fs.realpathSync.native(file));
    } catch {
        return undefined;
    }
}

function normalise(file: string): string {
    return path.resolve(file).split(path.sep).join("/");
}

// What a type offers a caller: its methods, fields and nested definitions wherever the language puts them — inside
// its body (classes), beside it in its package (Go methods, Rust `impl` blocks, C++ out-of-line definitions) —
// and those of its base types.
import path from "node:path";
import {escapeRegExp} from "./identifiers";
import type {ParsedLanguage} from "./languages";
import {resolveName} from "./resolveName";
import type {Definition, IndexedFile} from "./types";
import type {DefinitionRef, WorkspaceIndex} from "./workspaceIndex";

const typeKinds = new Set(["class", "interface", "type", "module"]);
/** Base types are followed this many levels up. */
const maxBaseDepth = 2;
/** A type with more members than this shows its first ones only (a generated client, a huge enum). */
const maxMembers = 120;

/** Files by folder, built once per request from the index (Go packages and Rust modules are folders). */
export class FolderFiles {
    private byFolder: Map<string, IndexedFile[]> | undefined;

    constructor(private readonly index: WorkspaceIndex) {}

    in(folder: string): readonly IndexedFile[] {
        if (!this.byFolder) {
            this.byFolder = new Map();
            for (const file of this.index.allFiles()) {
                const dir = path.posix.dirname(file.path);
                let list = this.byFolder.get(dir);
                if (!list) this.byFolder.set(dir, list = []);
                list.push(file);
            }
        }
        return this.byFolder.get(folder) ?? [];
    }
}

/** Definitions of the type `name` as `file` sees it: through its imports first, then by name. */
export function findType(index: WorkspaceIndex, file: IndexedFile, name: string, qualifier?: string): DefinitionRef[] {
    return resolveName(index, file, name, qualifier).filter((r) => typeKinds.has(r.def.kind));
}

/** Members of the type `name` (defined at `types`), its base types' after its own. */
export function membersOf(index: WorkspaceIndex, folders: FolderFiles, file: IndexedFile, types: readonly DefinitionRef[], depth = 0): DefinitionRef[] {
    const members: DefinitionRef[] = [];
    const seen = new Set<string>();
    const add = (ref: DefinitionRef): void => {
        const key = `${ref.path}:${ref.def.startLine}`;
        if (seen.has(key) || members.length >= maxMembers) return;
        seen.add(key);
        members.push(ref);
    };
    for (const type of types) {
        const owner = index.get(type.path);
        if (!owner) continue;
        const language = owner.symbols.language as ParsedLanguage;
        const name = type.def.name;
        // Its body's members (a Rust type's impl blocks lie outside it): not those of another type of the same name.
        for (const def of owner.symbols.definitions) {
            if (def.container !== name || def.kind === "scope" || def.startLine < type.def.startLine) continue;
            if (def.endLine <= type.def.endLine || language === "rust") add({path: owner.path, def});
        }
        // Members declared outside the type's body, in its folder: Go methods, Rust impls, C++ `Type::method`.
        if (language === "go" || language === "rust" || language === "cpp" || language === "c" || language === "csharp") {
            for (const sibling of folders.in(path.posix.dirname(owner.path))) {
                for (const def of sibling.symbols.definitions) if (belongsTo(language, def, name, type.def.container)) add({path: sibling.path, def});
            }
        }
        if (depth < maxBaseDepth) {
            for (const base of baseTypes(language, type.def)) {
                for (const ref of membersOf(index, folders, owner, findType(index, owner, base), depth + 1)) add(ref);
            }
        }
    }
    return members;
}

/** Whether `def`, outside the type's body, is one of its members; `outer`: the type it is nested in (C++). */
function belongsTo(language: ParsedLanguage, def: Definition, type: string, outer?: string): boolean {
    if (def.kind === "scope") return false;
    // A folder has thousands of definitions: the plain substring test rules out nearly all before a pattern is built.
    if (language === "go") return def.kind === "method" && def.signature.includes(type) && new RegExp(`^func\\s*\\(\\s*(?:\\w+\\s+)?\\*?\\s*${escapeRegExp(type)}\\b`).test(def.signature);
    if (language === "cpp" || language === "c") {
        // Only a definition qualified with the type's name: one merely inside something of that name elsewhere is
        // another type's member, or a local of an out-of-line method.
        if (!def.signature.includes(`${type}`) || !def.signature.includes("::")) return false;
        const qualified = `${outer ? `\\b${escapeRegExp(outer)}(?:<[^>]*>)?::` : "\\b"}${escapeRegExp(type)}(?:<[^>]*>)?::~?${escapeRegExp(def.name)}(?!\\w)`;
        return new RegExp(qualified).test(def.signature);
    }
    return def.container === type;
}

/** The types a type extends or implements, as its declaration writes them. */
export function baseTypes(language: ParsedLanguage, def: Definition): string[] {
    const s = def.signature;
    let list = "";
    switch (language) {
        case "python": list = /^class\s+\w+\s*\(([^)]*)\)/.exec(s)?.[1] ?? ""; break;
        case "ruby": list = /^class\s+\w+\s*<\s*([\w:]+)/.exec(s)?.[1] ?? ""; break;
        case "cpp": case "csharp": list = /^(?:class|struct|record|interface)\s+\w+(?:<[^>]*>)?\s*:\s*([^{]*)/.exec(s)?.[1] ?? ""; break;
        default: list = [...s.matchAll(/\b(?:extends|implements)\s+([^{]*?)(?=\bimplements\b|\bextends\b|\{|$)/g)].map((m) => m[1]).join(",");
    }
    return list.split(",")
        .map((b) => b.replace(/\b(?:public|private|protected|virtual|metaclass\s*=\s*\w+)\b/g, "").replace(/<.*$/, "").trim())
        .map((b) => b.split(/::|\./).pop() ?? "")
        .filter((b) => /^[A-Za-z_]\w*$/.test(b) && b !== "object");
}

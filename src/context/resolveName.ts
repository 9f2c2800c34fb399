// Where a name used in a file is defined: through the file's imports first, then in the file itself,
// then anywhere in the workspace by name, nearest path first.
import type {Definition, IndexedFile} from "./types";
import type {DefinitionRef, WorkspaceIndex} from "./workspaceIndex";

export interface Resolution extends DefinitionRef {
    /** 1 for an import-resolved definition, lower for guesses by name. */
    certainty: number;
}

const maxByName = 3;

export function resolveName(index: WorkspaceIndex, file: IndexedFile, name: string, qualifier: string | undefined): Resolution[] {
    const viaImports = resolveThroughImports(index, file, name, qualifier);
    if (viaImports.length > 0) return viaImports;
    const candidates = index.definitionsNamed(name).filter((ref) => ref.def.kind !== "scope");
    if (candidates.length === 0) return [];
    const local = candidates.filter((ref) => ref.path === file.path);
    if (local.length > 0 && !qualifier) return local.slice(0, maxByName).map((ref) => ({...ref, certainty: 0.9}));
    const ranked = candidates
        .map((ref) => ({ref, rank: byNameRank(file.path, ref.path, ref.def)}))
        .sort((a, b) => b.rank - a.rank)
        .slice(0, maxByName);
    const certainty = candidates.length === 1 ? 0.8 : 0.6;
    return ranked.map(({ref}, i) => ({...ref, certainty: certainty / (1 + i * 0.5)}));
}

function resolveThroughImports(index: WorkspaceIndex, file: IndexedFile, name: string, qualifier: string | undefined): Resolution[] {
    const imports = file.symbols.imports;
    const targets = index.importTargets(file.path);
    const found: Resolution[] = [];
    const wildcardTargets: string[] = [];
    for (let i = 0; i < imports.length; i++) {
        for (const binding of imports[i].names) {
            const files = targets[i] ?? [];
            if (files.length === 0) continue;
            if (qualifier && binding.local === qualifier) {
                // `ns.name` through `import * as ns`, a Go package, a Python module: look inside the module.
                for (const target of files) found.push(...defsIn(index, target, name, 1));
            } else if (!qualifier && binding.local === name) {
                const wanted = binding.imported === "*" || binding.imported === "default" ? name : binding.imported;
                for (const target of files) {
                    const defs = defsIn(index, target, wanted, 1);
                    found.push(...(defs.length > 0 || binding.imported !== "default" ? defs : exportedDefault(index, target)));
                }
            } else if (binding.local === "*") {
                wildcardTargets.push(...files);
            }
        }
    }
    if (found.length === 0 && !qualifier) for (const target of wildcardTargets) found.push(...defsIn(index, target, name, 0.95));
    return found;
}

function defsIn(index: WorkspaceIndex, path: string, name: string, certainty: number): Resolution[] {
    const file = index.get(path);
    if (!file) return [];
    return file.symbols.definitions.filter((def) => def.name === name && def.kind !== "scope").map((def) => ({path, def, certainty}));
}

function exportedDefault(index: WorkspaceIndex, path: string): Resolution[] {
    const def = index.get(path)?.symbols.definitions.find((d) => d.exported && d.topLevel && /\bdefault\b/.test(d.signature));
    return def ? [{path, def, certainty: 0.9}] : [];
}

/** Prefer exported definitions of callable or type kinds, in folders close to the file asking. */
function byNameRank(from: string, to: string, def: Definition): number {
    let shared = 0;
    const a = from.split("/"), b = to.split("/");
    while (shared < a.length - 1 && shared < b.length - 1 && a[shared] === b[shared]) shared++;
    const kindBonus = def.kind === "constant" || def.kind === "property" ? 0 : 2;
    return shared + (def.exported ? 3 : 0) + kindBonus + (/(^|\/)(test|tests|__tests__|spec)\//.test(to) ? -2 : 0);
}

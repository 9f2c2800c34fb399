// What the code at a cursor is about to use, before its name is typed: the members of what the cursor's
// qualifier (`geo.`, `self.`, `cart->`) stands for; the members of the types in scope (the receiver, the
// enclosing function's parameters, typed variables); what the file imports (signatures first); the definitions of
// its own module (the file, a Go package's folder); and the definitions of names the file uses elsewhere.
// Each proposes signature snippets, ranked so that the likeliest callees fit a small budget.
import {identifiersWithPositions, isKeyword} from "./identifiers";
import type {ParsedLanguage} from "./languages";
import {sliceLines} from "./lines";
import {resolveName} from "./resolveName";
import {signatureSnippet} from "./signatureSnippet";
import type {SnippetSourceFiles} from "./snippets";
import {baseTypes, FolderFiles, findType, membersOf} from "./typeMembers";
import {enclosingDefinitions, fieldTypes, returnType, typesInScope, type ScopeTypes} from "./typesInScope";
import type {CursorRequest, Definition, IndexedFile, Snippet, SnippetSource} from "./types";
import type {DefinitionRef} from "./workspaceIndex";

export const predictedScores = {
    /** Members of what the qualifier before the cursor stands for. */
    qualified: 90,
    /** Names the file imports by name. */
    imported: 60,
    /** Members of a namespace import that the file uses (`util.clamp` elsewhere in the file). */
    namespaceUsed: 62,
    /** The receiver's members (`self`, `this`, a Go receiver). */
    selfMember: 58,
    /** Members of the enclosing function's parameter types, then of typed variables. */
    parameterMember: 55,
    localMember: 50,
    /** Definitions of the file's own module: the file, a Go package. */
    sameFile: 46,
    samePackage: 40,
    /** Definitions of names the file uses elsewhere, found by name. */
    used: 44,
    /** The rest of a namespace import's or an included header's exports; members of imported classes. */
    moduleOther: 30
};

/** Candidates beyond this many are not cut into snippets (signatures average ~30 tokens: 8K holds ~250). */
const maxCandidates = 500;
/** Candidates cut into snippets however late it is. */
const alwaysCut = 40;
const selfNames = new Set(["self", "this", "$this", "cls", "Self", "super"]);
const callableKinds = new Set(["function", "method", "class", "interface", "type", "constant", "property", "module"]);

interface Candidate extends DefinitionRef {
    score: number;
    source: SnippetSource;
}

/** What the cursor's line has before it, as a chain: `this.items.` → [this, items]; `foo().` → [foo()]. */
export function qualifierChain(linePrefix: string): {chain: string[], partial: string} {
    const m = /((?:[$A-Za-z_][\w$]*\s*(?:\([^()]*\))?\s*(?:\?\.|\.|::|->)\s*)+)([$A-Za-z_][\w$]*)?$/.exec(linePrefix);
    if (!m) return {chain: [], partial: /([$A-Za-z_][\w$]*)$/.exec(linePrefix)?.[1] ?? ""};
    // A call's arguments do not matter to what it returns: `Stats(self).` is `Stats().`.
    const chain = m[1].replace(/\([^()]*\)/g, "()").split(/\?\.|\.|::|->/).map((s) => s.trim()).filter(Boolean);
    // A number before a dot is a decimal, not a qualifier.
    return /^\d/.test(chain[0] ?? "") ? {chain: [], partial: m[2] ?? ""} : {chain, partial: m[2] ?? ""};
}

export function predictedSnippets(files: SnippetSourceFiles, file: IndexedFile, request: CursorRequest, expired: () => boolean): Snippet[] {
    const cached = files.texts.get(file.path);
    if (!cached) return [];
    const predictor = new Predictor(files, file, cached.text, cached.starts, request, expired);
    return predictor.run();
}

class Predictor {
    private readonly candidates = new Map<string, Candidate>();
    private readonly folders: FolderFiles;
    private readonly language: ParsedLanguage;
    /** Each identifier of the file → the distance in lines from the cursor to its nearest use. */
    private readonly nearestUse = new Map<string, number>();
    /** Each identifier of the file → how often it occurs. */
    private readonly useCount = new Map<string, number>();
    /** Qualifier → the names used after it in the file (`util` → clamp). */
    private readonly usedAfter = new Map<string, Set<string>>();
    private readonly scopeTypes: ScopeTypes;
    private readonly partial: string;
    private readonly chain: string[];
    private readonly around: Definition[];
    /** Names the file defines itself: proposed by sameModule, not looked up again by name. */
    private readonly definedHere: Set<string>;

    constructor(
        private readonly files: SnippetSourceFiles, private readonly file: IndexedFile, private readonly text: string,
        private readonly starts: readonly number[], private readonly request: CursorRequest, private readonly expired: () => boolean
    ) {
        this.folders = new FolderFiles(files.index);
        this.language = file.symbols.language as ParsedLanguage;
        const line = Math.min(request.line, starts.length - 1);
        const lineText = sliceLines(text, starts, line, line);
        ({chain: this.chain, partial: this.partial} = qualifierChain(lineText.slice(0, request.column)));
        this.scopeTypes = typesInScope(file, text, starts, line);
        this.around = enclosingDefinitions(file, line);
        this.definedHere = new Set(file.symbols.definitions.map((d) => d.name));
        this.readUses(line);
    }

    run(): Snippet[] {
        const steps = [
            () => this.qualified(),
            () => this.imports(),
            () => this.typesInScope(),
            () => this.sameModule(),
            () => this.usedNames()
        ];
        for (const step of steps) {
            if (this.expired()) break;
            step();
        }
        const ranked = [...this.candidates.values()].sort((a, b) => b.score - a.score).slice(0, maxCandidates);
        const snippets: Snippet[] = [];
        // The best candidates are cut even past the deadline: finding them was the costly part.
        for (let i = 0; i < ranked.length && (i < alwaysCut || !this.expired()); i++) {
            const c = ranked[i];
            const s = signatureSnippet(this.files, c.path, c.def, c.score, c.source);
            if (s) snippets.push(s);
        }
        return snippets;
    }

    /** Members of what the cursor's qualifier stands for: a module, a type, a typed variable, the receiver. */
    private qualified(): void {
        if (this.chain.length === 0) return;
        const target = this.resolveChain(this.chain);
        if (!target) return;
        const qualifier = this.chain[this.chain.length - 1];
        const used = this.usedAfter.get(qualifier.replace(/\(\s*\)$/, "")) ?? new Set<string>();
        const members = target.kind === "module" ? this.moduleMembers(target.files) : membersOf(this.files.index, this.folders, this.file, target.types);
        for (const ref of members) {
            this.propose(ref, predictedScores.qualified + (used.has(ref.def.name) ? 5 : 0), target.kind === "module" ? "imported" : "typeMember");
        }
    }

    /** Named imports, then what namespace and wildcard imports offer (the names the file uses from them first). */
    private imports(): void {
        const imports = this.file.symbols.imports;
        const targets = this.files.index.importTargets(this.file.path);
        for (let i = 0; i < imports.length && !this.expired(); i++) {
            const found = targets[i] ?? [];
            if (found.length === 0) continue;
            for (const binding of imports[i].names) {
                if (binding.local === "*" || binding.imported === "*") {
                    // A namespace (`import * as ns`, a Go package, a Python module) or a wildcard (C include).
                    const used = binding.local === "*" ? undefined : this.usedAfter.get(binding.local);
                    for (const ref of this.moduleMembers(found)) {
                        const isUsed = used ? used.has(ref.def.name) : this.nearestUse.has(ref.def.name);
                        const score = isUsed ? predictedScores.namespaceUsed * this.closeness(ref.def.name) : predictedScores.moduleOther;
                        this.propose(ref, score, "imported");
                    }
                    continue;
                }
                const wanted = binding.imported === "default" ? binding.local : binding.imported;
                // `from . import events`: a module, not a definition; what it offers, the names the file uses first.
                const submodule = this.submodules(found, wanted);
                if (submodule.length > 0) {
                    const used = this.usedAfter.get(binding.local);
                    for (const ref of this.moduleMembers(submodule)) {
                        const score = used?.has(ref.def.name) ? predictedScores.namespaceUsed * this.closeness(ref.def.name) : predictedScores.moduleOther;
                        this.propose(ref, score, "imported");
                    }
                    continue;
                }
                for (const target of found) {
                    const owner = this.files.index.get(target);
                    const defs = owner?.symbols.definitions.filter((d) => d.name === wanted && d.kind !== "scope" && d.topLevel) ?? [];
                    for (const def of defs) {
                        this.propose({path: target, def}, predictedScores.imported * this.closeness(binding.local), "imported");
                        if (def.kind === "class" || def.kind === "interface") {
                            for (const member of membersOf(this.files.index, this.folders, owner!, [{path: target, def}])) {
                                this.propose(member, predictedScores.moduleOther, "imported");
                            }
                        }
                    }
                }
            }
        }
    }

    /** Members of the receiver's type, the parameters' types and the typed variables in scope. */
    private typesInScope(): void {
        const types = this.scopeTypes;
        const selfRefs = types.selfType ? this.typeDefs(types.selfType, undefined, types.selfOuter) : [];
        this.proposeMembers(selfRefs, predictedScores.selfMember);
        types.parameterTypes.slice(0, 8).forEach((type, i) => {
            if (type !== types.selfType) this.proposeMembers(this.typeDefs(type), predictedScores.parameterMember / (1 + i * 0.05));
        });
        const locals = [...types.names.values()].filter((t) => t !== types.selfType && !types.parameterTypes.includes(t));
        [...new Set(locals)].reverse().slice(0, 8).forEach((type, i) => {
            const refs = this.typeDefs(type);
            for (const ref of refs) this.propose(ref, predictedScores.localMember, "typeMember");
            this.proposeMembers(refs, predictedScores.localMember / (1 + i * 0.05));
        });
    }

    /** The file's own definitions outside the cursor's, and a Go package's other files. */
    private sameModule(): void {
        const line = this.request.line;
        for (const def of this.file.symbols.definitions) {
            if (def.kind === "scope" || (def.startLine <= line && line <= def.endLine)) continue;
            // Nested definitions count where the cursor can see them: inside one of the definitions around it.
            if (!def.topLevel && def.kind !== "method" && !this.around.some((a) => a.name === def.container && a.startLine <= def.startLine && def.endLine <= a.endLine)) continue;
            this.propose({path: this.file.path, def}, this.sameFileScore(def, line), "sameModule");
        }
        // A Go package is its folder; a C or C++ header and its source file (`foo.h`, `foo.cpp`) are one module.
        const cFamily = this.language === "c" || this.language === "cpp";
        if (this.language !== "go" && !cFamily) return;
        const folder = this.file.path.slice(0, this.file.path.lastIndexOf("/"));
        const stem = stemOf(this.file.path);
        for (const sibling of this.folders.in(folder)) {
            if (sibling.path === this.file.path || this.expired()) continue;
            if (cFamily ? stemOf(sibling.path) !== stem || !/^(c|cpp)$/.test(sibling.symbols.language) : !sibling.path.endsWith(".go")) continue;
            for (const def of sibling.symbols.definitions) {
                if (!def.topLevel || def.kind === "scope") continue;
                const score = this.nearestUse.has(def.name) ? predictedScores.samePackage * 1.25 * this.closeness(def.name) : predictedScores.samePackage * 0.8;
                this.propose({path: sibling.path, def}, score, "sameModule");
            }
        }
    }

    /**
     * A definition of the file itself: the more the file uses it and the nearer, the likelier; a private helper
     * (not exported) exists to be used here. Distance in the file counts little: helpers sit at its end.
     */
    private sameFileScore(def: Definition, line: number): number {
        const distance = Math.min(Math.abs(def.startLine - line), Math.abs(def.endLine - line));
        const uses = this.useCount.get(def.name) ?? 0;
        const used = Math.min(10, 3 * Math.log2(1 + uses)) + (uses > 0 ? 6 * this.closeness(def.name, 1) : 0);
        return (predictedScores.sameFile + (def.exported ? 0 : 6) + used) / (1 + distance / 1500);
    }

    /** Names the file uses (before or after the cursor) that the workspace defines: their definitions by name. */
    private usedNames(): void {
        for (const [name, distance] of [...this.nearestUse].sort((a, b) => a[1] - b[1])) {
            if (this.expired()) break;
            // Most identifiers are locals and properties that nothing defines: a map lookup rules them out.
            if (name.length < 3 || this.definedHere.has(name) || this.files.index.definitionsNamed(name).length === 0) continue;
            const found = resolveName(this.files.index, this.file, name, undefined);
            if (found.length === 0 || found.length > 3) continue;
            for (const ref of found) {
                if (!callableKinds.has(ref.def.kind)) continue;
                this.propose(ref, predictedScores.used * ref.certainty / (1 + distance / 200), "used");
            }
        }
    }

    /** What a qualifier chain stands for: a module's files, or a type's definitions. */
    private resolveChain(chain: readonly string[]): {kind: "module", files: string[]} | {kind: "type", types: DefinitionRef[]} | undefined {
        let current: {kind: "module", files: string[]} | {kind: "type", types: DefinitionRef[]} | undefined;
        const first = chain[0].replace(/\s*\(\s*\)$/, "");
        const called = chain[0] !== first;
        const types = this.scopeTypes;
        if (selfNames.has(first)) {
            const self = types.selfType ? this.typeDefs(types.selfType, undefined, types.selfOuter) : [];
            current = {kind: "type", types: first === "super" ? self.flatMap((r) => this.baseDefs(r)) : self};
        } else if (!called && types.names.has(first)) {
            current = {kind: "type", types: this.typeDefs(types.names.get(first)!)};
        } else if (!called && types.calls.has(first)) {
            current = this.returnTypeOf(types.calls.get(first)!);
        } else if (called) {
            current = this.returnTypeOf(first);
        } else {
            const module = this.moduleBinding(first);
            if (module) current = {kind: "module", files: module};
            else {
                const asType = this.typeDefs(first);
                current = asType.length > 0 ? {kind: "type", types: asType} : this.byUse(first);
            }
        }
        for (const raw of chain.slice(1)) {
            // Typed no further: the last name's type from the methods the file calls on it.
            if (!current) return this.byUse(chain[chain.length - 1].replace(/\s*\(\s*\)$/, ""));
            const segment = raw.replace(/\s*\(\s*\)$/, "");
            const members = current.kind === "module" ? this.moduleMembers(current.files) : membersOf(this.files.index, this.folders, this.file, current.types);
            const member = members.find((m) => m.def.name === segment);
            if (!member) {
                // A field the type declares (`readonly indexer: Indexer`, `self.cart = Cart()`), or for the
                // receiver one the enclosing scope assigns.
                const assigned = selfNames.has(chain[0]) ? types.names.get(segment) : undefined;
                const field = (current.kind === "type" ? this.fieldOf(current.types, segment) : undefined)
                    ?? (assigned ? {type: assigned, from: this.file.path} : undefined);
                current = field ? {kind: "type", types: this.typeDefs(field.type, field.from)} : undefined;
                continue;
            }
            if (member.def.kind === "class" || member.def.kind === "interface" || member.def.kind === "type") {
                current = {kind: "type", types: [member]};
            } else {
                const language = this.files.index.get(member.path)?.symbols.language as ParsedLanguage;
                const type = member.def.kind === "function" || member.def.kind === "method"
                    ? returnType(language, member.def)
                    : /:\s*([A-Za-z_$][\w$.]*)/.exec(member.def.signature.slice(member.def.signature.indexOf(member.def.name)))?.[1];
                current = type ? {kind: "type", types: this.typeDefs(type, member.path)} : undefined;
            }
        }
        if (current && (current.kind === "module" ? current.files.length > 0 : current.types.length > 0)) return current;
        return chain.length > 1 ? this.byUse(chain[chain.length - 1].replace(/\s*\(\s*\)$/, "")) : undefined;
    }

    /** The declared type of a field of one of `types`, with the file it is written in. */
    private fieldOf(types: readonly DefinitionRef[], name: string): {type: string, from: string} | undefined {
        for (const ref of types) {
            const owner = this.files.index.get(ref.path);
            const cached = owner && this.files.texts.get(ref.path);
            if (!owner || !cached) continue;
            const type = fieldTypes(owner.symbols.language as ParsedLanguage, cached.text, cached.starts, ref.def).get(name);
            if (type) return {type, from: ref.path};
        }
        return undefined;
    }

    /** The type a function returns, by its declared return type. */
    private returnTypeOf(callee: string): {kind: "type", types: DefinitionRef[]} | undefined {
        for (const ref of resolveName(this.files.index, this.file, callee, undefined)) {
            if (ref.def.kind === "class") return {kind: "type", types: [ref]};
            const language = this.files.index.get(ref.path)?.symbols.language as ParsedLanguage;
            const type = returnType(language, ref.def);
            if (type) {
                const types = this.typeDefs(type, ref.path);
                if (types.length > 0) return {kind: "type", types};
            }
        }
        return undefined;
    }

    /** An unknown variable's type, from the methods the file calls on it elsewhere: the types that define them. */
    private byUse(qualifier: string): {kind: "type", types: DefinitionRef[]} | undefined {
        const used = this.usedAfter.get(qualifier);
        if (!used) return undefined;
        const owners = new Map<string, {ref: DefinitionRef, votes: number}>();
        for (const name of used) {
            const defs = this.files.index.definitionsNamed(name).filter((d) => d.def.container && (d.def.kind === "method" || d.def.kind === "property"));
            if (defs.length === 0 || defs.length > 6) continue;
            for (const d of defs) {
                const file = this.files.index.get(d.path);
                const owner = file?.symbols.definitions.find((t) => t.name === d.def.container && t.startLine <= d.def.startLine && d.def.endLine <= t.endLine);
                if (!owner || owner.kind === "scope") continue;
                const key = `${d.path}:${owner.startLine}`;
                const entry = owners.get(key) ?? {ref: {path: d.path, def: owner}, votes: 0};
                entry.votes++;
                owners.set(key, entry);
            }
        }
        const best = [...owners.values()].sort((a, b) => b.votes - a.votes);
        return best.length > 0 ? {kind: "type", types: best.filter((b) => b.votes === best[0].votes).slice(0, 3).map((b) => b.ref)} : undefined;
    }

    /** Files a namespace-like import binds to `local` (`import * as util`, Go `geo`, Python `import os`). */
    private moduleBinding(local: string): string[] | undefined {
        const imports = this.file.symbols.imports;
        const targets = this.files.index.importTargets(this.file.path);
        const files: string[] = [];
        for (let i = 0; i < imports.length; i++) {
            for (const b of imports[i].names) if (b.local === local && (b.imported === "*" || b.imported === "default")) files.push(...(targets[i] ?? []));
            // `from pkg import mod`: a module imported by name is a namespace too.
            for (const b of imports[i].names) {
                if (b.local === local && b.imported !== "*") files.push(...this.submodules(targets[i] ?? [], b.imported));
            }
        }
        return files.length > 0 ? [...new Set(files)] : undefined;
    }

    /**
     * The modules `from pkg import name` names when `name` is a module rather than a definition: the resolved
     * file itself (`from pkg.mod import mod`'s stem), or a module beside the package's `__init__.py`.
     */
    private submodules(targets: readonly string[], name: string): string[] {
        if (this.language !== "python") return [];
        const found: string[] = [];
        for (const target of targets) {
            const owner = this.files.index.get(target);
            if (owner?.symbols.definitions.some((d) => d.name === name && d.topLevel)) continue;
            const dir = target.slice(0, target.lastIndexOf("/"));
            const stem = target.slice(dir.length + 1).replace(/\.[^.]+$/, "");
            if (stem === name) { found.push(target); continue; }
            if (stem !== "__init__") continue;
            for (const candidate of [`${dir}/${name}.py`, `${dir}/${name}/__init__.py`]) if (this.files.index.get(candidate)) found.push(candidate);
        }
        return found;
    }

    /** Top-level definitions a module offers, and the members of its classes after them. */
    private moduleMembers(files: readonly string[]): DefinitionRef[] {
        const refs: DefinitionRef[] = [];
        for (const path of files) {
            const owner = this.files.index.get(path);
            if (!owner) continue;
            for (const def of owner.symbols.definitions) {
                if (def.kind !== "scope" && def.topLevel && (def.exported || owner.symbols.language === "python")) refs.push({path, def});
            }
        }
        return refs;
    }

    /** The definitions of type `name`; `outer`: the type it is nested in, which picks among same-named ones. */
    private typeDefs(name: string, from?: string, outer?: string): DefinitionRef[] {
        if (!name || isKeyword(name)) return [];
        const file = from ? this.files.index.get(from) ?? this.file : this.file;
        const found = findType(this.files.index, file, name);
        const nested = outer ? found.filter((ref) => ref.def.container === outer) : [];
        return (nested.length > 0 ? nested : found).slice(0, 3);
    }

    private baseDefs(ref: DefinitionRef): DefinitionRef[] {
        const file = this.files.index.get(ref.path);
        if (!file) return [];
        return baseTypes(file.symbols.language as ParsedLanguage, ref.def).flatMap((base) => findType(this.files.index, file, base).slice(0, 1));
    }

    private proposeMembers(types: readonly DefinitionRef[], score: number): void {
        if (types.length === 0) return;
        const members = membersOf(this.files.index, this.folders, this.file, types);
        for (const ref of members) this.propose(ref, score * this.closeness(ref.def.name, 0.15), "typeMember");
    }

    private propose(ref: DefinitionRef, score: number, source: SnippetSource): void {
        const def = ref.def;
        // The cursor's own definition and those around it are in view already.
        if (ref.path === this.file.path && this.around.includes(def)) return;
        if (this.partial && def.name.startsWith(this.partial)) score += 8;
        const key = `${ref.path}:${def.startLine}:${def.name}`;
        const existing = this.candidates.get(key);
        if (!existing || existing.score < score) this.candidates.set(key, {...ref, score, source});
    }

    /** 1 for a name used next to the cursor, falling to (1 - spread) for one used far away or not at all. */
    private closeness(name: string, spread = 0.3): number {
        const distance = this.nearestUse.get(name);
        if (distance === undefined) return 1 - spread;
        return 1 - spread + spread / (1 + distance / 40);
    }

    /** One pass over the file's identifiers: the nearest use of each, and what follows each qualifier. */
    private readUses(cursorLine: number): void {
        const found = identifiersWithPositions(this.text);
        const cursorOffset = (this.starts[cursorLine] ?? 0) + this.request.column;
        let line = 0;
        for (let i = 0; i < found.length; i++) {
            const {name, index} = found[i];
            while (line + 1 < this.starts.length && this.starts[line + 1] <= index) line++;
            if (index >= cursorOffset - name.length && index <= cursorOffset) continue; // the partial name being typed
            const distance = Math.abs(line - cursorLine);
            this.useCount.set(name, (this.useCount.get(name) ?? 0) + 1);
            const known = this.nearestUse.get(name);
            if (known === undefined || distance < known) this.nearestUse.set(name, distance);
            const previous = found[i - 1];
            const gap = previous ? index - previous.index - previous.name.length : 0;
            if (previous && gap >= 1 && gap <= 4 && isMemberAccess(this.text, index - gap, index)) {
                let set = this.usedAfter.get(previous.name);
                if (!set) this.usedAfter.set(previous.name, set = new Set());
                set.add(name);
            }
        }
    }
}

/** Whether `text[from, to)` is a member access operator (`.`, `?.`, `::`, `->`), spaces around it allowed. */
function isMemberAccess(text: string, from: number, to: number): boolean {
    let i = from, j = to;
    while (i < j && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    while (j > i && (text.charCodeAt(j - 1) === 32 || text.charCodeAt(j - 1) === 9)) j--;
    const op = text.slice(i, j);
    return op === "." || op === "?." || op === "::" || op === "->";
}

function stemOf(file: string): string {
    return file.slice(file.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
}

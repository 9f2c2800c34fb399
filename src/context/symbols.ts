// Reads one parsed file out into plain data: its definitions (with ranges, signatures, containers), its
// imports and exports. One query pass per tree. The identifiers it references come from the word pass over
// its chunks (analyzeFile.ts), which is cheaper than pulling every identifier node out of the tree.
import type {Node, Tree} from "web-tree-sitter";
import {chunkFile} from "./chunks";
import {importBindings} from "./importBindings";
import type {ParsedLanguage} from "./languages";
import type {LoadedGrammar} from "./parser";
import type {Definition, DefinitionKind, FileSymbols, ImportEntry} from "./types";

const maxSignatureChars = 200;
/**
 * Definitions and imports sit near the top of a tree (namespace > class > body > method is depth 4-5).
 * Not starting matches below depth 8 skips statements inside function bodies: 40% less query time.
 */
const maxStartDepth = 8;
/** Go declares `type (…)`/`const (…)` groups; each spec's signature gets its keyword back. */
const goSpecKeyword: Record<string, string> = {type_spec: "type", type_alias: "type", const_spec: "const", var_spec: "var"};
/** Kinds that contain methods: a function directly inside one of these is a method. */
const containerKinds = new Set<DefinitionKind>(["class", "interface", "scope", "module", "type"]);

interface RawDefinition {
    kind: DefinitionKind;
    node: Node;
    nameNode: Node;
    bodyStart?: number;
}

export function extractSymbols(grammar: LoadedGrammar, tree: Tree, text: string, lineCount: number): FileSymbols {
    const raw = new Map<string, RawDefinition>();
    const imports: ImportEntry[] = [];
    const exportRanges: Array<[number, number]> = [];
    const exportNames = new Set<string>();

    for (const match of grammar.query.matches(tree.rootNode, {maxStartDepth})) {
        let defNode: Node | undefined, kind: DefinitionKind | undefined, nameNode: Node | undefined, body: Node | undefined;
        let importNode: Node | undefined, sourceNode: Node | undefined;
        for (const capture of match.captures) {
            const name = capture.name;
            if (name === "name") nameNode = capture.node;
            else if (name === "body") body = capture.node;
            else if (name.startsWith("def.")) { defNode = capture.node; kind = name.slice(4) as DefinitionKind; }
            else if (name === "import") importNode = capture.node;
            else if (name === "import.source") sourceNode = capture.node;
            else if (name === "export") exportRanges.push([capture.node.startIndex, capture.node.endIndex]);
            else if (name === "export.name") exportNames.add(capture.node.text);
        }
        if (defNode && kind && nameNode) {
            const key = `${defNode.startIndex}:${nameNode.startIndex}`;
            const existing = raw.get(key);
            // First pattern wins, except that a match with a body beats one without (declaration vs definition).
            if (!existing || (existing.bodyStart === undefined && body)) raw.set(key, {kind, node: defNode, nameNode, bodyStart: body?.startIndex});
        } else if (importNode && sourceNode) {
            const source = unquote(sourceNode.text);
            imports.push({source, names: importBindings(grammar.language, importNode.text, source), line: importNode.startPosition.row});
        }
    }

    const definitions = toDefinitions(grammar.language, [...raw.values()], text, exportRanges, exportNames);
    const exports = new Set(definitions.filter((d) => d.exported && d.topLevel && d.kind !== "scope").map((d) => d.name));
    for (const name of exportNames) exports.add(name);
    return {
        language: grammar.language,
        parsed: true,
        definitions,
        imports,
        exports: [...exports],
        references: [], // filled by analyze() from the same pass that counts search terms
        chunks: chunkFile(lineCount, definitions),
        lineCount
    };
}

/** Symbols of a file no grammar covers: no definitions, only chunks for lexical search. */
export function plainTextSymbols(lineCount: number): FileSymbols {
    return {language: "text", parsed: false, definitions: [], imports: [], exports: [], references: [], chunks: chunkFile(lineCount, []), lineCount};
}

function toDefinitions(
    language: ParsedLanguage, raw: RawDefinition[], text: string,
    exportRanges: Array<[number, number]>, exportNames: Set<string>
): Definition[] {
    raw.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
    const definitions: Definition[] = [];
    const stack: Array<{end: number, def: Definition}> = [];
    for (const r of raw) {
        const start = r.node.startIndex, end = r.node.endIndex;
        while (stack.length > 0 && stack[stack.length - 1].end <= start) stack.pop();
        const parent = stack[stack.length - 1]?.def;
        let kind = r.kind;
        if (kind === "function" && parent && containerKinds.has(parent.kind)) kind = "method";
        if (kind === "constant" && parent && (parent.kind === "function" || parent.kind === "method")) continue; // locals
        const signature = goSpecKeyword[r.node.type] ? `${goSpecKeyword[r.node.type]} ${signatureOf(text, start, r.bodyStart, end)}` : signatureOf(text, start, r.bodyStart, end);
        const name = simpleName(r.nameNode.text, kind);
        const def: Definition = {
            name,
            kind,
            startLine: r.node.startPosition.row,
            endLine: endRow(r.node),
            nameLine: r.nameNode.startPosition.row,
            signature,
            container: parent?.name,
            exported: false,
            topLevel: !parent || parent.kind === "module"
        };
        def.exported = isExported(language, def, start, end, exportRanges, exportNames);
        definitions.push(def);
        stack.push({end, def});
    }
    return definitions;
}

/** A node ending at column 0 ends on the previous line (its newline is not part of it). */
function endRow(node: Node): number {
    const end = node.endPosition;
    return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** `Foo::bar` → `bar`; `impl<T> Trait for Type<T>` keeps its type name; `self.x` → `x`. */
function simpleName(raw: string, kind: DefinitionKind): string {
    if (kind === "scope") {
        const type = /([A-Za-z_]\w*)\s*(<[^>]*>)?\s*$/.exec(raw);
        return type ? type[1] : raw;
    }
    const parts = raw.split(/::|\.|->/);
    return parts[parts.length - 1].trim();
}

/** Declaration text up to its body; without a body, its first line (a constant's value can be huge). */
function signatureOf(text: string, start: number, bodyStart: number | undefined, end: number): string {
    let stop = bodyStart;
    if (stop === undefined) {
        const lineEnd = text.indexOf("\n", start);
        stop = lineEnd >= 0 && lineEnd < end ? lineEnd : end;
    }
    const signature = text.slice(start, Math.min(stop, start + maxSignatureChars * 2)).replace(/\s+/g, " ").trim();
    return signature.length > maxSignatureChars ? `${signature.slice(0, maxSignatureChars)}…` : signature;
}

function isExported(
    language: ParsedLanguage, def: Definition, start: number, end: number,
    exportRanges: Array<[number, number]>, exportNames: Set<string>
): boolean {
    switch (language) {
        case "typescript": case "tsx": case "javascript":
            return exportNames.has(def.name) || exportRanges.some(([s, e]) => s <= start && end <= e);
        case "python":
            return !def.name.startsWith("_");
        case "go":
            return /^[A-Z]/.test(def.name);
        case "rust":
            return /^pub\b/.test(def.signature) || def.kind === "scope";
        case "java": case "csharp": case "php":
            return !/\bprivate\b/.test(def.signature);
        case "c": case "cpp":
            return !/^static\b/.test(def.signature);
        default:
            return true;
    }
}

function unquote(source: string): string {
    return source.replace(/^["'`<]|["'`>]$/g, "").trim();
}

// What a refactor's context is asked for: the definitions the target uses (names it imports first, then other
// names it calls or mentions), and its callers, found by its own name; plus the file's imports as they stand.
// The context engine answers the question (retrieveQuestion.ts): backticked names are looked up as definitions,
// plain terms lexically (where callers show up).
import type {Node, Tree} from "web-tree-sitter";

export interface TargetNames {
    /** Names the target uses that the file imports, in the order they appear. */
    imported: string[];
    /** Other names the target uses that it does not define itself. */
    used: string[];
}

const identifierTypes = new Set(["identifier", "type_identifier", "property_identifier", "field_identifier", "constant", "name", "simple_identifier"]);
const importTypes = /^(import_statement|import_declaration|import_from_statement|future_import_statement|use_declaration|using_directive|preproc_include|namespace_use_declaration|extern_crate_declaration)$/;
const keywords = new Set(["self", "this", "super", "true", "false", "null", "nil", "None", "True", "False", "undefined"]);

/** The top-level import statements of the file, as text (Ruby's `require`, which is a call, is matched by text). */
export function importLines(tree: Tree): string[] {
    const lines: string[] = [];
    for (const node of tree.rootNode.namedChildren) {
        if (!node) continue;
        if (importTypes.test(node.type) || (node.type === "expression_statement" && /^import\s/.test(node.text))) lines.push(node.text);
        else if (node.type === "call" && /^require(_relative)?\b/.test(node.text)) lines.push(node.text);
    }
    return lines;
}

/** The names the code in [start, end) uses and does not declare there, imported ones first. */
export function targetNames(tree: Tree, start: number, end: number, imports: readonly string[], max = 24): TargetNames {
    const seen = new Set<string>();
    const declared = new Set<string>();
    const names: string[] = [];
    const visit = (node: Node) => {
        if (node.endIndex <= start || node.startIndex >= end) return;
        if (identifierTypes.has(node.type)) {
            const parentField = node.parent?.childForFieldName("name");
            if (parentField?.id === node.id && /declar|definition|parameter|declarator|function|method|class/.test(node.parent!.type)) declared.add(node.text);
            else if (!seen.has(node.text) && !keywords.has(node.text) && node.text.length > 1) { seen.add(node.text); names.push(node.text); }
            return;
        }
        for (const child of node.children) if (child) visit(child);
    };
    visit(tree.rootNode);
    const importText = imports.join("\n");
    const free = names.filter((n) => !declared.has(n));
    const imported = free.filter((n) => new RegExp(`\\b${escape(n)}\\b`).test(importText));
    const used = free.filter((n) => !imported.includes(n));
    return {imported: imported.slice(0, max), used: used.slice(0, Math.max(0, max - imported.length))};
}

/** The question text the context engine ranks by: definitions to look up (backticked), then the target's name. */
export function refactorQuestion(names: TargetNames, targetName: string | undefined): string {
    const lookups = [...names.imported, ...names.used].map((n) => `\`${n}\``).join(" ");
    return [lookups && `Definitions of ${lookups}.`, targetName && `Code that calls ${targetName}.`].filter(Boolean).join(" ");
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

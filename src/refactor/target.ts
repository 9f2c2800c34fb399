// What a refactor acts on: the selection, or with none the innermost function, method or class around the cursor,
// found in the file's syntax tree (tree-sitter, through the context engine's grammars; its indices are UTF-16
// offsets, as the document's are). The target is widened
// to whole lines when only whitespace stands beside it, so a replacement re-indents cleanly.
import type {Node, Tree} from "web-tree-sitter";
import type {ParsedLanguage} from "../context/languages";

export interface RefactorTarget {
    /** Offsets in the document text. */
    start: number;
    end: number;
    /** The name of the function, method or class; undefined for a plain selection. */
    name?: string;
    /** "function", "method", "class" or "selection". */
    kind: TargetKind;
    /** Whitespace before `start` on its line when the target starts mid-line after it (else ""). */
    leadingIndent: string;
}

export type TargetKind = "function" | "method" | "class" | "selection";

/** Node types that are a function, method or class, per language. */
const targetNodes: Record<ParsedLanguage, Record<string, Exclude<TargetKind, "selection">>> = {
    typescript: tsNodes(),
    tsx: tsNodes(),
    javascript: tsNodes(),
    python: {function_definition: "function", class_definition: "class"},
    go: {function_declaration: "function", method_declaration: "method", type_declaration: "class"},
    rust: {function_item: "function", impl_item: "class", struct_item: "class", enum_item: "class", trait_item: "class"},
    java: {method_declaration: "method", constructor_declaration: "method", class_declaration: "class", interface_declaration: "class", enum_declaration: "class", record_declaration: "class"},
    c: {function_definition: "function", struct_specifier: "class"},
    cpp: {function_definition: "function", class_specifier: "class", struct_specifier: "class"},
    csharp: {method_declaration: "method", constructor_declaration: "method", local_function_statement: "function", class_declaration: "class", struct_declaration: "class", interface_declaration: "class", record_declaration: "class"},
    ruby: {method: "method", singleton_method: "method", class: "class", module: "class"},
    php: {function_definition: "function", method_declaration: "method", class_declaration: "class", interface_declaration: "class", trait_declaration: "class"},
    bash: {function_definition: "function"}
};

function tsNodes(): Record<string, Exclude<TargetKind, "selection">> {
    return {
        function_declaration: "function", generator_function_declaration: "function", method_definition: "method",
        class_declaration: "class", abstract_class_declaration: "class", arrow_function: "function", function_expression: "function",
        function: "function"
    };
}

/** Wrappers that belong to the definition inside them: `export`, decorators, `const f = () => …`. */
const wrapperNodes = new Set([
    "export_statement", "decorated_definition", "lexical_declaration", "variable_declaration", "variable_declarator",
    "template_declaration", "declaration_list_item"
]);

/**
 * The target at a selection [selStart, selEnd) of `text`; an empty selection means the enclosing definition
 * (undefined when the cursor is inside none).
 */
export function findTarget(text: string, tree: Tree | undefined, language: ParsedLanguage | undefined, selStart: number, selEnd: number): RefactorTarget | undefined {
    if (selEnd > selStart && text.slice(selStart, selEnd).trim() !== "") return widen(text, selStart, selEnd, "selection", undefined);
    if (!tree || !language) return undefined;
    const kinds = targetNodes[language];
    let node: Node | null = tree.rootNode.descendantForIndex(selStart);
    while (node) {
        const kind = kinds[node.type];
        // An arrow function or function expression is a target only where it is declared (`const f = () => …`).
        if (kind && (!isExpressionFunction(node.type) || declaredName(node) !== undefined)) {
            let outer: Node = node;
            while (outer.parent && wrapperNodes.has(outer.parent.type)) outer = outer.parent;
            const name = nameOf(node) ?? declaredName(node);
            const method = kind === "function" && isInsideClass(node) ? "method" : kind;
            return widen(text, outer.startIndex, outer.endIndex, method, name);
        }
        node = node.parent;
    }
    return undefined;
}

/** Language names a fence's info string may use for a parsed language (the first is what prompts write). */
export function fenceNames(language: ParsedLanguage | undefined): string[] {
    switch (language) {
        case "typescript": return ["typescript", "ts"];
        case "tsx": return ["tsx", "typescript", "ts"];
        case "javascript": return ["javascript", "js", "jsx"];
        case "python": return ["python", "py"];
        case "go": return ["go", "golang"];
        case "rust": return ["rust", "rs"];
        case "java": return ["java"];
        case "c": return ["c", "h"];
        case "cpp": return ["cpp", "c++", "cc", "hpp"];
        case "csharp": return ["csharp", "cs", "c#"];
        case "ruby": return ["ruby", "rb"];
        case "php": return ["php"];
        case "bash": return ["bash", "sh", "shell", "zsh"];
        default: return [];
    }
}

function isExpressionFunction(type: string): boolean {
    return type === "arrow_function" || type === "function_expression" || type === "function";
}

function nameOf(node: Node): string | undefined {
    const name = node.childForFieldName("name") ?? node.childForFieldName("declarator");
    if (name) {
        // C and C++: the declarator wraps the name (`int area(int w)` → function_declarator → identifier).
        let inner: Node | null = name;
        while (inner && inner.type.endsWith("declarator")) inner = inner.childForFieldName("declarator");
        const text = (inner ?? name).text;
        return /^[\w$:~.]+$/.test(text) ? text : undefined;
    }
    // Go's `type Shape struct {…}`: the name is on the type_spec.
    const spec = node.namedChildren.find((c) => c?.type === "type_spec");
    return spec?.childForFieldName("name")?.text;
}

/** The variable an arrow function or function expression is assigned to. */
function declaredName(node: Node): string | undefined {
    const parent = node.parent;
    if (parent?.type === "variable_declarator" || parent?.type === "public_field_definition" || parent?.type === "pair")
        return (parent.childForFieldName("name") ?? parent.childForFieldName("key"))?.text;
    return undefined;
}

function isInsideClass(node: Node): boolean {
    for (let p = node.parent; p; p = p.parent) {
        if (/class|impl_item|trait_item/.test(p.type)) return true;
        if (/function|method/.test(p.type)) return false;
    }
    return false;
}

/** Widens [start, end) to the start of its line when only indentation precedes it; trailing whitespace is left out. */
function widen(text: string, start: number, end: number, kind: TargetKind, name: string | undefined): RefactorTarget {
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const wholeLine = /^[ \t]*$/.test(text.slice(lineStart, start));
    const from = wholeLine ? lineStart : start;
    const leadingIndent = wholeLine ? "" : /^[ \t]*/.exec(text.slice(lineStart))![0];
    return {start: from, end: from + text.slice(from, end).trimEnd().length, kind, name, leadingIndent};
}

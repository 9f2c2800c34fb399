// Add Documentation may change comments only. The check compares the code's tokens outside comments (and Python
// docstrings, which are string statements) before and after, from tree-sitter's leaves: whitespace, line breaks
// and comments may differ, nothing else.
import type {Node, Tree} from "web-tree-sitter";
import type {ParsedLanguage} from "../context/languages";

export type Parse = (text: string) => Tree;

/** Undefined when only comments changed; otherwise the first code token that differs, for the message. */
export function codeChangeOutsideComments(before: string, after: string, language: ParsedLanguage | undefined, parse: Parse | undefined): string | undefined {
    const a = parse ? treeTokens(parse(before), language) : roughTokens(before);
    const b = parse ? treeTokens(parse(after), language) : roughTokens(after);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `\`${b[i]}\` where the code had \`${a[i]}\``;
    if (a.length !== b.length) return a.length > b.length ? `\`${a[n]}\` and what follows were removed` : `\`${b[n]}\` was added`;
    return undefined;
}

function treeTokens(tree: Tree, language: ParsedLanguage | undefined): string[] {
    const tokens: string[] = [];
    const visit = (node: Node) => {
        if (isComment(node) || (language === "python" && isDocstring(node))) return;
        if (node.childCount === 0) {
            if (node.text.trim() !== "") tokens.push(node.text);
            return;
        }
        for (const child of node.children) if (child) visit(child);
    };
    visit(tree.rootNode);
    tree.delete();
    return tokens;
}

function isComment(node: Node): boolean {
    return node.type === "comment" || node.type === "line_comment" || node.type === "block_comment" || node.type === "doc_comment";
}

/** A string that is a statement of its own at the start of a module, class or function body. */
function isDocstring(node: Node): boolean {
    if (node.type !== "expression_statement" || node.namedChildCount !== 1 || node.namedChild(0)?.type !== "string") return false;
    const parent = node.parent;
    if (!parent || (parent.type !== "block" && parent.type !== "module")) return false;
    return parent.namedChild(0)?.id === node.id || parent.namedChildren.filter((c) => c?.type !== "comment")[0]?.id === node.id;
}

/** Without a grammar: tokens after removing the usual comment forms. */
function roughTokens(text: string): string[] {
    const stripped = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:])\/\/.*$/gm, "$1").replace(/^\s*#.*$/gm, "");
    return stripped.split(/\s+/).filter((t) => t !== "");
}

// Whether a suggestion at the cursor may span several lines, read from the syntax tree: a block body is
// wanted at an empty block, after a function or class header, and on an empty line inside a block; one line in
// the middle of an expression or before text on the same line; and never several lines inside a string or a
// comment, except right after a doc-comment opener.

/** The part of a tree-sitter node this decision reads (web-tree-sitter's Node has it). */
export interface SyntaxNode {
    type: string;
    startIndex: number;
    endIndex: number;
    parent: SyntaxNode | null;
}

export type Shape = "multiline" | "singleLine";

const STRING_OR_COMMENT = /string|comment|heredoc|template_string|raw_string|char_literal/;
/** A doc comment's opening line: JSDoc/Javadoc/PHPDoc `/**`, a Python docstring, Rust/C# `///` and `//!`. */
const DOC_OPENER = /^\s*(?:(?:\/\*\*|[rRuU]?"""|[rRuU]?''')\s*$|\/\/[\/!])/;
const BLOCK = /block|body|suite|compound_statement|declaration_list|field_declaration_list|statement_list|program|module|source_file|translation_unit|class_body|enum_body|interface_body|object$|dictionary$/;

/** `nodeAt(offset)` is the smallest node spanning the offset (web-tree-sitter: root.descendantForIndex). */
export function completionShape(text: string, offset: number, nodeAt: (index: number) => SyntaxNode | null): Shape {
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    const lineEnd = text.indexOf("\n", offset);
    const before = text.slice(lineStart, offset);
    const after = text.slice(offset, lineEnd < 0 ? text.length : lineEnd);
    // Text after the cursor other than closing brackets: the suggestion must fit in front of it on this line.
    if (after.trim() !== "" && !/^[\s)\]}>;,'"`]*$/.test(after)) return "singleLine";

    // Checked on the text: an opener not yet closed is often an error node, not a comment, in the tree.
    if (DOC_OPENER.test(before)) return "multiline";
    const node = nodeAt(Math.max(0, offset - 1));
    if (enclosing(node, offset, STRING_OR_COMMENT)) return "singleLine";

    if (before.trim() === "") return enclosing(node, offset, BLOCK) || node === null ? "multiline" : "singleLine";
    // The end of a header: `{`, Python's `:`, or an arrow function's `=> {`.
    if (/[{:]\s*$/.test(before) && !/[?]\s*[^:]*:\s*$/.test(before)) return "multiline";
    // An empty block body between braces the editor closed: `{|}`.
    if (/\{\s*$/.test(before) && /^\s*\}/.test(after)) return "multiline";
    return "singleLine";
}

/** The nearest ancestor (or the node itself) of a kind that strictly contains the offset. */
function enclosing(node: SyntaxNode | null, offset: number, kind: RegExp): SyntaxNode | undefined {
    for (let n = node; n !== null; n = n.parent) {
        if (kind.test(n.type) && n.startIndex < offset && (offset < n.endIndex || isOpenAtEnd(n))) return n;
    }
    return undefined;
}

/** A line comment runs to the end of its line, so the cursor at its end is still inside it. */
function isOpenAtEnd(node: SyntaxNode): boolean {
    return node.type.includes("comment");
}

// C and C++ libraries mark the declarations of their API with macros: an export macro before each one
// (`GGML_API struct ggml_tensor * ggml_add(`, `LLAMA_API int32_t llama_n_vocab(`), and a deprecation macro around
// some (`GGML_DEPRECATED(GGML_API void f(int x), "use g instead");`, `LLAMA_API DEPRECATED(void f(int x), "…");`).
// tree-sitter reads the first as a type and the second as a call, and its error recovery then loses most
// declarations of such a header. The parser is given the text with those macros blanked out: the same length and
// the same line breaks, so every position, line and snippet of the real text holds.

/** A macro-like name ending in _API, _EXPORT and the like. */
const macroName = String.raw`(?:[A-Z][A-Z0-9]*_)+(?:API|EXPORT|EXPORTS|DLL|PUBLIC|DECL|EXTERN)`;
/** The name before the declaration it marks, first on its line. */
const exportMacro = new RegExp(String.raw`^([ \t]*)(${macroName})(?=[ \t]+[A-Za-z_])`, "gm");
/** The name first inside a deprecation macro's parentheses. */
const innerExportMacro = new RegExp(String.raw`^([ \t]*)(${macroName})(?=[ \t]+[A-Za-z_])`);
/**
 * `NAME_DEPRECATED(` first on its line, or after an export macro (`LLAMA_API DEPRECATED(`): a declaration, then a
 * message, then `)`. The group is the opener itself.
 */
const deprecationOpener = new RegExp(String.raw`^[ \t]*(?:${macroName}[ \t]+)?((?:[A-Z][A-Z0-9]*_)*DEPRECATED[ \t]*\()`, "gm");
const hint = /_(?:API|EXPORTS?|DLL|PUBLIC|DECL|EXTERN)\b|DEPRECATED/;
/** How far a deprecation macro's closing parenthesis is looked for. */
const maxMacroChars = 4000;

/** `text` as the parser should read it (C and C++; other languages as they are). */
export function blankDeclarationMacros(language: string, text: string): string {
    if ((language !== "c" && language !== "cpp") || !hint.test(text)) return text;
    const blanks: Array<[number, number]> = [];
    for (const m of text.matchAll(exportMacro)) blanks.push([m.index + m[1].length, m.index + m[0].length]);
    for (const m of text.matchAll(deprecationOpener)) {
        const open = m.index + m[0].length;
        const message = messageOf(text, open);
        if (!message) continue;
        blanks.push([open - m[1].length, open], message);
        // `NAME_DEPRECATED(NAME_API void f(...), "...")`: the export macro inside, on the opener's line.
        const inner = innerExportMacro.exec(text.slice(open, open + 200));
        if (inner) blanks.push([open + inner[1].length, open + inner[0].length]);
    }
    if (blanks.length === 0) return text;
    blanks.sort((a, b) => a[0] - b[0]);
    let out = "", at = 0;
    for (const [start, end] of blanks) {
        if (start < at) continue;
        out += text.slice(at, start) + text.slice(start, end).replace(/[^\n]/g, " ");
        at = end;
    }
    return out + text.slice(at);
}

/**
 * In a deprecation macro whose arguments start at `open`: the range from its last top-level comma to its closing
 * parenthesis, when what lies between is a string (the message); undefined otherwise.
 */
function messageOf(text: string, open: number): [number, number] | undefined {
    let depth = 0, lastComma = -1;
    const end = Math.min(text.length, open + maxMacroChars);
    for (let i = open; i < end; i++) {
        const c = text[i];
        if (c === "\"" || c === "'") {
            for (i++; i < end && text[i] !== c; i++) if (text[i] === "\\") i++;
        } else if (c === "/" && text[i + 1] === "/") {
            i = text.indexOf("\n", i);
            if (i < 0) return undefined;
        } else if (c === "/" && text[i + 1] === "*") {
            i = text.indexOf("*/", i + 2) + 1;
            if (i <= 0) return undefined;
        } else if (c === "(") depth++;
        else if (c === ")") {
            if (depth > 0) { depth--; continue; }
            if (lastComma < 0) return undefined;
            const between = text.slice(lastComma + 1, i).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").trim();
            return /^"(?:[^"\\]|\\.)*"$/.test(between) ? [lastComma, i + 1] : undefined;
        } else if (c === "," && depth === 0) lastComma = i;
        else if (c === ";" || c === "{") return undefined;
    }
    return undefined;
}

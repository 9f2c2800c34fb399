// How a language writes a one-line comment, so that context labels (`# py/app.py:3-9`) read as comments in the
// language of the prompt they sit in. Keyed by VS Code language id, by the index's language names, and by file
// extension for files whose language id is not known.
import path from "node:path";

export interface CommentSyntax {
    /** Text before the comment's content, space included: `// `, `# `, `<!-- `. */
    open: string;
    /** Text after it, for languages without line comments (HTML, CSS, OCaml); empty otherwise. */
    close: string;
}

const slashes: CommentSyntax = {open: "// ", close: ""};
const hash: CommentSyntax = {open: "# ", close: ""};
const dashes: CommentSyntax = {open: "-- ", close: ""};
const semicolons: CommentSyntax = {open: ";; ", close: ""};
const percent: CommentSyntax = {open: "% ", close: ""};
const quote: CommentSyntax = {open: "' ", close: ""};
const bang: CommentSyntax = {open: "! ", close: ""};
const rem: CommentSyntax = {open: "REM ", close: ""};
const html: CommentSyntax = {open: "<!-- ", close: " -->"};
const cBlock: CommentSyntax = {open: "/* ", close: " */"};
const mlBlock: CommentSyntax = {open: "(* ", close: " *)"};

/** Language ids (VS Code's and the index's) whose line comment is not `//`. */
const byLanguage: Record<string, CommentSyntax> = {
    python: hash, ruby: hash, shellscript: hash, bash: hash, sh: hash, zsh: hash, fish: hash, perl: hash, perl6: hash,
    raku: hash, r: hash, yaml: hash, toml: hash, dockerfile: hash, makefile: hash, cmake: hash, powershell: hash,
    coffeescript: hash, julia: hash, elixir: hash, nim: hash, crystal: hash, tcl: hash, gdscript: hash,
    "shellscript-bats": hash, "git-commit": hash, "git-rebase": hash, ignore: hash, properties: hash, ini: hash,
    sql: dashes, lua: dashes, haskell: dashes, elm: dashes, ada: dashes, purescript: dashes, vhdl: dashes,
    clojure: semicolons, lisp: semicolons, scheme: semicolons, racket: semicolons, "emacs-lisp": semicolons, ahk: semicolons,
    erlang: percent, latex: percent, tex: percent, bibtex: percent, matlab: percent, prolog: percent, octave: percent,
    vb: quote, vbscript: quote, fortran: bang, "fortran-modern": bang, bat: rem,
    html: html, xml: html, xsl: html, markdown: html, vue: html, svelte: html, razor: html, handlebars: html,
    css: cBlock, scss: slashes, less: slashes,
    ocaml: mlBlock, fsharp: slashes, pascal: slashes
};

/** Extensions of files whose comment is not `//`, for callers that know only the path. */
const byExtension: Record<string, string> = {
    ".py": "python", ".pyi": "python", ".rb": "ruby", ".rake": "ruby", ".sh": "bash", ".bash": "bash", ".zsh": "bash",
    ".pl": "perl", ".r": "r", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".ps1": "powershell", ".jl": "julia",
    ".ex": "elixir", ".exs": "elixir", ".nim": "nim", ".cmake": "cmake", ".dockerfile": "dockerfile",
    ".sql": "sql", ".lua": "lua", ".hs": "haskell", ".elm": "elm", ".clj": "clojure", ".erl": "erlang", ".tex": "latex",
    ".m": "matlab", ".bat": "bat", ".html": "html", ".htm": "html", ".xml": "xml", ".md": "markdown",
    ".markdown": "markdown", ".vue": "vue", ".svelte": "svelte", ".css": "css", ".ml": "ocaml", ".ini": "ini", ".cfg": "ini"
};
const byBaseName: Record<string, string> = {Makefile: "makefile", Dockerfile: "dockerfile", "CMakeLists.txt": "cmake", Rakefile: "ruby", Gemfile: "ruby"};

/** The comment syntax of a language id; `//` for C-like languages and anything unknown. */
export function commentSyntax(languageId: string | undefined): CommentSyntax {
    return (languageId && byLanguage[languageId.toLowerCase()]) || slashes;
}

/** The comment syntax of a file, by its name. */
export function commentSyntaxOfPath(file: string): CommentSyntax {
    const base = path.posix.basename(file.replace(/\\/g, "/"));
    return commentSyntax(byBaseName[base] ?? byExtension[path.posix.extname(base).toLowerCase()]);
}

/** `text` as a one-line comment. */
export function commentLine(text: string, syntax: CommentSyntax): string {
    return `${syntax.open}${text}${syntax.close}`;
}

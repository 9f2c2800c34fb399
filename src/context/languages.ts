// File name → language. Parsed languages have a grammar (grammars.json) and queries (queries/); every other
// text file is indexed as plain-text chunks under the language `text`.
import path from "node:path";

export type ParsedLanguage =
    "typescript" | "tsx" | "javascript" | "python" | "go" | "rust" | "java" | "c" | "cpp" | "csharp" |
    "ruby" | "php" | "bash";

export const parsedLanguages: readonly ParsedLanguage[] = [
    "typescript", "tsx", "javascript", "python", "go", "rust", "java", "c", "cpp", "csharp", "ruby", "php", "bash"
];

const byExtension: Record<string, ParsedLanguage> = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".py": "python", ".pyi": "python",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp", ".inl": "cpp",
    ".cs": "csharp",
    ".rb": "ruby", ".rake": "ruby",
    ".php": "php",
    ".sh": "bash", ".bash": "bash", ".zsh": "bash"
};

const byBaseName: Record<string, ParsedLanguage> = {
    "Rakefile": "ruby", "Gemfile": "ruby", ".bashrc": "bash", ".profile": "bash"
};

/** Text files worth indexing as plain chunks (docs, configs, other languages). Anything else is skipped. */
const plainTextExtensions = new Set([
    ".md", ".markdown", ".txt", ".rst", ".adoc", ".json", ".jsonc", ".yaml", ".yml", ".toml", ".ini", ".cfg",
    ".xml", ".html", ".htm", ".css", ".scss", ".less", ".vue", ".svelte", ".sql", ".graphql", ".proto",
    ".kt", ".kts", ".swift", ".scala", ".lua", ".pl", ".r", ".dart", ".ex", ".exs", ".erl", ".hs", ".ml",
    ".clj", ".fs", ".m", ".mm", ".zig", ".nim", ".jl", ".ps1", ".bat", ".cmake", ".gradle", ".tf", ".dockerfile"
]);
const plainTextBaseNames = new Set(["Makefile", "Dockerfile", "CMakeLists.txt", "README", "LICENSE"]);

/** The language of a file, `text` for indexable plain text, or undefined when the file is not indexed at all. */
export function languageOf(filePath: string): ParsedLanguage | "text" | undefined {
    const base = path.basename(filePath);
    const ext = path.extname(base).toLowerCase();
    const parsed = byExtension[ext] ?? byBaseName[base];
    if (parsed) return parsed;
    if (plainTextExtensions.has(ext) || plainTextBaseNames.has(base)) return "text";
    return undefined;
}

/**
 * The language of a file whose text is at hand: a `.h` header is C++ when its text shows it (a class, a namespace,
 * a template, an access label, a base list, `std::`), as in most C++ projects; parsed as C, such a header's error
 * recovery loses its types and their members.
 */
export function languageOfText(filePath: string, text: string): ParsedLanguage | "text" | undefined {
    const language = languageOf(filePath);
    return language === "c" && path.extname(filePath).toLowerCase() === ".h" && cppHeader.test(text.slice(0, cppSniffChars)) ? "cpp" : language;
}

const cppSniffChars = 64 * 1024;
const cppHeader = new RegExp([
    /^[ \t]*(?:(?:class|namespace)\s+\w+|template\s*<|(?:public|private|protected)\s*:|using\s+namespace\b)/.source,
    /^[ \t]*(?:struct|class)\s+\w+\s*:\s*(?:public|private|protected)?\s*\w/.source,
    /\bstd::\w|\w::~?\w|\boperator\s*(?:[-=!<>+*\/%&|^~[\]()]+|new\b|delete\b)\s*\(|\)\s*const\s*[;{]/.source,
    /\b(?:nullptr|constexpr|virtual|explicit|override|noexcept)\b/.source
].join("|"), "m");

export function isParsedLanguage(language: string): language is ParsedLanguage {
    return (parsedLanguages as readonly string[]).includes(language);
}

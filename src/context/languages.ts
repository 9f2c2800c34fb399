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

export function isParsedLanguage(language: string): language is ParsedLanguage {
    return (parsedLanguages as readonly string[]).includes(language);
}

// The prompts of the five refactors. Each is a system message that says what to produce and in which form (one
// fenced block, so parseAnswer finds the code), and a user message with the workspace context, the code and the
// ask. Rewrite and documentation answers repeat most of the target, so they ask the runtime for prompt lookup.
import type {ChatMessage} from "../runtime/protocol";
import type {ParsedLanguage} from "../context/languages";
import {fenceNames} from "./target";
import type {TestLayout} from "./testLayout";

export type RefactorKind = "explain" | "rewrite" | "document" | "tests" | "fix";

export interface PromptTarget {
    /** Workspace-relative path, for the model and the labels. */
    path: string;
    language: ParsedLanguage | undefined;
    /** The VS Code language id, for languages without a grammar. */
    languageId: string;
    code: string;
    name?: string;
    /** One-based, for the label. */
    startLine: number;
    endLine: number;
}

export interface DiagnosticInfo {
    message: string;
    /** One-based line in the file. */
    line: number;
    severity: "error" | "warning" | "information" | "hint";
    source?: string;
    code?: string;
    related?: {message: string; location: string}[];
}

export interface PromptInput {
    target: PromptTarget;
    /** Packed workspace context (labelled snippets), possibly empty. */
    context: string;
    instruction?: string;
    diagnostics?: readonly DiagnosticInfo[];
    tests?: {layout: TestLayout; existing?: string};
}

export interface RefactorPrompt {
    messages: ChatMessage[];
    /** The answer repeats the target: draft by prompt lookup over it. */
    lookup: boolean;
}

const answerForm = "Answer with exactly one fenced code block holding the complete result, and nothing after it.";

export function buildPrompt(kind: RefactorKind, input: PromptInput): RefactorPrompt {
    const {target} = input;
    const fence = fenceNames(target.language)[0] ?? target.languageId;
    const label = `${target.path}:${target.startLine}-${target.endLine}`;
    const subject = target.name ? `\`${target.name}\` (${label})` : `the selection (${label})`;
    const code = `\`\`\`${fence}\n${target.code}\n\`\`\``;
    const context = input.context.trim() ? `Context from the workspace:\n\n${input.context.trim()}\n\n` : "";
    const user = (ask: string, after = "") => [{role: "system" as const, content: system(kind, fence)}, {role: "user" as const, content: `${context}${ask}\n\n${code}${after}`}];
    switch (kind) {
        case "explain":
            return {messages: user(`Explain what ${subject} does, how, and anything surprising in it.`), lookup: false};
        case "rewrite":
            return {messages: user(`Rewrite ${subject} as follows: ${input.instruction ?? "improve it"}.\nKeep its name, its signature and its indentation unless the instruction says otherwise. ${answerForm}`), lookup: true};
        case "document":
            return {messages: user(`Add documentation to ${subject}: ${docStyle(target.language, target.languageId)} Do not change any code: only add or improve comments. ${answerForm}`), lookup: true};
        case "fix":
            return {messages: user(`Fix these problems in ${subject}:\n${(input.diagnostics ?? []).map(describeDiagnostic).join("\n")}\nChange only what the fix needs. ${answerForm}`), lookup: true};
        case "tests": {
            const layout = input.tests!.layout;
            const where = input.tests?.existing !== undefined
                ? `They are added to the end of the existing test file ${layout.testPath}, shown here:\n\n\`\`\`${fence}\n${input.tests.existing}\n\`\`\`\n\nWrite only the new tests (and imports it lacks), not the existing ones.`
                : `They go into a new file ${layout.testPath}: write the whole file with its imports (${layout.importHint}).`;
            return {messages: user(`Write unit tests for ${subject} with ${layout.framework}. ${where} ${answerForm}`), lookup: false};
        }
    }
}

function system(kind: RefactorKind, fence: string): string {
    const role = "You are Hearth, a coding assistant inside the user's editor.";
    if (kind === "explain") return `${role} Explain code clearly and briefly, in Markdown; quote code in fenced blocks.`;
    return `${role} You change code exactly as asked and return it in one \`\`\`${fence} fenced block.`;
}

/** The language's doc-comment style, as the documentation prompt asks for it. */
export function docStyle(language: ParsedLanguage | undefined, languageId: string): string {
    switch (language) {
        case "typescript": case "tsx": return "use TSDoc comments (/** … */ with @param and @returns) before each declaration.";
        case "javascript": return "use JSDoc comments (/** … */ with @param {type} and @returns) before each declaration.";
        case "python": return "use docstrings (\"\"\"…\"\"\", PEP 257, with Args: and Returns: sections) as the first statement of each function and class.";
        case "go": return "use Go doc comments: // lines directly before each declaration, starting with its name.";
        case "rust": return "use /// doc comments before each item (//! only for modules), with # Examples where useful.";
        case "java": return "use Javadoc comments (/** … */ with @param, @return and @throws) before each declaration.";
        case "csharp": return "use XML documentation comments (/// <summary>, <param name=\"…\">, <returns>) before each member.";
        case "c": case "cpp": return "use Doxygen comments (/** … */ with @brief, @param and @return) before each declaration.";
        case "ruby": return "use YARD comments (# lines with @param and @return) before each method.";
        case "php": return "use PHPDoc comments (/** … */ with @param and @return) before each declaration.";
        case "bash": return "use # comment lines before each function saying what it does, its arguments and its output.";
        default: return `use the usual documentation comments of ${languageId}.`;
    }
}

function describeDiagnostic(d: DiagnosticInfo): string {
    const origin = [d.source, d.code].filter((x) => x !== undefined && x !== "").join(" ");
    const related = (d.related ?? []).map((r) => `\n    related: ${r.message} (${r.location})`).join("");
    return `- line ${d.line}, ${d.severity}${origin ? ` (${origin})` : ""}: ${d.message}${related}`;
}

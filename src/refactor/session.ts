// One refactor run, without vscode: prompt, stream from the runtime, take the code from the answer, check it,
// match its indentation, and say what to replace. The adapter (commands.ts) gathers the inputs and shows the
// result as a diff; every refusal here is a message for the user and no change.
import type {ChatParams, GenerationResult} from "../runtime/protocol";
import {matchIndentation} from "../diff/indent";
import {codeChangeOutsideComments} from "./codeUnchanged";
import {parseAnswer} from "./parseAnswer";
import {buildPrompt, type DiagnosticInfo, type PromptTarget, type RefactorKind} from "./prompts";
import {fenceNames, type RefactorTarget} from "./target";
import type {TestLayout} from "./testLayout";

export type EditKind = Exclude<RefactorKind, "explain">;

export interface Generate {
    (params: ChatParams, options: {signal?: AbortSignal; onText?: (text: string) => void}): Promise<GenerationResult>;
}

export interface RefactorRun {
    kind: EditKind;
    /** The whole document text when the request started. */
    text: string;
    target: RefactorTarget;
    prompt: PromptTarget;
    context: string;
    instruction?: string;
    diagnostics?: readonly DiagnosticInfo[];
    /** Generate Tests: the layout, and the test file's text when it exists. */
    tests?: {layout: TestLayout; existing?: string};
    /**
     * The documentation check (codeUnchanged.ts) with the document's grammar, where the grammars live (the index
     * worker); without it, the check compares rough tokens.
     */
    codeChange?: (before: string, after: string) => Promise<string | undefined>;
    maxTokens: number;
    tabSize?: number;
}

export type RunResult =
    | {ok: true; file: "source" | "tests"; start: number; end: number; newText: string; answer: string; stats: GenerationResult["stats"]}
    | {ok: false; message: string; answer?: string};

export async function runRefactor(run: RefactorRun, generate: Generate, signal?: AbortSignal, onText?: (text: string) => void): Promise<RunResult> {
    const prompt = buildPrompt(run.kind, {target: run.prompt, context: run.context, instruction: run.instruction, diagnostics: run.diagnostics, tests: run.tests});
    const result = await generate({messages: prompt.messages, maxTokens: run.maxTokens, reasoning: false, ...(prompt.lookup ? {promptLookup: true} : {})}, {signal, onText});
    const what = describe(run);
    const forTests = run.kind === "tests";
    const parsed = parseAnswer(result.text, {
        finished: result.stopReason === "eos" || result.stopReason === "stopString",
        target: forTests ? undefined : run.text.slice(run.target.start, run.target.end),
        languageNames: fenceNames(run.prompt.language),
        what
    });
    if (!parsed.ok) return {ok: false, message: parsed.message, answer: result.text};

    if (forTests) {
        const existing = run.tests?.existing;
        // A test file's code starts at column 0, ending in a newline.
        const code = matchIndentation(parsed.code, {text: "\n"});
        if (existing === undefined) return {ok: true, file: "tests", start: 0, end: 0, newText: code, answer: result.text, stats: result.stats};
        const separator = existing === "" || existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
        return {ok: true, file: "tests", start: existing.length, end: existing.length, newText: `${separator}${code}`, answer: result.text, stats: result.stats};
    }
    const targetText = run.text.slice(run.target.start, run.target.end);
    const newText = matchIndentation(parsed.code, {text: targetText, ...(run.target.leadingIndent ? {leadingIndent: run.target.leadingIndent} : {}), tabSize: run.tabSize});
    if (run.kind === "document") {
        const changed = run.codeChange ? await run.codeChange(targetText, newText) : codeChangeOutsideComments(targetText, newText, run.prompt.language, undefined);
        if (changed !== undefined)
            return {ok: false, message: `The model's answer for ${what} also changed the code, not only comments (${changed}), so nothing was changed.`, answer: result.text};
    }
    if (newText === targetText) return {ok: false, message: `The model's answer for ${what} is the code as it already is, so nothing was changed.`, answer: result.text};
    return {ok: true, file: "source", start: run.target.start, end: run.target.end, newText, answer: result.text, stats: result.stats};
}

/** "the rewrite of `area`", "the tests for the selection": what refusal messages are about. */
export function describe(run: Pick<RefactorRun, "kind" | "target">): string {
    const subject = run.target.name ? `\`${run.target.name}\`` : "the selection";
    switch (run.kind) {
        case "rewrite": return `the rewrite of ${subject}`;
        case "document": return `the documentation of ${subject}`;
        case "tests": return `the tests for ${subject}`;
        case "fix": return `the fix of ${subject}`;
    }
}

/** A generation budget for a target: room to repeat it twice over, plus a margin, within the model's context. */
export function answerBudget(targetTokens: number, contextSize: number, kind: RefactorKind): number {
    const factor = kind === "document" || kind === "tests" ? 3 : 2;
    const wanted = targetTokens * factor + 256;
    const cap = contextSize > 0 ? Math.max(256, Math.floor(contextSize / 2)) : 8192;
    return Math.min(wanted, cap);
}

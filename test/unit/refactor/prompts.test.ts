// The refactor prompts: each asks for what its command does, in the form parseAnswer reads (one fenced block), with
// the code, its label and the workspace context; rewrites and documentation ask for prompt lookup.
import assert from "node:assert/strict";
import {buildPrompt, docStyle, type PromptInput} from "../../../src/refactor/prompts";
import {parsedLanguages} from "../../../src/context/languages";

const input: PromptInput = {
    target: {path: "src/geo.ts", language: "typescript", languageId: "typescript", code: "function area(w, h) {\n    return w * h;\n}", name: "area", startLine: 3, endLine: 5},
    context: "// src/units.ts:1-1\nexport const unit = 1;"
};
const user = (p: ReturnType<typeof buildPrompt>) => p.messages.find((m) => m.role === "user")!.content;
const system = (p: ReturnType<typeof buildPrompt>) => p.messages.find((m) => m.role === "system")!.content;

describe("refactor prompts", () => {
    it("every prompt holds the code fenced in its language, its label and the context", () => {
        for (const kind of ["explain", "rewrite", "document", "tests", "fix"] as const) {
            const prompt = buildPrompt(kind, {...input, instruction: "x", diagnostics: [], tests: {layout: {framework: "mocha", testPath: "test/geo.test.ts", importHint: "h", basis: "convention"}}});
            assert.ok(user(prompt).includes("```typescript\nfunction area(w, h) {\n    return w * h;\n}\n```"), kind);
            assert.ok(user(prompt).includes("`area` (src/geo.ts:3-5)"), kind);
            assert.ok(user(prompt).includes("export const unit = 1;"), kind);
        }
    });

    it("explain asks for an explanation in prose, without prompt lookup", () => {
        const prompt = buildPrompt("explain", input);
        assert.match(user(prompt), /^Context from the workspace:[\s\S]*Explain what `area`/);
        assert.match(system(prompt), /Markdown/);
        assert.equal(prompt.lookup, false);
    });

    it("rewrite carries the instruction, asks for one fenced block, and uses prompt lookup", () => {
        const prompt = buildPrompt("rewrite", {...input, instruction: "use early returns"});
        assert.match(user(prompt), /as follows: use early returns\./);
        assert.match(user(prompt), /exactly one fenced code block/);
        assert.match(system(prompt), /```typescript fenced block/);
        assert.equal(prompt.lookup, true);
    });

    it("documentation names the language's doc-comment style and forbids code changes", () => {
        const prompt = buildPrompt("document", input);
        assert.match(user(prompt), /TSDoc/);
        assert.match(user(prompt), /Do not change any code/);
        assert.equal(prompt.lookup, true);
        assert.match(docStyle("python", "python"), /docstrings/);
        assert.match(docStyle("go", "go"), /\/\/ lines directly before/);
        assert.match(docStyle("java", "java"), /Javadoc/);
        assert.match(docStyle("rust", "rust"), /\/\/\//);
        assert.match(docStyle("csharp", "csharp"), /<summary>/);
        assert.match(docStyle("javascript", "javascript"), /JSDoc/);
        for (const language of parsedLanguages) assert.ok(docStyle(language, language).length > 20, language);
        assert.match(docStyle(undefined, "kotlin"), /kotlin/);
    });

    it("fix lists each diagnostic with its line, severity, source, code and related information", () => {
        const prompt = buildPrompt("fix", {...input, diagnostics: [
            {message: "Cannot find name 'hh'.", line: 4, severity: "error", source: "ts", code: "2304", related: [{message: "declared here", location: "src/geo.ts:1"}]},
            {message: "unused", line: 3, severity: "warning"}
        ]});
        assert.match(user(prompt), /- line 4, error \(ts 2304\): Cannot find name 'hh'\.\n    related: declared here \(src\/geo\.ts:1\)/);
        assert.match(user(prompt), /- line 3, warning: unused/);
        assert.equal(prompt.lookup, true);
    });

    it("tests name the framework and the file, new or existing", () => {
        const layout = {framework: "vitest", testPath: "src/geo.spec.ts", importHint: "import {describe} from \"vitest\"", basis: "existing tests" as const};
        const fresh = user(buildPrompt("tests", {...input, tests: {layout}}));
        assert.match(fresh, /with vitest\. They go into a new file src\/geo\.spec\.ts: write the whole file with its imports \(import \{describe\} from "vitest"\)/);
        const added = user(buildPrompt("tests", {...input, tests: {layout, existing: "describe(\"old\", () => {});"}}));
        assert.match(added, /added to the end of the existing test file src\/geo\.spec\.ts/);
        assert.ok(added.includes("describe(\"old\", () => {});"));
        assert.match(added, /only the new tests/);
    });

    it("a selection without a name is called the selection; no context means no context section", () => {
        const prompt = buildPrompt("rewrite", {...input, context: "", target: {...input.target, name: undefined}, instruction: "x"});
        assert.match(user(prompt), /^Rewrite the selection \(src\/geo\.ts:3-5\)/);
    });
});

import assert from "node:assert/strict";
import {buildInstructPrompt, parseInstructAnswer} from "../../../src/completion/prompt/instruct";
import {fileWindow} from "../../../src/completion/prompt/window";

// Answer shapes instruction-tuned models produce after the prefilled "```lang\n<prefix>" turn start.
const answers: Array<{name: string, prefix: string, answer: string, expected: string}> = [
    {name: "a plain continuation closed by a fence", prefix: "function add(a, b) {\n    return ",
        answer: "a + b;\n}\n```", expected: "a + b;\n}"},
    {name: "the turn end token after the fence", prefix: "x = ", answer: "compute()\n```<turn|>", expected: "compute()"},
    {name: "a turn end with no fence", prefix: "x = ", answer: "compute()<turn|>", expected: "compute()"},
    {name: "a thought section before the code", prefix: "let n = ",
        answer: "<|channel>thought\nThe user wants a count.<channel|>items.length;\n```", expected: "items.length;"},
    {name: "a fresh fenced block after prose", prefix: "def area(r):\n    ",
        answer: "\n```\n\nHere is the completed function:\n```python\nreturn 3.14 * r * r\n```\nThis computes the area.", expected: "return 3.14 * r * r"},
    {name: "prose then a fenced block, no prefilled close", prefix: "def area(r):\n    ",
        answer: "Here is the missing code:\n```python\nreturn 3.14 * r * r\n```\nIt returns the area.", expected: "return 3.14 * r * r"},
    {name: "a fenced block with no language", prefix: "const xs = ",
        answer: "```\n[1, 2, 3];\n```", expected: "[1, 2, 3];"},
    {name: "a cut-off fenced block", prefix: "const xs = ", answer: "Sure:\n```ts\n[1, 2,", expected: "[1, 2,"},
    {name: "the cursor's line typed again", prefix: "    const total = ",
        answer: "const total = items.reduce((a, b) => a + b, 0);\n```", expected: "items.reduce((a, b) => a + b, 0);"},
    {name: "the last lines typed again", prefix: "for i in range(10):\n    if i % 2:\n        ",
        answer: "for i in range(10):\n    if i % 2:\n        print(i)\n```", expected: "print(i)"},
    {name: "a short partial word is not an echo", prefix: "    re", answer: "turn x\n```", expected: "turn x"},
    {name: "a cursor marker echoed", prefix: "x = ", answer: "<CURSOR>y + 1\n```", expected: "y + 1"},
    {name: "Gemma 4 end-of-turn and eos tokens", prefix: "fmt.", answer: "Println(x)<turn|><eos>", expected: "Println(x)"},
    {name: "an empty answer", prefix: "x = ", answer: "```", expected: ""},
    {name: "CRLF line ends", prefix: "if (a) {\r\n    ", answer: "b();\r\n}\r\n```", expected: "b();\n}"}
];

describe("completion instruct prompt", () => {
    for (const c of answers) it(`parses: ${c.name}`, () => assert.equal(parseInstructAnswer(c.answer, c.prefix), c.expected));

    it("puts what a keystroke leaves alone first, so a keystroke only appends to the prompt", () => {
        const base = {languageId: "typescript", path: "src/a.ts", context: "// src/b.ts:1-3\nexport function b() {}", suffix: "\n}\n"};
        const one = buildInstructPrompt({...base, prefix: "function f() {\n    ret"});
        const two = buildInstructPrompt({...base, prefix: "function f() {\n    retu"});
        assert.equal(one.user, two.user);
        assert.ok(two.prefill.startsWith(one.prefill));
        assert.ok(one.prefill.startsWith("```typescript\n"));
        assert.ok(one.user.includes("export function b() {}") && one.user.includes("\n}\n"));
        assert.ok(one.user.indexOf("export function b") < one.user.indexOf("follows the point"));
    });

    it("says when nothing follows the cursor", () => {
        const prompt = buildInstructPrompt({languageId: "python", path: "a.py", context: "", prefix: "x = ", suffix: "\n"});
        assert.match(prompt.user, /nothing follows/);
        assert.doesNotMatch(prompt.user, /workspace that may help/);
    });
});

describe("completion file window", () => {
    const text = Array.from({length: 400}, (_, i) => `line ${i}`).join("\n");
    const offsetOf = (line: number) => text.split("\n").slice(0, line).join("\n").length + 1;

    it("starts the prefix at a line that moves in steps, not with every line typed", () => {
        const options = {prefixLines: 100, suffixLines: 5, step: 32};
        const starts = [250, 251, 260, 270, 281].map((line) => fileWindow(text, offsetOf(line), options).startLine);
        assert.deepEqual(new Set(starts).size <= 2, true);
        for (const [i, line] of [250, 251, 260, 270, 281].entries()) {
            assert.equal(starts[i] % 32, 0);
            assert.ok(line - starts[i] <= 100 && line - starts[i] >= 100 - 32, `${line}: ${starts[i]}`);
        }
    });

    it("bounds the suffix and ends the prefix at the cursor", () => {
        const window = fileWindow(text, offsetOf(10) + 3, {prefixLines: 100, suffixLines: 2, step: 32});
        assert.equal(window.startLine, 0);
        assert.ok(window.prefix.endsWith("line 9\nlin"));
        assert.equal(window.suffix, "e 10\nline 11\nline 12");
    });
});

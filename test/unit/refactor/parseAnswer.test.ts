// Answer parsing: the code comes out of every wrapping a model uses, and an answer without code, or cut off before
// the end of its target, is refused.
import assert from "node:assert/strict";
import {parseAnswer, type AnswerOptions} from "../../../src/refactor/parseAnswer";

const TARGET = "function area(w, h) {\n    return w * h;\n}";
const CODE = "function area(w: number, h: number): number {\n    return w * h;\n}";
const done: AnswerOptions = {finished: true, target: TARGET, languageNames: ["typescript", "ts"], what: "the rewrite of `area`"};
const cut: AnswerOptions = {...done, finished: false};

interface Shape {
    name: string;
    answer: string;
    options?: AnswerOptions;
    code?: string;
    refused?: "noCode" | "cutOff";
}

const shapes: Shape[] = [
    {name: "a fence with a language", answer: "```ts\n" + CODE + "\n```", code: CODE},
    {name: "a fence without a language", answer: "```\n" + CODE + "\n```", code: CODE},
    {name: "a long language name", answer: "```typescript\n" + CODE + "\n```", code: CODE},
    {name: "an info string after the language", answer: "```ts title=\"area.ts\"\n" + CODE + "\n```", code: CODE},
    {name: "prose before the fence", answer: "Here is the rewritten function:\n\n```ts\n" + CODE + "\n```", code: CODE},
    {name: "prose after the fence", answer: "```ts\n" + CODE + "\n```\n\nThis adds types to the parameters.", code: CODE},
    {name: "prose on both sides", answer: "Sure.\n```ts\n" + CODE + "\n```\nDone: types added.", code: CODE},
    {name: "a tilde fence", answer: "~~~ts\n" + CODE + "\n~~~", code: CODE},
    {name: "a four-backtick fence holding a three-backtick line", answer: "````ts\n/** ```ts example``` */\n" + CODE + "\n````", code: "/** ```ts example``` */\n" + CODE},
    {name: "an indented fence in a list", answer: "1. The code:\n   ```ts\n   function area(w: number, h: number): number {\n       return w * h;\n   }\n   ```", code: CODE},
    {name: "the fence opened at the end of a prose line", answer: "The result is ```ts\n" + CODE + "\n```", code: CODE},
    {name: "CRLF line ends", answer: "```ts\r\n" + CODE.replace(/\n/g, "\r\n") + "\r\n```\r\n", code: CODE},
    {name: "blank lines inside the fence around the code", answer: "```ts\n\n" + CODE + "\n\n```", code: CODE},
    {name: "a closing fence with trailing spaces", answer: "```ts\n" + CODE + "\n```   ", code: CODE},
    {name: "two blocks: the one in the target's language", answer: "```bash\nnpm test\n```\n\n```ts\n" + CODE + "\n```", code: CODE},
    {name: "two blocks in the same language: the longer", answer: "```ts\narea(2, 3)\n```\n```ts\n" + CODE + "\n```", code: CODE},
    {name: "a closed block before an open one", answer: "```ts\n" + CODE + "\n```\nUsage:\n```ts\narea(", options: cut, code: CODE},
    {name: "a one-line fenced block", answer: "```ts const area = (w: number, h: number) => w * h; ```", options: {...done, target: "const area = (w, h) => w * h;"}, code: "const area = (w: number, h: number) => w * h;"},
    {name: "no fence, code only", answer: CODE, code: CODE},
    {name: "no fence, prose before the code", answer: "Here is the updated function:\n" + CODE, code: CODE},
    {name: "no fence, prose after the code", answer: CODE + "\nThe parameters now have types.", code: CODE},
    {name: "no fence, python", answer: "def area(w, h):\n    return w * h", options: {...done, target: "def area(w, h):\n    return w*h"}, code: "def area(w, h):\n    return w * h"},
    {name: "an open final fence when the model ended anyway", answer: "```ts\n" + CODE + "\n", code: CODE},
    {name: "cut off after the end of the target: the rest dropped", answer: "```ts\n" + CODE + "\n\nexport function perimeter(", options: cut, code: CODE},
    {name: "cut off inside a closing fence", answer: "```ts\n" + CODE + "\n``", options: cut, code: CODE},
    {name: "fence-less and cut off after the target's end", answer: CODE + "\nfunction more() {\n    return", options: cut, code: CODE},
    {name: "cut off before the end of the target", answer: "```ts\nfunction area(w: number, h: number): number {\n    return w", options: cut, refused: "cutOff"},
    {name: "cut off fence-less before the end", answer: "function area(w: number, h: number): number {\n    return w *", options: cut, refused: "cutOff"},
    {name: "cut off in the middle of the fence's first line", answer: "```typ", options: cut, refused: "noCode"},
    {name: "cut off with only closing braces: never reaches a balanced end", answer: "            }\n            }\n            }\n", options: cut, refused: "cutOff"},
    {name: "closing lines that close as the target does", answer: "            }\n            }\n            }\n", options: {...cut, target: "        }\n    }"}, code: "            }\n            }"},
    {name: "cut off with no target to end (new tests)", answer: "```ts\nimport assert from \"node:assert\";\ndescribe(\"area\", () => {", options: {finished: false}, refused: "cutOff"},
    {name: "an empty answer", answer: "", refused: "noCode"},
    {name: "whitespace only", answer: "  \n\n ", refused: "noCode"},
    {name: "prose only", answer: "I cannot rewrite this function without more context about how it is used.", refused: "noCode"},
    {name: "prose with inline code only", answer: "Replace `w * h` with `Math.abs(w * h)` to handle negative sizes.", refused: "noCode"},
    {name: "an empty fenced block", answer: "```ts\n```", refused: "noCode"},
    {name: "a refusal sentence in several lines", answer: "Sorry.\nThis function is already as simple as it can be.\nNothing to change.", refused: "noCode"},
    {name: "a block in another language is still code when it is the only one", answer: "```js\n" + CODE + "\n```", code: CODE}
];

describe("parseAnswer", () => {
    it(`covers at least 30 answer shapes (${shapes.length})`, () => assert.ok(shapes.length >= 30));
    for (const shape of shapes) {
        it(shape.name, () => {
            const parsed = parseAnswer(shape.answer, shape.options ?? done);
            if (shape.refused) {
                assert.equal(parsed.ok, false, `expected a refusal, got ${JSON.stringify(parsed)}`);
                if (!parsed.ok) {
                    assert.equal(parsed.reason, shape.refused);
                    assert.match(parsed.message, /nothing was changed/);
                }
            } else {
                assert.equal(parsed.ok, true, `expected code, got ${JSON.stringify(parsed)}`);
                if (parsed.ok) assert.equal(parsed.code, shape.code);
            }
        });
    }

    it("names what the answer was for in a refusal", () => {
        const parsed = parseAnswer("No.", done);
        assert.ok(!parsed.ok && parsed.message.includes("the rewrite of `area`"));
    });

    it("says when it dropped what followed the target's end", () => {
        const parsed = parseAnswer("```ts\n" + CODE + "\nexport const x = 1;\n", cut);
        assert.ok(parsed.ok && parsed.trimmedAfterEnd);
        const whole = parseAnswer("```ts\n" + CODE + "\n```", done);
        assert.ok(whole.ok && !whole.trimmedAfterEnd && whole.fenced);
    });
});

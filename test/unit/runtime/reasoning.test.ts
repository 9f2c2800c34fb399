// Gemma 4's reasoning, when the stream marks it, goes to its own section; a marker split across chunks is found.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {ReasoningMarkers, ReasoningSplitter, type SplitText} from "../../../src/runtime/reasoning";

function run(chunks: string[]): SplitText {
    const splitter = new ReasoningSplitter();
    const out: SplitText = {answer: "", reasoning: ""};
    for (const part of [...chunks.map((c) => splitter.push(c)), splitter.flush()]) {
        out.answer += part.answer;
        out.reasoning += part.reasoning;
    }
    return out;
}

describe("runtime: a chat answer's reasoning", () => {
    it("Gemma 4's thought channel goes to the reasoning, the rest to the answer", () => {
        assert.deepEqual(run(["<|channel>thought\nLet me see.<channel|>The answer."]), {answer: "The answer.", reasoning: "Let me see."});
    });

    it("finds markers split across chunks, one character at a time", () => {
        const text = "<think>step 1, step 2</think>Done: `x < y`.";
        assert.deepEqual(run([...text]), {answer: "Done: `x < y`.", reasoning: "step 1, step 2"});
    });

    it("text without markers is all answer, and a lone < is not held forever", () => {
        assert.deepEqual(run(["a <", "b"]), {answer: "a <b", reasoning: ""});
        assert.deepEqual(run(["ends with <"]), {answer: "ends with <", reasoning: ""});
    });

    it("an unclosed thought at the end stays reasoning", () => {
        assert.deepEqual(run(["<think>still thinking"]), {answer: "", reasoning: "still thinking"});
    });

    it("a server's reasoning deltas go back between the markers, and split off again as they came", () => {
        const markers = new ReasoningMarkers();
        const deltas = [{reasoning_content: "Look at "}, {reasoning_content: "the loop."}, {content: "Use "}, {content: "a map."}, {content: null}];
        const stream = [...deltas.map((d) => markers.piece(d)), markers.end()];
        assert.deepEqual(run(stream), {answer: "Use a map.", reasoning: "Look at the loop."});
        const unclosed = new ReasoningMarkers();
        assert.deepEqual(run([unclosed.piece({reasoning_content: "cut short"}), unclosed.end()]), {answer: "", reasoning: "cut short"});
        const none = new ReasoningMarkers();
        assert.deepEqual([none.piece({content: "plain"}), none.piece(undefined), none.end()], ["plain", "", ""]);
    });
});

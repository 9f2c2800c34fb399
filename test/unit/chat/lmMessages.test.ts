import assert from "node:assert/strict";
import {lmModelInfo, messageText, requestedMaxTokens, toRuntimeMessages, type LmMessage} from "../../../src/chat/lmMessages";
import type {ModelInfo} from "../../../src/runtime/protocol";

const text = (value: string) => ({kind: "text", text: value}) as const;

const model: ModelInfo = {
    engine: "embedded", modelPath: "/models/gemma-4-e4b-it-Q4_K_M.gguf", architecture: "gemma4", contextSize: 32768,
    trainContextSize: 131072, vocabSize: 262144, hasFim: false, chatWrapper: "Gemma 4", drafter: "none"
};

describe("language model messages", () => {
    it("joins a message's text parts as they came and keeps the turn order", () => {
        const messages: LmMessage[] = [
            {role: "user", parts: [text("What does "), text("`parseArgs` do?")]},
            {role: "assistant", parts: [text("It reads argv.")]},
            {role: "user", parts: [text("And returns?")]}
        ];
        assert.deepEqual(toRuntimeMessages(messages), [
            {role: "user", content: "What does `parseArgs` do?"},
            {role: "assistant", content: "It reads argv."},
            {role: "user", content: "And returns?"}
        ]);
    });

    it("gathers system messages first and merges consecutive turns of one role, as the template alternates", () => {
        const messages: LmMessage[] = [
            {role: "user", parts: [text("Here is a file.")]},
            {role: "system", parts: [text("Be brief.")]},
            {role: "user", parts: [text("Summarise it.")]},
            {role: "system", parts: [text("Use Markdown.")]}
        ];
        assert.deepEqual(toRuntimeMessages(messages), [
            {role: "system", content: "Be brief.\n\nUse Markdown."},
            {role: "user", content: "Here is a file.\n\nSummarise it."}
        ]);
    });

    it("keeps tool calls and results as text, drops parts the model cannot read and empty messages", () => {
        const messages: LmMessage[] = [
            {role: "user", parts: [text("List the files.")]},
            {role: "assistant", parts: [{kind: "toolCall", name: "listFiles", input: {dir: "src"}}]},
            {role: "user", parts: [{kind: "toolResult", text: "a.ts b.ts"}, {kind: "other"}]},
            {role: "assistant", parts: [{kind: "other"}]},
            {role: "user", parts: [text("  ")]}
        ];
        assert.deepEqual(toRuntimeMessages(messages), [
            {role: "user", content: "List the files."},
            {role: "assistant", content: "[tool call listFiles: {\"dir\":\"src\"}]"},
            {role: "user", content: "[tool result] a.ts b.ts"}
        ]);
        assert.equal(messageText({role: "user", parts: [text("see:"), {kind: "toolResult", text: "x"}]}), "see:\n[tool result] x");
    });

    it("refuses a request with nothing to answer", () => {
        assert.throws(() => toRuntimeMessages([]), /no user message/);
        assert.throws(() => toRuntimeMessages([{role: "system", parts: [text("Be brief.")]}, {role: "user", parts: [{kind: "other"}]}]), /no user message/);
    });

    it("describes the loaded model for VS Code's pickers, with the answer allowance taken from the window", () => {
        const info = lmModelInfo(model, 2048);
        assert.equal(info.id, "hearth-gemma-4-e4b-it-Q4_K_M");
        assert.equal(info.family, "gemma4");
        assert.equal(info.maxOutputTokens, 2048);
        assert.equal(info.maxInputTokens, 32768 - 2048);
        assert.match(info.detail, /local/);
        const small = lmModelInfo({...model, contextSize: 1024, engine: "openaiCompatible"}, 4096);
        assert.equal(small.maxOutputTokens, 512, "at most half the window");
        assert.equal(small.maxInputTokens, 512);
        assert.match(small.detail, /endpoint/);
        assert.equal(lmModelInfo(model, 1).id, info.id, "the id depends on the file only");
    });

    it("takes a caller's answer allowance from its model options, capped by the model's", () => {
        assert.equal(requestedMaxTokens(undefined, 2048), 2048);
        assert.equal(requestedMaxTokens({maxTokens: 100}, 2048), 100);
        assert.equal(requestedMaxTokens({max_tokens: 9000}, 2048), 2048);
        assert.equal(requestedMaxTokens({maxOutputTokens: 64.7}, 2048), 64);
        assert.equal(requestedMaxTokens({maxTokens: "lots", max_tokens: 0}, 2048), 2048);
    });
});

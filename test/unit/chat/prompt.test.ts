// The chat prompt's layout: a follow-up's prompt starts with the exact messages of the turn before it (so the
// runtime reuses its KV cache), each turn keeps its own context, and dropped turns leave the prompt.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {addTurn, finishTurn, newConversation, type Conversation} from "../../../src/chat/conversation";
import {buildChatMessages, chatSystemPrompt, droppedTurnsNote, userMessage} from "../../../src/chat/prompt";

function answered(conversation: Conversation, question: string, context: string, answer: string): void {
    const turn = addTurn(conversation, {id: `t${conversation.turns.length}`, display: question, at: conversation.turns.length});
    buildChatMessages(conversation, context);
    turn.answer = answer;
    finishTurn(turn, "done");
}

describe("chat: prompt layout", () => {
    it("puts the system message first, then the question with its own context", () => {
        const conversation = newConversation("c", 0);
        addTurn(conversation, {id: "t0", display: "What does area do?", at: 0});
        const messages = buildChatMessages(conversation, "// src/geometry.ts:1-3\nexport function area() {}\n");
        assert.equal(messages.length, 2);
        assert.deepEqual(messages[0], {role: "system", content: chatSystemPrompt});
        assert.equal(messages[1].role, "user");
        assert.match(messages[1].content, /<context>\n\/\/ src\/geometry\.ts:1-3\nexport function area\(\) \{\}\n<\/context>\n\nWhat does area do\?$/);
        assert.equal(conversation.turns[0].context, "// src/geometry.ts:1-3\nexport function area() {}\n", "the context stays in its turn");
    });

    it("a follow-up's prompt starts with every message of the previous prompt and its answer, unchanged", () => {
        const conversation = newConversation("c", 0);
        addTurn(conversation, {id: "t0", display: "first?", at: 0});
        const first = buildChatMessages(conversation, "ctx one\n");
        conversation.turns[0].answer = "answer one";
        finishTurn(conversation.turns[0], "done");
        addTurn(conversation, {id: "t1", display: "second?", at: 1});
        const second = buildChatMessages(conversation, "ctx two\n");
        assert.deepEqual(second.slice(0, first.length), first);
        assert.deepEqual(second[first.length], {role: "assistant", content: "answer one"});
        assert.deepEqual(second.at(-1), {role: "user", content: userMessage("ctx two\n", "second?")});
        assert.deepEqual(second.map((m) => m.role), ["system", "user", "assistant", "user"]);
    });

    it("a stopped answer goes back as far as it went; a failed turn with no answer is left out", () => {
        const conversation = newConversation("c", 0);
        answered(conversation, "q0", "", "partial");
        finishTurn(conversation.turns[0], "stopped");
        addTurn(conversation, {id: "t1", display: "q1", at: 1});
        finishTurn(conversation.turns[1], "error", "The model is not loaded.");
        addTurn(conversation, {id: "t2", display: "q2", at: 2});
        const messages = buildChatMessages(conversation, "");
        assert.deepEqual(messages.slice(1), [
            {role: "user", content: "q0"}, {role: "assistant", content: "partial"}, {role: "user", content: "q2"}
        ]);
    });

    it("turns before firstKeptTurn are left out and the system message says so", () => {
        const conversation = newConversation("c", 0);
        answered(conversation, "q0", "c0", "a0");
        answered(conversation, "q1", "c1", "a1");
        addTurn(conversation, {id: "t2", display: "q2", at: 2});
        conversation.firstKeptTurn = 1;
        const messages = buildChatMessages(conversation, "c2");
        assert.equal(messages[0].content, chatSystemPrompt + droppedTurnsNote);
        assert.ok(!messages.some((m) => m.content.includes("q0") || m.content.includes("a0")));
        assert.deepEqual(messages.slice(1).map((m) => m.content), [userMessage("c1", "q1"), "a1", userMessage("c2", "q2")]);
    });

    it("a prompt with no question is refused", () => {
        assert.throws(() => buildChatMessages(newConversation("c", 0)), /no question/);
    });
});

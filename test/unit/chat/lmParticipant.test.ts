// The @hearth participant's conversation from VS Code's history: earlier turns come back with the context they
// were given, so the follow-up prompt starts with the exact text of the previous one (its KV cache is reused).
import assert from "node:assert/strict";
import {participantConversation, readMetadata} from "../../../src/chat/participantTurn";
import {buildChatMessages} from "../../../src/chat/prompt";

describe("@hearth participant turns", () => {
    it("rebuilds the conversation so the follow-up's prompt extends the first one's prompt and answer", () => {
        const context = "// src/args.ts:1-3\nexport function parseArgs(argv: string[]) {}\n";
        const first = participantConversation([], "What does parseArgs do?", 0, 1);
        const firstPrompt = buildChatMessages(first, context);
        const followUp = participantConversation(
            [{question: "What does parseArgs do?", answer: "It reads argv.", context, complete: true}], "Where is it called?", 0, 2);
        const followPrompt = buildChatMessages(followUp, "");
        assert.deepEqual(followPrompt.slice(0, firstPrompt.length), firstPrompt, "the first prompt is repeated exactly");
        assert.deepEqual(followPrompt.slice(firstPrompt.length), [
            {role: "assistant", content: "It reads argv."},
            {role: "user", content: "Where is it called?"}
        ]);
    });

    it("keeps an answer that was cut short, and continues an earlier drop of old turns", () => {
        const past = [
            {question: "q0", answer: "a0", context: "", complete: true},
            {question: "q1", answer: "a1 (stopp", context: "", complete: false}
        ];
        const conversation = participantConversation(past, "q2", 1, 3);
        assert.equal(conversation.turns[1].status, "stopped");
        assert.equal(conversation.firstKeptTurn, 1);
        const messages = buildChatMessages(conversation, "");
        assert.deepEqual(messages.slice(1).map((m) => m.content), ["q1", "a1 (stopp", "q2"]);
        assert.match(messages[0].content, /left out/);
        assert.equal(participantConversation(past, "q2", 99, 3).firstKeptTurn, 2, "never past the new question");
    });

    it("reads only metadata Hearth wrote", () => {
        assert.deepEqual(readMetadata({hearthContext: "ctx", firstKeptTurn: 2}), {hearthContext: "ctx", firstKeptTurn: 2});
        assert.deepEqual(readMetadata({hearthContext: "ctx", firstKeptTurn: -1}), {hearthContext: "ctx", firstKeptTurn: 0});
        assert.equal(readMetadata({other: 1}), undefined);
        assert.equal(readMetadata(undefined), undefined);
    });
});

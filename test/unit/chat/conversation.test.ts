// Conversation state: turns, titles, the active turn, finishing, and which turns go back to the model.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {activeTurn, addTurn, droppedTurnCount, finishTurn, newConversation, titleFrom, turnInPrompt} from "../../../src/chat/conversation";

describe("chat: conversation state", () => {
    it("the first question names the conversation; later ones do not", () => {
        const c = newConversation("c", 5);
        assert.equal(c.title, "New chat");
        addTurn(c, {id: "1", display: "  How does\n the  parser work?  ", at: 6});
        addTurn(c, {id: "2", display: "and the lexer?", at: 7});
        assert.equal(c.title, "How does the parser work?");
        assert.equal(c.updatedAt, 7);
        assert.equal(titleFrom("x".repeat(200)).length, 60);
        assert.ok(titleFrom("x".repeat(200)).endsWith("…"));
    });

    it("a pending or streaming last turn is active; a finished one is not", () => {
        const c = newConversation("c", 0);
        assert.equal(activeTurn(c), undefined);
        const turn = addTurn(c, {id: "1", display: "q", prompt: "instruction", at: 1});
        assert.equal(turn.prompt, "instruction");
        assert.equal(activeTurn(c), turn);
        turn.status = "streaming";
        assert.equal(activeTurn(c), turn);
        finishTurn(turn, "error", "boom");
        assert.equal(activeTurn(c), undefined);
        assert.equal(turn.error, "boom");
        assert.equal(turnInPrompt(turn), false, "a failed turn with no answer is not sent back");
        turn.answer = "part";
        assert.equal(turnInPrompt(turn), true);
        finishTurn(turn, "stopped");
        assert.equal(turn.error, undefined);
    });

    it("counts dropped turns up to the number of turns", () => {
        const c = newConversation("c", 0);
        addTurn(c, {id: "1", display: "q", at: 1});
        c.firstKeptTurn = 4;
        assert.equal(droppedTurnCount(c), 1);
    });
});

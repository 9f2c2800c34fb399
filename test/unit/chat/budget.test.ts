// Chat budgets: the context budget is the smaller of the setting and the window less conversation, question
// and answer; an outgrown conversation drops its oldest turns in one step, and the prompt then keeps its start.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {applyPlan, planTurn, type ChatLimits, type CountTokens} from "../../../src/chat/budget";
import {addTurn, finishTurn, newConversation, type Conversation} from "../../../src/chat/conversation";
import {buildChatMessages} from "../../../src/chat/prompt";

/** One token per character: budgets are exact. */
const count: CountTokens = async (texts) => texts.map((t) => t.length);

function conversationOf(turns: number, answerChars: number): Conversation {
    const conversation = newConversation("c", 0);
    for (let i = 0; i < turns; i++) {
        const turn = addTurn(conversation, {id: `t${i}`, display: `question ${i}`, at: i});
        turn.context = "x".repeat(answerChars);
        turn.answer = "y".repeat(answerChars);
        finishTurn(turn, "done");
    }
    addTurn(conversation, {id: "next", display: "follow-up?", at: turns});
    return conversation;
}

describe("chat: budgets and trimming", () => {
    it("the budget is the setting when the window has room", async () => {
        const plan = await planTurn(conversationOf(1, 100), {contextSettingTokens: 2000, modelContextTokens: 100_000, answerTokens: 1000}, count);
        assert.equal(plan.contextBudget, 2000);
        assert.equal(plan.droppedNow, 0);
        assert.ok(plan.fits);
    });

    it("the budget is the window less the conversation, the question and the answer when that is smaller", async () => {
        const limits: ChatLimits = {contextSettingTokens: 100_000, modelContextTokens: 20_000, answerTokens: 2000};
        const plan = await planTurn(conversationOf(2, 500), limits, count);
        assert.equal(plan.droppedNow, 0);
        assert.equal(plan.contextBudget, limits.modelContextTokens - limits.answerTokens - plan.promptTokens);
        assert.ok(plan.promptTokens > 2000, "both earlier turns are counted");
    });

    it("with an unknown window the setting is the budget and nothing is dropped", async () => {
        const plan = await planTurn(conversationOf(5, 5000), {contextSettingTokens: 3000, modelContextTokens: 0, answerTokens: 500}, count);
        assert.deepEqual([plan.contextBudget, plan.droppedNow], [3000, 0]);
    });

    it("an outgrown conversation drops its oldest turns in one step, then keeps the new start for later turns", async () => {
        const limits: ChatLimits = {contextSettingTokens: 4000, modelContextTokens: 16_000, answerTokens: 1000};
        const conversation = conversationOf(10, 600); // ~12,000 tokens of history
        const plan = await planTurn(conversation, limits, count);
        assert.ok(plan.droppedNow > 0, "old turns are dropped");
        assert.ok(plan.contextBudget >= 4000, `the new turn gets its wanted context (${plan.contextBudget})`);
        assert.ok(plan.promptTokens + plan.contextBudget + limits.answerTokens <= limits.modelContextTokens);
        applyPlan(conversation, plan);
        const before = buildChatMessages(conversation, "z".repeat(plan.contextBudget));
        // The next turn: the prompt keeps the same start (no further drop), so the KV cache holds.
        conversation.turns.at(-1)!.answer = "short answer";
        finishTurn(conversation.turns.at(-1)!, "done");
        addTurn(conversation, {id: "later", display: "and then?", at: 99});
        const next = await planTurn(conversation, {...limits, contextSettingTokens: 500}, count);
        assert.equal(next.droppedNow, 0, "the step left headroom for the next turn");
        applyPlan(conversation, next);
        const after = buildChatMessages(conversation, "");
        assert.deepEqual(after.slice(0, before.length), before);
    });

    it("a question too long for the window does not fit", async () => {
        const conversation = newConversation("c", 0);
        addTurn(conversation, {id: "t", display: "q".repeat(5000), at: 0});
        const plan = await planTurn(conversation, {contextSettingTokens: 1000, modelContextTokens: 4096, answerTokens: 1024}, count);
        assert.equal(plan.fits, false);
        assert.equal(plan.contextBudget, 0);
    });
});

// Chat history per workspace: saved conversations survive a new ChatHistory over the same store (a reload),
// newest first; reopen, delete, clear all; a damaged store entry is dropped, not shown.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {addTurn, finishTurn, newConversation} from "../../../src/chat/conversation";
import {ChatHistory, conversationsWithContext, historyKey, parseConversation, type KeyValueStore} from "../../../src/chat/history";

/** A Memento-like store that keeps values as JSON, as VS Code's workspaceState does on disk. */
class JsonStore implements KeyValueStore {
    readonly data = new Map<string, string>();
    get<T>(key: string): T | undefined {
        const raw = this.data.get(key);
        return raw === undefined ? undefined : JSON.parse(raw) as T;
    }
    async update(key: string, value: unknown): Promise<void> { this.data.set(key, JSON.stringify(value)); }
}

function conversation(id: string, at: number, question = `question ${id}`) {
    const c = newConversation(id, at);
    const turn = addTurn(c, {id: `${id}-t`, display: question, at});
    turn.answer = "an answer";
    turn.sources.push({path: "/w/src/a.ts", label: "src/a.ts:1-4", startLine: 0, endLine: 3});
    finishTurn(turn, "done");
    return c;
}

describe("chat: history persistence", () => {
    it("a saved conversation is found again by a new history over the same store, newest first", async () => {
        const store = new JsonStore();
        const history = new ChatHistory(store);
        await history.save(conversation("a", 1));
        await history.save(conversation("b", 2));
        const reloaded = new ChatHistory(store);
        assert.deepEqual(reloaded.list().map((s) => [s.id, s.title, s.turns]), [["b", "question b", 1], ["a", "question a", 1]]);
        const a = reloaded.get("a")!;
        assert.equal(a.turns[0].answer, "an answer");
        assert.deepEqual(a.turns[0].sources, [{path: "/w/src/a.ts", label: "src/a.ts:1-4", startLine: 0, endLine: 3}]);
    });

    it("saving again replaces; delete removes one; clear removes all; an empty conversation is not kept", async () => {
        const history = new ChatHistory(new JsonStore());
        const a = conversation("a", 1);
        await history.save(a);
        a.title = "renamed";
        await history.save(a);
        await history.save(conversation("b", 2));
        await history.save(newConversation("empty", 3));
        assert.deepEqual(history.list().map((s) => s.title), ["question b", "renamed"]);
        await history.delete("b");
        assert.deepEqual(history.list().map((s) => s.id), ["a"]);
        await history.clear();
        assert.deepEqual(history.list(), []);
    });

    it("keeps at most the limit, forgetting the oldest", async () => {
        const history = new ChatHistory(new JsonStore(), 3);
        for (let i = 0; i < 5; i++) await history.save(conversation(`c${i}`, i));
        assert.deepEqual(history.list().map((s) => s.id), ["c4", "c3", "c2"]);
    });

    it("only the newest conversations keep their turns' context; older ones keep questions, answers and sources", async () => {
        const history = new ChatHistory(new JsonStore());
        for (let i = 0; i < conversationsWithContext + 2; i++) {
            const c = conversation(`c${i}`, i);
            c.turns[0].context = "// src/a.ts:1-4\n".repeat(50);
            await history.save(c);
        }
        const all = history.list().map((s) => history.get(s.id)!);
        assert.ok(all.slice(0, conversationsWithContext).every((c) => c.turns[0].context !== ""));
        assert.ok(all.slice(conversationsWithContext).every((c) => c.turns[0].context === "" && c.turns[0].answer === "an answer" && c.turns[0].sources.length === 1));
    });

    it("a turn saved mid-answer comes back stopped, with what had arrived", async () => {
        const store = new JsonStore();
        const c = conversation("a", 1);
        c.turns[0].status = "streaming";
        await new ChatHistory(store).save(c);
        assert.equal(new ChatHistory(store).get("a")!.turns[0].status, "stopped");
    });

    it("damaged entries are dropped and the rest kept", async () => {
        const store = new JsonStore();
        const good = conversation("good", 1);
        await store.update(historyKey, {version: 1, conversations: [good, {id: 3}, {...good, id: "bad", turns: [{id: "x"}]}, "junk"]});
        assert.deepEqual(new ChatHistory(store).list().map((s) => s.id), ["good"]);
        await store.update(historyKey, {version: 99, conversations: [good]});
        assert.deepEqual(new ChatHistory(store).list(), []);
        assert.equal(parseConversation(null), undefined);
    });
});

// The chat's @file / @symbol / @workspace mentions on the real index of the polyglot fixture: the picker's
// candidates come from the index (and never from files the context policy refuses), and a question's mentions
// put those files and definitions into its packed context ahead of what the question only implies.
import assert from "node:assert/strict";
import {after, before, describe, it} from "mocha";
import type {ContextEngine} from "../../../src/context/engine";
import {copyFixture, indexedEngine, type Workspace} from "../context/fixture";

describe("chat: mentions on the real index", function () {
    this.timeout(60_000);
    let ws: Workspace;
    let engine: ContextEngine;
    before(async () => { ws = copyFixture(); engine = await indexedEngine(ws); });
    after(() => ws.remove());

    it("offers files by the characters typed, best match first, labelled by their workspace path", () => {
        const found = engine.searchMentions("file", "geom", 10);
        assert.ok(found.length > 0);
        assert.equal(found[0].label, "ts/src/geometry.ts");
        assert.equal(found[0].path, ws.file("ts/src/geometry.ts"));
        assert.ok(found.every((c) => c.kind === "file" && /g.*e.*o.*m/i.test(c.label)));
        assert.equal(engine.searchMentions("file", "", 3).length, 3, "an empty query lists files up to the limit");
    });

    it("offers symbols the index defines, with their kind and place", () => {
        const found = engine.searchMentions("symbol", "area", 10);
        const area = found.find((c) => c.name === "area" && c.path.endsWith("ts/src/geometry.ts"));
        assert.ok(area, JSON.stringify(found));
        assert.match(area.detail ?? "", /^function · ts\/src\/geometry\.ts:\d+$/);
        assert.ok(area.endLine >= area.line);
    });

    it("never offers files the context policy refuses (ignored, secrets)", async () => {
        ws.write("ts/src/.env", "API_KEY=abc\n");
        await engine.updateFile(ws.file("ts/src/.env"));
        const labels = engine.searchMentions("file", "", 1000).map((c) => c.label);
        assert.ok(!labels.some((l) => l.startsWith("ignored/") || l.endsWith(".env")), JSON.stringify(labels));
    });

    it("a mentioned file and symbol are packed into the question's context, whole, ahead of the rest", async () => {
        const geometry = ws.file("ts/src/geometry.ts");
        const pricing = engine.searchMentions("file", "pricing", 5).find((c) => c.path.endsWith(".py"));
        assert.ok(pricing, "a python pricing file is indexed");
        const plain = await engine.contextForQuestion({question: "how is tax computed?", budgetTokens: 4000});
        const mentioned = await engine.contextForQuestion({
            question: "how is tax computed?", budgetTokens: 4000,
            mentions: {files: [pricing.path], symbols: [{name: "area", path: geometry}]}
        });
        const fromPricing = mentioned.snippets.find((s) => s.path === pricing.path);
        assert.ok(fromPricing && fromPricing.startLine === 0, "the mentioned file from its first line");
        assert.ok(mentioned.snippets.some((s) => s.path === geometry && s.symbol === "area"), "the mentioned symbol's definition");
        assert.ok(!plain.snippets.some((s) => s.path === geometry && s.symbol === "area"), "not there without the mention");
    });

    it("@workspace packs the repository map first", async () => {
        const plain = await engine.rankForQuestion({question: "zzz", budgetTokens: 4000});
        const withMap = await engine.rankForQuestion({question: "zzz", budgetTokens: 4000, mentions: {workspace: true}});
        const best = (snippets: typeof plain) => Math.max(0, ...snippets.filter((s) => s.source === "repoMap").map((s) => s.score));
        assert.ok(best(withMap) > best(plain) * 10);
    });
});

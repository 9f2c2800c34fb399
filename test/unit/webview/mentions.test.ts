// The @ mention being typed in the chat's question box.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {mentionAt} from "../../../src/webview/mentions";

describe("webview: @ mentions while typing", () => {
    it("a bare @ or the start of a kind offers the kinds", () => {
        assert.deepEqual(mentionAt("explain @", 9), {kind: "kinds", query: "", start: 8, end: 9});
        assert.deepEqual(mentionAt("@fi", 3), {kind: "kinds", query: "fi", start: 0, end: 3});
        assert.equal(mentionAt("@zz", 3), undefined);
    });

    it("@file: and @symbol: queries, with the rest of the word after the caret", () => {
        assert.deepEqual(mentionAt("look at @file:geo now", 17), {kind: "file", query: "geo", start: 8, end: 17});
        assert.deepEqual(mentionAt("@symbol:ar", 10), {kind: "symbol", query: "ar", start: 0, end: 10});
        assert.deepEqual(mentionAt("@file:geometry.ts", 8), {kind: "file", query: "geometry.ts", start: 0, end: 17});
        assert.deepEqual(mentionAt("@workspace", 10), {kind: "workspace", query: "", start: 0, end: 10});
    });

    it("an @ inside a word (an e-mail address, a decorator call) is not a mention", () => {
        assert.equal(mentionAt("mail me@file:x", 14), undefined);
        assert.equal(mentionAt("@file: done", 11), undefined, "the caret left the token");
        assert.equal(mentionAt("@other:x", 8), undefined);
    });
});

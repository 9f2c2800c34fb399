// Every message from the webview is checked against its schema: good ones pass unchanged, anything else is dropped.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {describeRejected, maxMessageChars, validateFromWebview} from "../../../src/webview/validate";

describe("webview: message validation", () => {
    it("accepts well-formed messages of every kind", () => {
        const good: unknown[] = [
            {type: "ready"},
            {type: "ask", text: "what is area?", useEditor: true, chips: [
                {kind: "file", path: "/w/a.ts", label: "a.ts"}, {kind: "symbol", name: "area", path: "/w/a.ts", line: 3, label: "area"},
                {kind: "workspace", label: "@workspace"}
            ]},
            {type: "stop"}, {type: "newChat"}, {type: "openSource", path: "/w/a.ts", startLine: 0, endLine: 4},
            {type: "openLink", href: "https://example.com"}, {type: "copy", text: "x"}, {type: "insert", code: "x"},
            {type: "apply", block: {code: "x", language: "ts"}}, {type: "apply", block: {code: "x", language: "ts", file: "src/a.ts"}},
            {type: "mentionQuery", kind: "file", query: "geo", requestId: 3}, {type: "showHistory"},
            {type: "openConversation", id: "c1"}, {type: "deleteConversation", id: "c1"}, {type: "clearHistory"},
            {type: "runtimeAction", action: "selectModel"}
        ];
        for (const message of good) assert.equal(validateFromWebview(message), message, JSON.stringify(message));
    });

    it("drops unknown types, missing or extra fields, wrong types and oversized text", () => {
        const bad: unknown[] = [
            null, "ready", 42, [], {}, {type: "eval", code: "x"}, {type: "__proto__"}, {type: "toString"},
            {type: "ask", text: "q", chips: []}, {type: "ask", text: 1, chips: [], useEditor: true},
            {type: "ask", text: "q", chips: [{kind: "shell", path: "/bin/sh"}], useEditor: true},
            {type: "ask", text: "q", chips: "all", useEditor: true},
            {type: "stop", extra: true},
            {type: "openSource", path: "/w/a.ts", startLine: -1, endLine: 2},
            {type: "openSource", path: "/w/a.ts", startLine: 1.5, endLine: 2},
            {type: "runtimeAction", action: "runShell"},
            {type: "apply", block: {code: "x", language: "ts", file: 7}},
            {type: "copy", text: "x".repeat(maxMessageChars + 1)},
            {type: "mentionQuery", kind: "everything", query: "", requestId: 1}
        ];
        for (const message of bad) assert.equal(validateFromWebview(message), undefined, JSON.stringify(message)?.slice(0, 100));
    });

    it("describes a refused message briefly for the log", () => {
        const text = describeRejected({type: "eval", code: "y".repeat(5000)});
        assert.ok(text.startsWith('type "eval"'));
        assert.ok(text.length < 260);
    });
});

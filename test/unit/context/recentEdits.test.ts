// Recent edits: nearby changes merge, ranges follow lines inserted above them, and only the newest survive.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {RecentEdits} from "../../../src/context/recentEdits";

describe("context: recent edits", () => {
    it("merges nearby edits to one file, newest first", () => {
        const edits = new RecentEdits();
        edits.record("/a.ts", 10, 10, 1);
        edits.record("/b.ts", 3, 4, 2);
        edits.record("/a.ts", 13, 14, 3);
        assert.deepEqual(edits.list(), [
            {path: "/a.ts", startLine: 10, endLine: 14, at: 3},
            {path: "/b.ts", startLine: 3, endLine: 4, at: 2}
        ]);
    });

    it("shifts ranges below an inserted block, forgets deleted files, follows renames, keeps the newest", () => {
        const edits = new RecentEdits(2);
        edits.record("/a.ts", 50, 52, 1);
        edits.shift("/a.ts", 10, 5);
        assert.deepEqual(edits.list()[0], {path: "/a.ts", startLine: 55, endLine: 57, at: 1});
        edits.rename("/a.ts", "/c.ts");
        edits.record("/b.ts", 1, 1, 2);
        edits.record("/d.ts", 1, 1, 3);
        assert.deepEqual(edits.list().map((e) => e.path), ["/d.ts", "/b.ts"]);
        edits.forget("/d.ts");
        assert.deepEqual(edits.list().map((e) => e.path), ["/b.ts"]);
    });
});

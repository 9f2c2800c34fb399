import assert from "node:assert/strict";
import {blockedBecause, suffixAllowsCompletion, type GateFacts} from "../../../src/completion/gates";

const open: GateFacts = {languageEnabled: true, snoozed: false, modelReady: true, readOnly: false, workspaceTrusted: true, selectionLines: 1, lineSuffix: ""};

describe("completion gates", () => {
    it("offers a suggestion when nothing blocks it", () => assert.equal(blockedBecause(open), undefined));

    it("names what blocks a suggestion", () => {
        assert.equal(blockedBecause({...open, languageEnabled: false}), "off for this language");
        assert.equal(blockedBecause({...open, snoozed: true}), "snoozed");
        assert.equal(blockedBecause({...open, workspaceTrusted: false}), "Restricted Mode");
        assert.equal(blockedBecause({...open, modelReady: false}), "no model ready");
        assert.equal(blockedBecause({...open, readOnly: true}), "read-only document");
        assert.equal(blockedBecause({...open, selectionLines: 5}), "a selection is active");
        assert.equal(blockedBecause({...open, lineSuffix: "bar()"}), "text after the cursor");
    });

    it("lets a suggestion stand before closers and punctuation, not before a word", () => {
        for (const ok of ["", ")", "]);", "\"", "'", "`,", " }", ":"]) assert.ok(suffixAllowsCompletion(ok), JSON.stringify(ok));
        for (const no of ["bar", "x)", " + 1", "=> y"]) assert.ok(!suffixAllowsCompletion(no), JSON.stringify(no));
    });
});

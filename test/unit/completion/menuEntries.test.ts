import assert from "node:assert/strict";
import type {ModelInfo} from "../../../src/runtime/protocol";
import {menuEntries} from "../../../src/completion/menuEntries";
import type {CompletionFacts, RuntimeFacts} from "../../../src/completion/statusModel";

const NOW = new Date(2025, 5, 1, 9, 0, 0).getTime();
const model: ModelInfo = {
    engine: "embedded", modelPath: "/models/gemma-4-E4B-it-Q4_K_M.gguf", architecture: "gemma4", contextSize: 8192,
    trainContextSize: 131072, vocabSize: 262144, hasFim: false, chatWrapper: "gemma4", drafter: "mtp"
};
const ready: RuntimeFacts = {phase: "ready", model};
const on: CompletionFacts = {languageId: "go", languageEnabled: true, allEnabled: true, languageHasOwnSetting: false, generating: false};

const labels = (runtime: RuntimeFacts, completions: CompletionFacts) => menuEntries(runtime, completions, NOW).map((entry) => entry.label);

describe("status bar menu entries", () => {
    it("offers to switch off this language and all, to snooze, to choose a model and to show the log", () => {
        const entries = menuEntries(ready, on, NOW);
        assert.deepEqual(entries.map((entry) => entry.label), [
            "$(circle-slash) Disable completions for go",
            "$(circle-slash) Disable all completions",
            "$(bell-slash) Snooze completions for 15 minutes",
            "$(library) Choose model…",
            "$(output) Show log"
        ]);
        assert.deepEqual(entries.map((entry) => entry.action), [
            {kind: "setLanguage", languageId: "go", enabled: false},
            {kind: "setAll", enabled: false},
            {kind: "snooze", minutes: 15},
            {kind: "chooseModel"},
            {kind: "showLog"}
        ]);
        assert.equal(entries[3].description, "gemma-4-E4B-it-Q4_K_M");
    });

    it("offers to switch back on what is off, and says when a language keeps its own setting", () => {
        const entries = menuEntries(ready, {...on, languageEnabled: false, languageHasOwnSetting: true}, NOW);
        assert.equal(entries[0].label, "$(check) Enable completions for go");
        assert.deepEqual(entries[0].action, {kind: "setLanguage", languageId: "go", enabled: true});
        assert.equal(entries[1].label, "$(circle-slash) Disable all completions");
        assert.equal(entries[1].description, "go keeps its own setting (off)");
        const allOff = menuEntries(ready, {...on, languageEnabled: false, allEnabled: false}, NOW);
        assert.deepEqual(allOff[1].action, {kind: "setAll", enabled: true});
        assert.equal(allOff[1].description, undefined);
        // Nothing is on, so there is nothing to snooze.
        assert.ok(!allOff.some((entry) => entry.action.kind === "snooze"));
    });

    it("offers to resume a snooze, with its end time", () => {
        const until = new Date(2025, 5, 1, 9, 15, 0).getTime();
        const entries = menuEntries(ready, {...on, snoozedUntil: until}, NOW);
        const resume = entries.find((entry) => entry.action.kind === "resume");
        assert.equal(resume?.label, "$(bell) Resume completions now");
        assert.equal(resume?.description, "snoozed until 09:15");
        assert.ok(!entries.some((entry) => entry.action.kind === "snooze"));
        // An ended snooze offers a new one.
        assert.ok(menuEntries(ready, {...on, snoozedUntil: until}, until).some((entry) => entry.action.kind === "snooze"));
    });

    it("leaves out the language switch without an active editor", () => {
        const {languageId: _, ...noEditor} = on;
        assert.deepEqual(labels(ready, noEditor).slice(0, 1), ["$(circle-slash) Disable all completions"]);
    });

    it("puts the log first when the runtime failed, and the model picker first when none is loaded", () => {
        assert.equal(labels({phase: "failed"}, on)[0], "$(output) Show log");
        const noModel = menuEntries({phase: "noModel"}, on, NOW);
        assert.equal(noModel[0].label, "$(library) Choose model…");
        assert.equal(noModel[0].description, "no model loaded");
        assert.equal(menuEntries({phase: "loading", modelPath: "/m/gemma-4-31B.gguf"}, on, NOW).find((entry) => entry.action.kind === "chooseModel")?.description,
            "loading gemma-4-31B");
    });
});

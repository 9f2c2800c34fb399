import assert from "node:assert/strict";
import type {GenerationStats, ModelInfo} from "../../../src/runtime/protocol";
import {RecentGenerations} from "../../../src/completion/recentGenerations";
import {clockTime, completionSentence, completionState, statusView, type CompletionFacts, type RuntimeFacts} from "../../../src/completion/statusModel";

const NOW = new Date(2025, 5, 1, 14, 20, 0).getTime();

const model: ModelInfo = {
    engine: "embedded", modelPath: "/models/gemma-4-E2B-it-Q4_K_M.gguf", architecture: "gemma4", contextSize: 8192,
    trainContextSize: 131072, vocabSize: 262144, hasFim: false, chatWrapper: "gemma4", drafter: "mtp"
};
const ready: RuntimeFacts = {phase: "ready", model};
const on: CompletionFacts = {languageId: "python", languageEnabled: true, allEnabled: true, languageHasOwnSetting: false, generating: false};

function stats(overrides: Partial<GenerationStats> = {}): GenerationStats {
    return {
        promptTokens: 900, reusedPromptTokens: 850, generatedTokens: 12, timeToFirstTokenMs: 38, totalMs: 300,
        tokensPerSecond: 44.6, drafter: "mtp", draftedTokens: 10, acceptedTokens: 7, ...overrides
    };
}

function view(runtime: RuntimeFacts, completions: CompletionFacts = on, now = NOW) {
    const shown = statusView(runtime, completions, now);
    assert.ok(shown, "the item is shown");
    return shown;
}

describe("completion status model", () => {
    it("hides the item when the runtime is gone", () => {
        assert.equal(statusView({phase: "hidden"}, on, NOW), undefined);
    });

    it("spins while the runtime starts, restarts or loads, naming the model being loaded", () => {
        assert.equal(view({phase: "starting"}).text, "$(loading~spin) Hearth");
        assert.match(view({phase: "restarting"}).tooltip, /restarting/);
        const loading = view({phase: "loading", modelPath: "/models/gemma-4-E4B-it-Q8_0.gguf"});
        assert.equal(loading.text, "$(loading~spin) Hearth: loading gemma-4-E4B-it-Q8_0");
        assert.match(loading.tooltip, /Hearth is loading ` \/models\/gemma-4-E4B-it-Q8_0\.gguf `/);
        assert.equal(loading.severity, "normal");
        assert.equal(view({phase: "loading", modelPath: "/models/gemma-4-E4B-it-Q8_0.gguf", progress: 0.424}).text,
            "$(loading~spin) Hearth: loading gemma-4-E4B-it-Q8_0 42%", "how far the load is, when the engine says");
    });

    it("shows an error when the runtime stopped, and a warning with the load's failure when no model is loaded", () => {
        const failed = view({phase: "failed"});
        assert.equal(failed.text, "$(error) Hearth");
        assert.equal(failed.severity, "error");
        const none = view({phase: "noModel", problem: "Hearth can't use the model file /x/[evil](http://e).gguf: not a GGUF"});
        assert.equal(none.text, "$(flame) Hearth: no model");
        assert.equal(none.severity, "warning");
        // The failure reads as text: no link can be smuggled into the hover.
        assert.ok(none.tooltip.includes("\\[evil\\]\\(http://e\\)\\.gguf"), none.tooltip);
        assert.match(none.tooltip, /No model is loaded/);
        assert.doesNotMatch(view({phase: "noModel"}).tooltip, /undefined/);
    });

    it("shows the model, ready, with nothing measured yet", () => {
        const shown = view(ready);
        assert.equal(shown.text, "$(flame) gemma-4-E2B-it-Q4_K_M");
        assert.equal(shown.severity, "normal");
        assert.match(shown.tooltip, /running locally; no code leaves this machine/);
        assert.match(shown.tooltip, /Inline completions are on for python\\\./);
        assert.match(shown.tooltip, /Engine: embedded · drafter: MTP/);
        assert.match(shown.tooltip, /8192 tokens of context/);
    });

    it("adds the latency, the last tokens per second and the drafter's acceptance once completions ran", () => {
        const recent = new RecentGenerations();
        recent.add(stats({draftedTokens: 10, acceptedTokens: 7, tokensPerSecond: 30}));
        recent.add(stats({draftedTokens: 10, acceptedTokens: 9, tokensPerSecond: 44.6}));
        const shown = view(ready, {...on, latencyMs: 182.4, speed: recent.speed()});
        assert.equal(shown.text, "$(flame) gemma-4-E2B-it-Q4_K_M · 182 ms · 45 tok/s · MTP 80%");
        assert.match(shown.tooltip, /Time to a suggestion: 182 ms/);
        assert.match(shown.tooltip, /Last completion: 45 tokens per second, first token after 38 ms/);
        assert.match(shown.tooltip, /80% of 20 drafted tokens accepted, over the last 2 completions/);
        assert.equal(view(ready, {...on, latencyMs: 1530}).text, "$(flame) gemma-4-E2B-it-Q4_K_M · 1.5 s");
    });

    it("falls back to the runtime's totals since load before any completion, and shows no rate without drafts", () => {
        const totals = {requests: 3, generatedTokens: 300, draftedTokens: 200, acceptedTokens: 150, decodeMs: 10_000};
        const shown = view({phase: "ready", model, totals});
        assert.equal(shown.text, "$(flame) gemma-4-E2B-it-Q4_K_M · 30 tok/s · MTP 75%");
        assert.match(shown.tooltip, /Since the model loaded: 30 tokens per second/);
        assert.equal(view({phase: "ready", model, totals: {...totals, requests: 0}}).text, "$(flame) gemma-4-E2B-it-Q4_K_M");
        const plain = new RecentGenerations();
        plain.add(stats({drafter: "none", draftedTokens: 0, acceptedTokens: 0, tokensPerSecond: 20}));
        assert.equal(view({phase: "ready", model: {...model, drafter: "none"}}, {...on, speed: plain.speed()}).text, "$(flame) gemma-4-E2B-it-Q4_K_M · 20 tok/s");
    });

    it("never shows 0 tok/s after a one-token suggestion: it keeps the last rate that was measured", () => {
        const recent = new RecentGenerations();
        recent.add(stats({drafter: "none", draftedTokens: 0, acceptedTokens: 0, generatedTokens: 1, tokensPerSecond: 0}));
        assert.equal(view({phase: "ready", model: {...model, drafter: "none"}}, {...on, latencyMs: 90, speed: recent.speed()}).text, "$(flame) gemma-4-E2B-it-Q4_K_M · 90 ms");
        recent.add(stats({drafter: "none", draftedTokens: 0, acceptedTokens: 0, generatedTokens: 9, tokensPerSecond: 31}));
        recent.add(stats({drafter: "none", draftedTokens: 0, acceptedTokens: 0, generatedTokens: 1, tokensPerSecond: 0}));
        assert.equal(view({phase: "ready", model: {...model, drafter: "none"}}, {...on, latencyMs: 90, speed: recent.speed()}).text, "$(flame) gemma-4-E2B-it-Q4_K_M · 90 ms · 31 tok/s");
    });

    it("spins while a suggestion is generated, keeping the figures", () => {
        const shown = view(ready, {...on, generating: true, latencyMs: 90});
        assert.equal(shown.text, "$(sync~spin) gemma-4-E2B-it-Q4_K_M · 90 ms");
        assert.match(shown.tooltip, /generating a suggestion/);
    });

    it("says off, for one language or for all", () => {
        const language = view(ready, {...on, languageEnabled: false, languageHasOwnSetting: true});
        assert.equal(language.text, "$(circle-slash) Hearth: off (python)");
        assert.match(language.tooltip, /off for python/);
        const all = view(ready, {...on, languageEnabled: false, allEnabled: false});
        assert.equal(all.text, "$(circle-slash) Hearth: off");
        assert.equal(completionSentence({...on, languageEnabled: false, allEnabled: false}, NOW), "Inline completions are off.");
        // A language switched on by its own entry stays on when all are off.
        assert.equal(completionState({...on, allEnabled: false, languageHasOwnSetting: true}, NOW), "on");
        // Off wins over generating and snoozed: it is the setting the user must change.
        assert.equal(completionState({...on, languageEnabled: false, generating: true, snoozedUntil: NOW + 60_000}, NOW), "offLanguage");
    });

    it("says snoozed with the minutes left and the time it ends, until it ends", () => {
        const until = new Date(2025, 5, 1, 14, 35, 0).getTime();
        const snoozed = {...on, snoozedUntil: until, generating: true};
        assert.equal(view(ready, snoozed).text, "$(bell-slash) Hearth: snoozed 15 min");
        assert.equal(view(ready, snoozed, until - 30_000).text, "$(bell-slash) Hearth: snoozed 1 min");
        assert.match(view(ready, snoozed).tooltip, /snoozed until 14:35 \\\(15 min left\\\)/);
        assert.equal(clockTime(until), "14:35");
        assert.equal(view(ready, snoozed, until).text, "$(sync~spin) gemma-4-E2B-it-Q4_K_M");
    });

    it("warns whenever code goes to a remote endpoint, in every completion state", () => {
        const remote: RuntimeFacts = {phase: "ready", model: {...model, engine: "openaiCompatible", modelPath: "gemma-4-26b"}};
        const shown = view(remote);
        assert.equal(shown.text, "$(globe) gemma-4-26b");
        assert.equal(shown.severity, "warning");
        assert.match(shown.tooltip, /remote endpoint: your code is sent to it/);
        assert.equal(view(remote, {...on, languageEnabled: false, allEnabled: false}).severity, "warning");
        assert.equal(view(remote, {...on, snoozedUntil: NOW + 60_000}).severity, "warning");
    });

    it("keeps a model path with backticks inside its code span", () => {
        const shown = view({phase: "ready", model: {...model, modelPath: "/m/a`b.gguf"}});
        assert.match(shown.tooltip, /Model: `` \/m\/a`b\.gguf ``/);
    });
});

describe("recent generations", () => {
    it("reports the last speed and the acceptance over a bounded window", () => {
        const recent = new RecentGenerations(3);
        assert.equal(recent.speed(), undefined);
        for (const accepted of [0, 10, 10, 10]) recent.add(stats({draftedTokens: 10, acceptedTokens: accepted, tokensPerSecond: accepted}));
        const speed = recent.speed()!;
        // The first (0 of 10) has aged out.
        assert.deepEqual({drafted: speed.draftedTokens, accepted: speed.acceptedTokens, generations: speed.generations, tps: speed.tokensPerSecond},
            {drafted: 30, accepted: 30, generations: 3, tps: 10});
    });

    it("starts over when the drafter changes, and on clear", () => {
        const recent = new RecentGenerations();
        recent.add(stats({drafter: "mtp", draftedTokens: 10, acceptedTokens: 9}));
        recent.add(stats({drafter: "promptLookup", draftedTokens: 8, acceptedTokens: 2}));
        assert.deepEqual([recent.speed()!.drafter, recent.speed()!.draftedTokens, recent.speed()!.acceptedTokens], ["promptLookup", 8, 2]);
        recent.clear();
        assert.equal(recent.speed(), undefined);
    });
});

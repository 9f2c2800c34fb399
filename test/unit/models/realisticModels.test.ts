// The tables behind bench/realisticSpeculation.ts's models (over the gemma4 alphabet's slots): a target that recites
// one long cycle of distinct tokens after any token off it, and drafters wrong on their designed share of it at irregular places, accepted
// 0.6–0.8 of the time under each engine's draft-length policy (computed from the tables; the bench measures it).
import assert from "node:assert/strict";
import {buildRealisticTables, fixedDraftAcceptance, POSITION_AGREEMENT, RECITAL_LENGTH, type RealisticTables} from "../../../bench/realisticModels";
import {GgufTokenType} from "../../../src/runtime/models/gguf/constants";
import {DraftLengthController} from "../../../src/runtime/host/speculation";
import {bannedTokens} from "../../../scripts/testModels/vocabularies";

describe("realistic speculation models", function () {
    let built: RealisticTables;
    before(function () {
        this.timeout(120_000);
        built = buildRealisticTables();
    });

    it("the target recites a cycle of distinct ordinary tokens after <channel|>, each with a clear logit margin", () => {
        const {recital, start, tables: {target}, vocab, alphabet} = built;
        assert.equal(recital.length, RECITAL_LENGTH);
        assert.equal(new Set(recital).size, RECITAL_LENGTH);
        for (const t of recital) assert.equal(vocab.types[alphabet.tokens[t]], GgufTokenType.Normal, `slot ${t}`);
        const chain: number[] = [];
        for (let t = start, i = 0; i <= RECITAL_LENGTH; i++) chain.push(t = target.successor[t]);
        assert.deepEqual(chain, [...recital, recital[0]]);
        const V = target.vocabSize;
        for (let t = 0; t < V; t++) {
            const row = target.logits.subarray(t * V, (t + 1) * V);
            const chosen = row[target.successor[t]];
            assert.ok(row.every((logit, v) => v === target.successor[t] || logit <= chosen - 0.74), `row ${t}`);
        }
    });

    it("each drafter proposes the target's token on its designed share of the cycle, wrong at irregular places", () => {
        const {recital, tables, vocab, alphabet} = built;
        const bannedIds = bannedTokens(vocab);
        const banned = new Set(alphabet.tokens.flatMap((id, slot) => (bannedIds.has(id) ? [slot] : [])).concat(alphabet.fallback));
        for (const role of ["draft", "assistant"] as const) {
            const drafter = tables[role].successor, target = tables.target.successor;
            const wrong = recital.flatMap((t, i) => (drafter[t] === target[t] ? [] : [i]));
            assert.equal(RECITAL_LENGTH - wrong.length, Math.round(POSITION_AGREEMENT[role] * RECITAL_LENGTH), role);
            for (const i of wrong) assert.ok(!banned.has(drafter[recital[i]]), `${role} proposes a control token after position ${i}`);
            // Gaps between errors vary as a random drafter's would, not a fixed period a draft length could lock onto.
            const gaps = wrong.slice(1).map((i, n) => i - wrong[n]);
            assert.ok(new Set(gaps).size >= 5, `${role}: error gaps ${gaps.join(",")}`);
            assert.ok(Math.max(...gaps) >= 3 * Math.min(...gaps), `${role}: error gaps ${gaps.join(",")}`);
        }
    });

    it("counts what fixed-length drafting accepts, as llama-server's MTP loop does", () => {
        // target 0→1→2→3→0; the drafter is wrong after 2 only. 9 tokens from 0 in drafts of 2: [1 2] both kept (+3),
        // [0 1] both kept (+2), the last draft cut to 1 token left: [0] after 2, rejected. 4 of 5.
        assert.equal(fixedDraftAcceptance([1, 2, 3, 0], [1, 2, 0, 0], 0, 9, 2), 0.8);
        assert.equal(fixedDraftAcceptance([1, 2, 3, 0], [1, 2, 3, 0], 0, 64, 8), 1);
        assert.equal(fixedDraftAcceptance([1, 2, 3, 0], [2, 3, 0, 1], 0, 64, 8), 0);
    });

    it("are accepted 0.6–0.8 of drafted tokens: MTP in llama-server's 8-token drafts, the draft model under our adaptive controller", () => {
        const {recital, tables} = built;
        const mtp = fixedDraftAcceptance(tables.target.successor, tables.assistant.successor, recital[0], RECITAL_LENGTH, 8);
        assert.ok(mtp >= 0.6 && mtp <= 0.8, `MTP ${mtp}`);
        // The controller picks draft lengths from step times: here a plain step costs 1 and a speculative one
        // 1 + (verify + draft cost per token)·k, as bench/batchCost.ts measures on the test targets (verify ~0.33).
        for (const perToken of [0.4, 0.45, 0.55]) {
            const draft = adaptiveAcceptance(tables.target.successor, tables.draft.successor, recital[0], RECITAL_LENGTH, (k) => 1 + perToken * k);
            assert.ok(draft >= 0.6 && draft <= 0.8, `draft model at ${perToken}/token: ${draft}`);
        }
    });
});

/** accepted/drafted of our DraftLengthController's choices over `tokens` tokens, given what each step costs. */
function adaptiveAcceptance(target: ArrayLike<number>, drafter: ArrayLike<number>, first: number, tokens: number, stepCost: (k: number) => number): number {
    const controller = new DraftLengthController(8);
    let last = first, generated = 1, drafted = 0, accepted = 0;
    while (generated < tokens) {
        const k = controller.next(tokens - generated);
        if (k === 0) { last = target[last]; generated++; controller.recordPlain(1); continue; }
        let proposal = last, truth = last, agreed = 0;
        for (let i = 0; i < k; i++) {
            proposal = drafter[proposal];
            if (proposal !== target[truth]) break;
            truth = proposal;
            agreed++;
        }
        controller.recordSpeculative(k, agreed, stepCost(k));
        drafted += k;
        accepted += agreed;
        generated += agreed + 1;
        last = target[truth];
    }
    return accepted / Math.max(1, drafted);
}

// The gemma4 test models' alphabet and endings (scripts/testModels/gemma4Alphabet.ts) on a small synthetic
// vocabulary: frequent tokens get slots and the rest share one, the chat answer has the stated length with no token
// repeated, and every greedy continuation ends in <turn|> — what models.json then promises about the real models.
import assert from "node:assert/strict";
import {countBigrams, targetTable} from "../../../scripts/testModels/bigrams";
import {chooseAlphabet, designEndings, expandSuccessor, toSlots, tokenSuccessor, TURN_END} from "../../../scripts/testModels/gemma4Alphabet";

const special = {"<bos>": 2, "<|turn>": 5, [TURN_END]: 6, "<|channel>": 7, "<channel|>": 8, "<|think|>": 9};
const NEWLINE = 10;
const V = 400;

function corpus(): number[][] {
    // Two repeating "documents" over tokens 10..199 with a few loops, plus rare tokens 300+.
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
    return [0, 1].map(() => Array.from({length: 4000}, (_, i) => (i % 97 === 0 ? 300 + (next() % 90) : i % 5 === 0 ? NEWLINE : 11 + (next() % 120))));
}

describe("gemma4 test models: alphabet and endings", () => {
    const sequences = corpus();
    const alphabet = chooseAlphabet(V, special, sequences, 64, NEWLINE);
    const slots = sequences.map((ids) => toSlots(alphabet, ids));
    const stats = countBigrams(slots, alphabet.size);
    const banned = new Set<number>([alphabet.fallback, ...Object.values(special).map((id) => alphabet.slotOf[id])]);

    it("gives the chat markers, the newline and the most frequent tokens a slot, and the rest the fallback", () => {
        assert.equal(alphabet.tokens.length, 62);
        assert.equal(alphabet.fallback, 62);
        assert.equal(alphabet.bias, 63);
        for (const id of [...Object.values(special), NEWLINE]) assert.notEqual(alphabet.slotOf[id], alphabet.fallback, `token ${id}`);
        for (let id = 300; id < V; id++) assert.equal(alphabet.slotOf[id], alphabet.fallback);
        assert.deepEqual(alphabet.tokens, [...alphabet.tokens].sort((a, b) => a - b));
    });

    it("writes a chat answer of the stated length without a repeated token, and ends every greedy chain", () => {
        const table = targetTable(stats, {margin: 0.75, banned, floor: -30});
        const endings = designEndings(table, stats, alphabet, special, NEWLINE, 20, 0.75, banned);
        const end = alphabet.slotOf[special[TURN_END]];
        assert.equal(endings.chatAnswer.length, 21);
        assert.equal(endings.chatAnswer.at(-1), end);
        assert.equal(new Set(endings.chatAnswer).size, 21, "no token repeats");
        for (const slot of endings.chatAnswer.slice(0, -1)) assert.ok(!banned.has(slot), `slot ${slot} is a marker or the fallback`);
        // After <channel|> as after "\n".
        let at = alphabet.slotOf[special["<channel|>"]];
        const chain: number[] = [];
        while (at !== end && chain.length < 100) chain.push(at = table.successor[at]);
        assert.deepEqual(chain, endings.chatAnswer);
        // Every slot's chain ends, and each rewritten row has its new choice by the margin.
        for (let s = 0; s < alphabet.size; s++) {
            let t = s, steps = 0;
            while (t !== end && steps <= alphabet.size) { t = table.successor[t]; steps++; }
            assert.equal(t, end, `the chain from slot ${s} ends`);
        }
        for (const row of endings.overridden) {
            const values = table.logits.subarray(row * alphabet.size, (row + 1) * alphabet.size);
            const chosen = values[table.successor[row]];
            assert.ok(values.every((v, u) => u === table.successor[row] || v <= chosen - 0.75), `row ${row}`);
        }
        // Over token ids: alphabet tokens by their slot, every other token as the fallback.
        const successor = expandSuccessor(tokenSuccessor(alphabet, table.successor), V);
        assert.equal(successor.length, V);
        assert.equal(successor[399], alphabet.tokens[table.successor[alphabet.fallback]]);
        assert.equal(successor[NEWLINE], alphabet.tokens[endings.chatAnswer[0]]);
    });
});

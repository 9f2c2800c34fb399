import assert from "node:assert/strict";
import {TokenTax, dayKey, formatCost, formatTokens, type TokenTaxState, type TokenTaxStorage} from "../../../src/usage/tokenTax";

/** A storage like VS Code's globalState: what was written is what is read, by every window that shares it. */
class MemoryStorage implements TokenTaxStorage {
    value: unknown;
    writes = 0;
    read(): unknown { return this.value === undefined ? undefined : JSON.parse(JSON.stringify(this.value)); }
    write(state: TokenTaxState): void { this.value = JSON.parse(JSON.stringify(state)); this.writes++; }
}

function clockAt(iso: string): {now: () => Date, set(iso: string): void} {
    let current = new Date(iso);
    return {now: () => current, set: (next) => { current = new Date(next); }};
}

describe("token tax", () => {
    it("counts tokens per feature today and in total, and prices them per million", () => {
        const storage = new MemoryStorage();
        const tax = new TokenTax(storage, {now: clockAt("2026-12-02T10:00:00").now});
        tax.record("completion", 1500);
        tax.record("chat", 250_000);
        tax.record("refactor", 8500);
        tax.record("languageModel", 40_000);
        const summary = tax.summary(3);
        assert.equal(summary.todayTokens, 300_000);
        assert.equal(summary.totalTokens, 300_000);
        assert.equal(summary.todayCost, 0.9);
        assert.deepEqual(summary.byFeature.today, {completion: 1500, chat: 250_000, refactor: 8500, languageModel: 40_000});
        assert.equal(summary.since, "2026-12-02");
        assert.match(summary.text, /300K today \(\$0\.90\), 300K in total \(\$0\.90\) at \$3\.00 per million/);
    });

    it("starts a new day at local midnight and keeps the total", () => {
        const clock = clockAt("2026-12-01T23:59:00");
        const tax = new TokenTax(new MemoryStorage(), {now: clock.now});
        tax.record("completion", 1000);
        clock.set("2026-12-02T00:01:00");
        assert.equal(tax.summary(1).todayTokens, 0, "yesterday's tokens are not today's");
        tax.record("chat", 200);
        const summary = tax.summary(1);
        assert.equal(summary.todayTokens, 200);
        assert.equal(summary.totalTokens, 1200);
        assert.equal(summary.since, "2026-12-01");
    });

    it("persists through its storage: a new instance (a reload, another window) sees and adds to the same counts", () => {
        const storage = new MemoryStorage();
        const clock = clockAt("2026-12-02T09:00:00");
        const one = new TokenTax(storage, {now: clock.now});
        const two = new TokenTax(storage, {now: clock.now});
        one.record("completion", 100);
        two.record("completion", 50);
        one.record("chat", 10);
        assert.equal(new TokenTax(storage, {now: clock.now}).summary(0).totalTokens, 160);
        assert.equal(storage.writes, 3);
    });

    it("ignores counts that are not counts, and reads damaged storage as far as it is sound", () => {
        const storage = new MemoryStorage();
        const clock = clockAt("2026-12-02T09:00:00");
        const tax = new TokenTax(storage, {now: clock.now});
        tax.record("chat", 0);
        tax.record("chat", -5);
        tax.record("chat", Number.NaN);
        tax.record("bogus" as never, 10);
        assert.equal(storage.writes, 0);
        storage.value = {day: "2026-12-02", today: {chat: "many", completion: 7}, total: {completion: 70, refactor: -3}};
        const summary = tax.summary(2);
        assert.equal(summary.todayTokens, 7);
        assert.equal(summary.totalTokens, 70);
        storage.value = "garbage";
        assert.equal(tax.summary(2).totalTokens, 0);
        assert.equal(tax.summary(Number.NaN).pricePerMillionTokens, 0);
    });

    it("tells listeners after each record, and survives a storage that fails", async () => {
        const errors: unknown[] = [];
        const storage: TokenTaxStorage = {read: () => undefined, write: () => Promise.reject(new Error("disk full"))};
        const tax = new TokenTax(storage, {onWriteError: (error) => errors.push(error)});
        let changes = 0;
        const stop = tax.onChange(() => changes++);
        tax.record("completion", 5);
        stop();
        tax.record("completion", 5);
        assert.equal(changes, 1);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(errors.length, 2);
    });

    it("formats token counts and costs for a footer", () => {
        assert.equal(formatTokens(0), "0");
        assert.equal(formatTokens(950), "950");
        assert.equal(formatTokens(12_345), "12.3K");
        assert.equal(formatTokens(999_950), "1M");
        assert.equal(formatTokens(4_560_000), "4.56M");
        assert.equal(formatTokens(1_200_000_000), "1.2B");
        assert.equal(formatCost(0), "$0.00");
        assert.equal(formatCost(0.004), "<$0.01");
        assert.equal(formatCost(3.456), "$3.46");
        assert.equal(dayKey(new Date(2026, 0, 5, 23, 30)), "2026-01-05");
    });
});

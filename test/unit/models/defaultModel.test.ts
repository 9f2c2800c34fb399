import assert from "node:assert/strict";
import {defaultEntryForSize, gemmaSizesAscending} from "../../../src/runtime/models/catalog";
import {CPU_MAX_ACTIVE_PARAMS_B, chooseDefaultModel, ramBudgetBytes, vramBudgetBytes, type MachineMemory} from "../../../src/runtime/models/defaultModel";

const GiB = 1024 ** 3;

describe("models/defaultModel", () => {
    const cases: [string, MachineMemory, string, "gpu" | "cpu"][] = [
        ["4 GiB laptop, no GPU", {totalRamBytes: 4 * GiB, freeRamBytes: 2 * GiB}, "e2b", "cpu"],
        ["8 GiB laptop, no GPU", {totalRamBytes: 8 * GiB, freeRamBytes: 6 * GiB}, "e2b", "cpu"],
        ["16 GiB desktop, no GPU: 12B would fit but is too slow on a CPU", {totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB}, "e4b", "cpu"],
        ["16 GiB desktop, busy", {totalRamBytes: 16 * GiB, freeRamBytes: 7 * GiB}, "e4b", "cpu"],
        ["32 GiB workstation, no GPU: the 4B-active MoE, not dense 31B", {totalRamBytes: 32 * GiB, freeRamBytes: 28 * GiB}, "26b-a4b", "cpu"],
        ["8 GiB GPU beside 64 GiB RAM", {totalRamBytes: 64 * GiB, freeRamBytes: 60 * GiB, totalVramBytes: 8 * GiB, freeVramBytes: 7.5 * GiB}, "e4b", "gpu"],
        ["12 GiB GPU", {totalRamBytes: 32 * GiB, freeRamBytes: 20 * GiB, totalVramBytes: 12 * GiB, freeVramBytes: 11.5 * GiB}, "12b", "gpu"],
        ["24 GiB GPU", {totalRamBytes: 32 * GiB, freeRamBytes: 20 * GiB, totalVramBytes: 24 * GiB, freeVramBytes: 23.5 * GiB}, "31b", "gpu"],
        ["2 GiB GPU, too small for any: RAM decides", {totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB, totalVramBytes: 2 * GiB, freeVramBytes: 1.8 * GiB}, "e4b", "cpu"],
        ["16 GiB Apple silicon (unified)", {totalRamBytes: 16 * GiB, freeRamBytes: 10 * GiB, totalVramBytes: 12 * GiB, freeVramBytes: 11 * GiB, unifiedMemory: true}, "12b", "gpu"],
        ["8 GiB Apple silicon (unified)", {totalRamBytes: 8 * GiB, freeRamBytes: 5 * GiB, totalVramBytes: 5.3 * GiB, freeVramBytes: 5.3 * GiB, unifiedMemory: true}, "e2b", "gpu"]
    ];
    for (const [title, memory, size, placement] of cases) {
        it(`${title} → ${size} on ${placement}`, () => {
            const choice = chooseDefaultModel(memory);
            assert.equal(choice.model.size, size, choice.reason);
            assert.equal(choice.placement, placement);
            assert.equal(choice.model.id, defaultEntryForSize(choice.model.size).id);
            assert.ok(choice.reason.includes(choice.model.displayName));
        });
    }

    it("always picks the largest size within the budget it used, over many machines", () => {
        for (let ram = 2; ram <= 128; ram += 2) {
            for (const vram of [0, 4, 6, 8, 10, 12, 16, 20, 24, 48]) {
                const memory: MachineMemory = {totalRamBytes: ram * GiB, freeRamBytes: ram * 0.8 * GiB, totalVramBytes: vram * GiB, freeVramBytes: vram * 0.95 * GiB};
                const choice = chooseDefaultModel(memory);
                const budget = choice.placement === "gpu" ? vramBudgetBytes(memory) : ramBudgetBytes(memory);
                const fitting = gemmaSizesAscending.map(defaultEntryForSize).filter((entry) => entry.ramBytes <= budget
                    && (choice.placement === "gpu" || entry.activeParamsB <= CPU_MAX_ACTIVE_PARAMS_B));
                if (fitting.length === 0) {
                    assert.equal(choice.model.size, "e2b", `${ram}/${vram}: fallback`);
                } else {
                    assert.equal(choice.model.id, fitting.at(-1)!.id, `${ram} GiB RAM, ${vram} GiB VRAM`);
                }
                if (choice.placement === "cpu") {
                    const onGpu = gemmaSizesAscending.map(defaultEntryForSize).filter((entry) => entry.ramBytes <= vramBudgetBytes(memory));
                    assert.equal(onGpu.length, 0, "a model fit the GPU but the choice runs on CPU");
                }
            }
        }
    });

    it("keeps headroom: never more than three quarters of RAM, nor more than is free", () => {
        assert.equal(ramBudgetBytes({totalRamBytes: 32 * GiB, freeRamBytes: 32 * GiB}), 24 * GiB);
        assert.equal(ramBudgetBytes({totalRamBytes: 32 * GiB, freeRamBytes: 10 * GiB}), 10 * GiB);
        assert.equal(ramBudgetBytes({totalRamBytes: 8 * GiB, freeRamBytes: 8 * GiB}), 5 * GiB);
        assert.equal(vramBudgetBytes({totalRamBytes: 8 * GiB, freeRamBytes: 8 * GiB}), 0);
        assert.equal(vramBudgetBytes({totalRamBytes: 8 * GiB, freeRamBytes: 8 * GiB, totalVramBytes: 24 * GiB, freeVramBytes: 20 * GiB}), 20 * GiB - 2.4 * GiB);
    });
});

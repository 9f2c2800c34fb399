// Chooses the Gemma 4 size this machine should run by default. Pure: the caller measures memory
// (os.totalmem/os.freemem, node-llama-cpp's `llama.getVramState()`) and passes plain numbers.
import {type CatalogModel, defaultEntryForSize, gemmaSizesAscending} from "./catalog";

export interface MachineMemory {
    totalRamBytes: number;
    /** Memory available to new processes now (Linux MemAvailable; os.freemem()). */
    freeRamBytes: number;
    /** From `llama.getVramState()`; absent or 0 when there is no usable GPU. */
    totalVramBytes?: number;
    freeVramBytes?: number;
    /** Apple silicon and other unified-memory machines: VRAM and RAM are the same memory. */
    unifiedMemory?: boolean;
}

export interface DefaultChoice {
    model: CatalogModel;
    /** Where it will run, judged from memory alone. */
    placement: "gpu" | "cpu";
    /** One sentence for the UI: why this one. */
    reason: string;
}

const GIB = 1024 ** 3;

/** RAM left for the OS, VS Code and the user's other programs. */
export function ramBudgetBytes(memory: MachineMemory): number {
    const headroom = Math.max(3 * GIB, 0.25 * memory.totalRamBytes);
    return Math.max(0, Math.min(memory.totalRamBytes - headroom, memory.freeRamBytes));
}

/** VRAM a model may fill: a tenth (at least 512 MiB) stays free for the display and the driver. */
export function vramBudgetBytes(memory: MachineMemory): number {
    const free = memory.freeVramBytes ?? 0;
    if ((memory.totalVramBytes ?? 0) <= 0 || free <= 0) return 0;
    const headroom = Math.max(0.5 * GIB, 0.1 * (memory.totalVramBytes ?? 0));
    const budget = free - headroom;
    // On unified memory the GPU's share also comes out of RAM.
    return Math.max(0, memory.unifiedMemory === true ? Math.min(budget, ramBudgetBytes(memory)) : budget);
}

/**
 * On a CPU, decoding speed follows the bytes read per token, i.e. the parameters active per token: past about
 * 4B active (E4B, or the 26B A4B mixture of experts) completions come too slowly to type with.
 */
export const CPU_MAX_ACTIVE_PARAMS_B = 4;

/**
 * The largest size (at the recommended quantisation) that fits with headroom: entirely in VRAM when a GPU
 * can hold one, since that is where it is fast; otherwise in RAM, among the sizes a CPU runs at typing speed.
 * Falls back to E2B when nothing fits.
 */
export function chooseDefaultModel(memory: MachineMemory): DefaultChoice {
    const candidates = gemmaSizesAscending.map(defaultEntryForSize);
    const largestWithin = (budget: number, pool = candidates): CatalogModel | undefined =>
        pool.filter((entry) => entry.ramBytes <= budget).at(-1);

    const vram = vramBudgetBytes(memory);
    const onGpu = largestWithin(vram);
    if (onGpu !== undefined) {
        return {model: onGpu, placement: "gpu", reason: `${onGpu.displayName} fits in ${formatGib(vram)} of free GPU memory.`};
    }
    const ram = ramBudgetBytes(memory);
    const onCpu = largestWithin(ram, candidates.filter((entry) => entry.activeParamsB <= CPU_MAX_ACTIVE_PARAMS_B));
    if (onCpu !== undefined) {
        return {
            model: onCpu,
            placement: "cpu",
            reason: `${onCpu.displayName} fits in ${formatGib(ram)} of free memory and runs at typing speed without a GPU ` +
                `(larger models with more than ${CPU_MAX_ACTIVE_PARAMS_B}B active parameters are too slow on a CPU).`
        };
    }
    const smallest = candidates[0];
    return {
        model: smallest,
        placement: "cpu",
        reason: `Memory is tight (${formatGib(ram)} free to use); ${smallest.displayName} is the smallest Gemma 4.`
    };
}

function formatGib(bytes: number): string {
    return `${(bytes / GIB).toFixed(1)} GiB`;
}

// How the embedded engine sizes itself when the settings leave it to the runtime (0 = choose).
import type {Llama, LlamaModel} from "node-llama-cpp";

/**
 * Models below this size decode fastest on one thread: each token is so little work that waking and syncing
 * more threads costs more than it saves (measured on the generated test models). Real models use every core
 * that is good for math.
 */
export const SINGLE_THREAD_MODEL_BYTES = 256 * 1024 * 1024;

export function chooseThreads(requested: number, model: LlamaModel, llama: Llama): number {
    if (requested > 0) return Math.floor(requested);
    if (model.size < SINGLE_THREAD_MODEL_BYTES) return 1;
    return Math.max(1, llama.cpuMathCores);
}

/** Largest context we ask for by default: enough for a packed chat prompt and its answer, bounded for memory. */
const DEFAULT_MAX_CONTEXT = 32768;
const MIN_CONTEXT = 2048;

/**
 * A fixed size when the settings give one (never above what the model was trained on); otherwise as large as
 * the model allows up to DEFAULT_MAX_CONTEXT, and node-llama-cpp shrinks it to what fits in memory.
 */
export function chooseContextSize(requested: number, model: LlamaModel): number | {min: number, max: number} {
    const train = model.trainContextSize > 0 ? model.trainContextSize : DEFAULT_MAX_CONTEXT;
    if (requested > 0) return Math.min(Math.floor(requested), train);
    return {min: Math.min(train, MIN_CONTEXT), max: Math.min(train, DEFAULT_MAX_CONTEXT)};
}

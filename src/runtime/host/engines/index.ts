// Builds the engine for a load request: every model file is checked from its GGUF header first (the native
// library aborts the process on some malformed files), then the engine is chosen and started with that verdict:
// validate.ts is the only judge of model files, and the engines read no header of their own.
import {validateModelFiles} from "../../models/validate";
import {findLlamaServerBinary} from "../../llamaServerBinary";
import {chooseEngine} from "./chooseEngine";
import {createEmbeddedEngine} from "./embedded";
import {createLlamaServerEngine} from "./llamaServer";
import {createOpenAiCompatibleEngine} from "./openaiCompatible";
import type {EngineFactory} from "./types";

export const createEngine: EngineFactory = async (params, log, signal, onProgress) => {
    // A remote endpoint has no local file to check.
    const checked = params.engine === "openaiCompatible" ? undefined : validateModelFiles(params);
    const choice = chooseEngine(params, checked, findLlamaServerBinary(params.llamaServerPath || undefined));
    if (choice.note !== undefined) log("info", choice.note);
    if (choice.engine === "openaiCompatible" || choice.checked === undefined) return createOpenAiCompatibleEngine(choice.params, log, signal);
    if (choice.engine === "llamaServer") return createLlamaServerEngine(choice.params, log, signal, choice.checked);
    return createEmbeddedEngine(choice.params, log, signal, choice.checked, onProgress);
};

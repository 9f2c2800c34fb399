// Builds the engine for a load request: every model file is checked from its GGUF header first (the native
// library aborts the process on some malformed files), then the engine is chosen and started.
import type {EngineName} from "../../protocol";
import {validateModelFiles} from "../../models/validate";
import {findLlamaServerBinary} from "../../llamaServerBinary";
import {chooseEngine} from "./chooseEngine";
import {createEmbeddedEngine} from "./embedded";
import {createLlamaServerEngine} from "./llamaServer";
import {createOpenAiCompatibleEngine} from "./openaiCompatible";
import type {EngineFactory} from "./types";

const factories: Record<EngineName, EngineFactory> = {
    embedded: createEmbeddedEngine,
    llamaServer: createLlamaServerEngine,
    openaiCompatible: createOpenAiCompatibleEngine
};

export const createEngine: EngineFactory = async (params, log) => {
    // A remote endpoint has no local file to check.
    const checked = params.engine === "openaiCompatible" ? undefined : validateModelFiles(params);
    const choice = chooseEngine(params, checked, findLlamaServerBinary(params.llamaServerPath || undefined));
    if (choice.note !== undefined) log("info", choice.note);
    return factories[choice.engine](choice.params, log);
};

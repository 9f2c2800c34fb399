// Which engine serves a load request. "The runtime picks MTP when a drafter and the server are available,
// else the best embedded drafter": a gemma4-assistant drafter can only run inside llama.cpp's own speculative
// loop, so with one configured and llama-server present, the embedded setting hands over to the server.
import {RuntimeError, type EngineName, type LoadParams} from "../../protocol";
import type {ValidatedModels} from "../../models/validate";
import type {LlamaServerBinary} from "../../llamaServerBinary";

export interface EngineChoice {
    engine: EngineName;
    /** The load parameters the chosen engine gets (a drafter it cannot use is dropped). */
    params: LoadParams;
    /** Why the choice differs from what the settings asked for, for the log. */
    note?: string;
}

export function chooseEngine(params: LoadParams, checked: ValidatedModels | undefined, server: LlamaServerBinary): EngineChoice {
    if (params.engine !== "embedded" || checked?.drafter?.kind !== "mtp") return {engine: params.engine, params};
    if (server.found) return {engine: "llamaServer", params, note: `MTP drafter ${checked.drafter.path}: running on llama-server (${server.path})`};
    if (params.drafterMode === "mtp")
        throw new RuntimeError("engineFailed", `The MTP drafter needs llama.cpp's server, which was not found: ${server.reason}`);
    const {drafterPath: _mtpOnly, ...withoutDrafter} = params;
    return {
        engine: "embedded",
        params: {...withoutDrafter, drafterMode: "promptLookup"},
        note: `MTP drafter ${checked.drafter.path} needs llama-server, which was not found (${server.reason}); using prompt lookup instead`
    };
}

// Which engine serves a load request. "The runtime picks MTP when a drafter and the server are available,
// else the best embedded drafter": a gemma4-assistant drafter can only run inside llama.cpp's own speculative
// loop, so with one configured and llama-server present, the embedded setting hands over to the server.
import type {EngineKind} from "../../../config";
import {RuntimeError, type LoadParams} from "../../protocol";
import type {ValidatedModels} from "../../models/validate";
import type {LlamaServerBinary} from "../../llamaServerBinary";

export interface EngineChoice {
    engine: EngineKind;
    /** The load parameters the chosen engine gets (a drafter it cannot use is dropped). */
    params: LoadParams;
    /** validate.ts's verdict on `params`, for the engine (without the drafter when it was dropped); none for an endpoint. */
    checked: ValidatedModels | undefined;
    /** Why the choice differs from what the settings asked for, for the log. */
    note?: string;
}

export function chooseEngine(params: LoadParams, checked: ValidatedModels | undefined, server: LlamaServerBinary): EngineChoice {
    if (params.engine !== "embedded" || checked?.drafter?.kind !== "mtp") return {engine: params.engine, params, checked};
    if (server.found) return {engine: "llamaServer", params, checked, note: `MTP drafter ${checked.drafter.path}: running on llama-server (${server.path})`};
    if (params.drafterMode === "mtp")
        throw new RuntimeError("engineFailed", `The MTP drafter needs llama.cpp's server, which was not found: ${server.reason}`);
    const {drafterPath: _mtpOnly, ...withoutDrafter} = params;
    return {
        engine: "embedded",
        params: {...withoutDrafter, drafterMode: "promptLookup"},
        checked: {model: checked.model},
        note: `MTP drafter ${checked.drafter.path} needs llama-server, which was not found (${server.reason}); using prompt lookup instead`
    };
}

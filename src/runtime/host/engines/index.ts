// Picks and builds the engine for a load request. (Interim: engines are being added.)
import {RuntimeError, type LoadParams} from "../../protocol";
import type {Engine} from "./types";

export async function createEngine(params: LoadParams): Promise<Engine> {
    throw new RuntimeError("engineFailed", `The ${params.engine} engine is not available in this build.`);
}

// Settings → the LoadParams the runtime client sends, or a plain "missing" sentence when there is nothing to
// load yet. Looks on disk (discovery) only when the settings and Hearth's download folder do not settle it,
// and remembers what it found for a while, so a settings change does not rescan the machine.
import os from "node:os";
import type {HearthConfig} from "../../config";
import {checkEndpointUrl} from "../endpointPolicy";
import type {LoadParams} from "../protocol";
import type {MachineMemory} from "./defaultModel";
import type {DiscoveredModel, DiscoverOptions} from "./discovery";
import {discoverModelsOffThread} from "./discoveryThread";
import {resolveModelFiles, type ResolvedModel} from "./resolve";
import {defaultDownloadDirectory, defaultSearchRoots, expandHome} from "./searchRoots";
import {settingPathProblems} from "./settingPaths";

export interface LoadResolverOptions {
    homeDir?: string;
    env?: Readonly<Record<string, string | undefined>>;
    platform?: NodeJS.Platform;
    /** Machine memory; defaults to os.totalmem/os.freemem (no GPU figures). */
    memory?: () => MachineMemory | Promise<MachineMemory>;
    /** How long discovery results are reused, in milliseconds. */
    discoveryTtlMs?: number;
    /** How to look on disk; default: discoverModelsOffThread (header reads off the caller's thread). */
    discover?: (options: DiscoverOptions) => Promise<DiscoveredModel[]>;
}

/** `problem`: the settings themselves are wrong (not just "no model yet"), so the user should be told. */
export type LoadResolution = LoadParams | {missing: string, problem?: true};

export function createLoadResolver(options: LoadResolverOptions = {}): (config: HearthConfig) => Promise<LoadResolution> {
    const homeDir = options.homeDir ?? os.homedir();
    const env = options.env ?? process.env;
    const platform = options.platform ?? process.platform;
    const ttl = options.discoveryTtlMs ?? 60_000;
    let cached: {at: number, key: string, models: Promise<DiscoveredModel[]>} | undefined;

    const discover = options.discover ?? discoverModelsOffThread;
    const discovered = (config: HearthConfig): Promise<DiscoveredModel[]> => {
        const downloadDirectory = defaultDownloadDirectory(config.model.downloadDirectory, homeDir, platform);
        if (cached === undefined || cached.key !== downloadDirectory || Date.now() - cached.at > ttl) {
            const models = discover({roots: defaultSearchRoots({env, platform, homeDir, downloadDirectory})}).catch(() => []);
            cached = {at: Date.now(), key: downloadDirectory, models};
        }
        return cached.models;
    };

    return async (config) => {
        if (config.engine === "openaiCompatible") return remoteParams(config);
        const pathProblems = settingPathProblems(config, platform);
        if (pathProblems.length > 0) return {missing: pathProblems.join(" "), problem: true};
        const memory = await (options.memory?.() ?? {totalRamBytes: os.totalmem(), freeRamBytes: os.freemem()});
        let resolved = resolveModelFiles({config, found: [], memory, homeDir});
        if (needsDiscovery(resolved, config)) resolved = resolveModelFiles({config, found: await discovered(config), memory, homeDir});
        if (resolved.state === "noModel") return {missing: resolved.message};
        if (resolved.state === "remote") return remoteParams(config);
        return {
            engine: config.engine,
            modelPath: resolved.modelPath,
            ...(resolved.drafterPath !== undefined ? {drafterPath: resolved.drafterPath} : {}),
            drafterMode: config.drafter.mode,
            maxDraftTokens: config.drafter.maxDraftTokens,
            contextSize: config.runtime.contextSize,
            gpu: config.runtime.gpu,
            threads: config.runtime.threads,
            ...(config.llamaServer.path.trim() !== "" ? {llamaServerPath: expandHome(config.llamaServer.path.trim(), homeDir, platform)} : {})
        };
    };
}

/** Discovery can still help when no model was found, or a drafter is wanted but none was named or found. */
function needsDiscovery(resolved: ResolvedModel, config: HearthConfig): boolean {
    if (resolved.state === "noModel") return true;
    if (resolved.state !== "ready") return false;
    const wantsDrafterFile = config.drafter.mode === "auto" || config.drafter.mode === "mtp" || config.drafter.mode === "draftModel";
    return wantsDrafterFile && resolved.drafterPath === undefined;
}

function remoteParams(config: HearthConfig): LoadResolution {
    if (config.endpoint.url.trim() === "") {
        return {missing: `hearth.engine is "openaiCompatible" but hearth.endpoint.url is empty: set the endpoint's URL, or choose another engine.`};
    }
    const endpoint = checkEndpointUrl(config.endpoint.url);
    if (!endpoint.ok) return {missing: endpoint.reason, problem: true};
    return {
        engine: "openaiCompatible",
        modelPath: "",
        drafterMode: config.drafter.mode,
        maxDraftTokens: config.drafter.maxDraftTokens,
        contextSize: config.runtime.contextSize,
        gpu: config.runtime.gpu,
        threads: config.runtime.threads,
        endpoint: {url: config.endpoint.url.trim(), model: config.endpoint.model.trim()}
    };
}

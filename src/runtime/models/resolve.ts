// From Hearth's settings to the absolute files the runtime should load: `hearth.model.path` wins, then the
// catalog id (or `auto`: the default for this machine's memory), found in Hearth's download folder or among
// the models discovered on disk. The drafter follows `hearth.drafter.*`. When nothing usable is on disk the
// answer says so plainly, so the UI can offer "Hearth: Select Model…" instead of failing a load.
import fs from "node:fs";
import path from "node:path";
import type {HearthConfig} from "../../config";
import {type CatalogFile, type CatalogModel, catalogEntryForFileName, draftModelFor, findCatalogModel, mtpDrafterFor} from "./catalog";
import {chooseDefaultModel, ramBudgetBytes, vramBudgetBytes, type MachineMemory} from "./defaultModel";
import {draftersFor, usableMainModels, type DiscoveredModel} from "./discovery";
import {defaultDownloadDirectory, expandHome} from "./searchRoots";

export interface ResolveInput {
    config: Pick<HearthConfig, "model" | "drafter" | "engine">;
    /** Results of discoverModels (may be empty when discovery has not run). */
    found: readonly DiscoveredModel[];
    memory: MachineMemory;
    homeDir: string;
}

/** Drafter files found for the model, by kind; the chosen one is also in drafterPath. */
export interface DrafterCandidates {
    mtp?: string;
    draftModel?: string;
}

export type ResolvedModel =
    | {
        state: "ready";
        modelPath: string;
        drafterPath?: string;
        drafters: DrafterCandidates;
        /** The catalog entry the model file is, when it is one. */
        catalogId?: string;
        /** For the log and status bar: which file and why. */
        description: string;
    }
    | {
        state: "noModel";
        /** A plain sentence naming what is missing and what to do. */
        message: string;
        /** The catalog entry Hearth would download. */
        suggestedId?: string;
    }
    /** The openaiCompatible engine serves its own model; no file is loaded here. */
    | {state: "remote"};

const SELECT_MODEL = `run "Hearth: Select Model…"`;

export function resolveModelFiles(input: ResolveInput): ResolvedModel {
    const {config, homeDir} = input;
    if (config.engine === "openaiCompatible") return {state: "remote"};
    const downloadDir = defaultDownloadDirectory(config.model.downloadDirectory, homeDir);
    const main = resolveMain(input, downloadDir);
    if (main.state !== "found") return main;
    const drafters = drafterCandidates(main.path, main.entry, input, downloadDir);
    const drafterPath = chooseDrafter(config, drafters, homeDir);
    return {
        state: "ready",
        modelPath: main.path,
        ...(drafterPath !== undefined ? {drafterPath} : {}),
        drafters,
        ...(main.entry !== undefined ? {catalogId: main.entry.id} : {}),
        description: main.description
    };
}

type MainResult = {state: "found", path: string, entry?: CatalogModel, description: string} | Extract<ResolvedModel, {state: "noModel"}>;

function resolveMain(input: ResolveInput, downloadDir: string): MainResult {
    const {config, found, memory, homeDir} = input;
    if (config.model.path.trim() !== "") {
        const modelPath = expandHome(config.model.path.trim(), homeDir);
        const entry = catalogEntryOf(modelPath);
        return {state: "found", path: modelPath, entry, description: `${modelPath} (hearth.model.path)`};
    }
    const id = config.model.id.trim();
    if (id === "" || id === "auto") {
        const choice = chooseDefaultModel(memory);
        const onDisk = locate(choice.model.file, downloadDir, found);
        if (onDisk !== undefined) {
            return {state: "found", path: onDisk, entry: choice.model, description: `${choice.model.displayName} ${choice.model.quantization} at ${onDisk} (auto: ${choice.reason})`};
        }
        const fallback = bestFoundModel(found, memory);
        if (fallback !== undefined) {
            return {state: "found", path: fallback.path, entry: catalogEntryOf(fallback.path), description: `${fallback.name} at ${fallback.path} (auto: found on disk, ${fallback.source})`};
        }
        return {
            state: "noModel",
            message: `No model yet: ${SELECT_MODEL} to download ${describeEntry(choice.model)}, recommended for this machine, or to pick a GGUF file on disk.`,
            suggestedId: choice.model.id
        };
    }
    const entry = findCatalogModel(id);
    if (entry === undefined) {
        return {state: "noModel", message: `hearth.model.id is "${id}", which is not a model in Hearth's catalog: ${SELECT_MODEL} to choose one.`};
    }
    const onDisk = locate(entry.file, downloadDir, found);
    if (onDisk === undefined) {
        return {
            state: "noModel",
            message: `${describeEntry(entry)} (hearth.model.id "${entry.id}") is not downloaded yet: ${SELECT_MODEL} to download it.`,
            suggestedId: entry.id
        };
    }
    return {state: "found", path: onDisk, entry, description: `${entry.displayName} ${entry.quantization} at ${onDisk}`};
}

function drafterCandidates(modelPath: string, entry: CatalogModel | undefined, input: ResolveInput, downloadDir: string): DrafterCandidates {
    const candidates: DrafterCandidates = {};
    if (entry !== undefined) {
        const mtp = mtpDrafterFor(entry);
        const draft = draftModelFor(entry);
        if (mtp !== undefined) candidates.mtp = locate(mtp.file, downloadDir, input.found);
        if (draft !== undefined) candidates.draftModel = locate(draft.file, downloadDir, input.found);
    }
    // A model found on disk may have drafters beside it that are not catalog files: match them by vocabulary.
    const discovered = input.found.find((m) => samePath(m.path, modelPath));
    if (discovered !== undefined) {
        const others = draftersFor(discovered, input.found).sort((a, b) => a.sizeBytes - b.sizeBytes);
        candidates.mtp ??= others.find((m) => m.role === "mtpDrafter")?.path;
        candidates.draftModel ??= others.find((m) => m.role === "draftCapable")?.path;
    }
    if (candidates.mtp === undefined) delete candidates.mtp;
    if (candidates.draftModel === undefined) delete candidates.draftModel;
    return candidates;
}

/** The drafter file for the mode: an explicit hearth.drafter.path wins; auto prefers what the engine can use. */
function chooseDrafter(config: ResolveInput["config"], drafters: DrafterCandidates, homeDir: string): string | undefined {
    const mode = config.drafter.mode;
    if (mode === "off" || mode === "promptLookup") return undefined;
    if (config.drafter.path.trim() !== "") return expandHome(config.drafter.path.trim(), homeDir);
    if (mode === "mtp") return drafters.mtp;
    if (mode === "draftModel") return drafters.draftModel;
    // auto: MTP drafters run only in llama-server; the embedded engine drafts with a small model.
    return config.engine === "llamaServer" ? drafters.mtp ?? drafters.draftModel : drafters.draftModel ?? drafters.mtp;
}

/** A catalog file on disk: in Hearth's download folder, else wherever discovery found a file of that name. */
function locate(file: CatalogFile, downloadDir: string, found: readonly DiscoveredModel[]): string | undefined {
    const inDownloads = path.join(downloadDir, file.fileName);
    if (isCompleteFile(inDownloads, file)) return inDownloads;
    const wanted = file.fileName.toLowerCase();
    return found.find((m) => m.fileName.toLowerCase() === wanted && m.role !== "unusable")?.path;
}

function isCompleteFile(filePath: string, file: CatalogFile): boolean {
    try {
        const size = fs.statSync(filePath).size;
        // Exact sizes are known for most files; for estimated ones the header check at load decides.
        return file.sizeApproximate ? size > 0 : size === file.sizeBytes;
    } catch {
        return false;
    }
}

/** The largest discovered Gemma 4 main model that fits this machine's memory. */
function bestFoundModel(found: readonly DiscoveredModel[], memory: MachineMemory): DiscoveredModel | undefined {
    const budget = Math.max(ramBudgetBytes(memory), vramBudgetBytes(memory));
    return usableMainModels(found)
        .filter((m) => m.architecture === "gemma4" && m.sizeBytes * 1.15 <= budget)
        .sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
}

function catalogEntryOf(modelPath: string): CatalogModel | undefined {
    const entry = catalogEntryForFileName(path.basename(modelPath));
    return entry !== undefined && "quantization" in entry ? entry : undefined;
}

function describeEntry(entry: CatalogModel): string {
    return `${entry.displayName} ${entry.quantization} (${(entry.file.sizeBytes / 1e9).toFixed(1)} GB)`;
}

function samePath(a: string, b: string): boolean {
    return path.resolve(a) === path.resolve(b);
}

// Downloads a catalog model (and its drafter) with node-llama-cpp's downloader, then checks every file's
// GGUF header before anyone loads it. Never call this without the user's consent: it is Hearth's only
// network access, and the VS Code side asks first (editor/modelPicker.ts). The check runs validate.ts on the
// model-files thread: the caller is the extension host, whose thread must never parse a header.
import fs from "node:fs";
import path from "node:path";
import {RuntimeError} from "../protocol";
import {type CatalogFile, type CatalogModel, draftModelFor, mtpDrafterFor} from "./catalog";
import {checkDrafterAloneOffThread, checkMainModelOffThread, validateModelFilesOffThread} from "./discoveryThread";

export interface DownloadProgress {
    downloadedBytes: number;
    totalBytes: number;
}

export type DrafterDownload = "mtp" | "draftModel" | "none";

/** What one download fetches: the model file, a drafter file, or both. */
export interface DownloadPlan {
    /** For messages: "Gemma 4 E4B Q4_K_M". */
    label: string;
    /** Absent when the model is already on disk and only its drafter is fetched. */
    model?: CatalogFile;
    drafter?: {kind: "mtp" | "draftModel", file: CatalogFile};
}

export interface DownloadRequest {
    plan: DownloadPlan;
    /** The folder the files go to (created when missing). */
    directory: string;
    onProgress?: (progress: DownloadProgress) => void;
    /** Aborting cancels the download and deletes its partial files. */
    signal?: AbortSignal;
    /** Where `hf:` URIs resolve; defaults to node-llama-cpp's (https://huggingface.co/, or HF_ENDPOINT). */
    huggingFaceEndpoint?: string;
    /** The main model already on disk, to check a drafter-only download against. */
    existingModelPath?: string;
}

export interface DownloadResult {
    modelPath?: string;
    drafterPath?: string;
}

/** The files for a catalog model and the drafter kind asked for (none when the model has no such drafter). */
export function downloadPlan(model: CatalogModel, drafter: DrafterDownload): DownloadPlan {
    const drafterFile = drafter === "mtp" ? mtpDrafterFor(model)?.file : drafter === "draftModel" ? draftModelFor(model)?.file : undefined;
    return {
        label: `${model.displayName} ${model.quantization}`,
        model: model.file,
        ...(drafterFile !== undefined && drafter !== "none" ? {drafter: {kind: drafter, file: drafterFile}} : {})
    };
}

export function planFiles(plan: DownloadPlan): CatalogFile[] {
    return [plan.model, plan.drafter?.file].filter((file): file is CatalogFile => file !== undefined);
}

export function planBytes(plan: DownloadPlan): number {
    return planFiles(plan).reduce((sum, file) => sum + file.sizeBytes, 0);
}

/** Files of the plan not yet complete in `directory` (a file of the catalog's exact size counts as present). */
export function missingFiles(plan: DownloadPlan, directory: string): CatalogFile[] {
    return planFiles(plan).filter((file) => {
        try {
            const size = fs.statSync(path.join(directory, file.fileName)).size;
            return file.sizeApproximate ? size === 0 : size !== file.sizeBytes;
        } catch {
            return true;
        }
    });
}

export async function downloadModelFiles(request: DownloadRequest): Promise<DownloadResult> {
    const plan = request.plan;
    const files = planFiles(plan);
    if (files.length === 0) throw new Error(`Nothing to download for ${plan.label}.`);
    fs.mkdirSync(request.directory, {recursive: true});
    // node-llama-cpp is ESM-only and heavy: load it only when a download actually starts.
    const {createModelDownloader, combineModelDownloaders} = await import("node-llama-cpp");
    const endpoints = request.huggingFaceEndpoint !== undefined ? {huggingFace: request.huggingFaceEndpoint} : undefined;
    const report = (totalSize: number, downloadedSize: number) =>
        request.onProgress?.({downloadedBytes: downloadedSize, totalBytes: totalSize});
    const downloaders = await Promise.all(files.map((file) => createModelDownloader({
        modelUri: file.uri,
        dirPath: request.directory,
        fileName: file.fileName,
        // A complete file of the remote's size is kept; a partial one from an interrupted run is resumed.
        skipExisting: true,
        deleteTempFileOnCancel: true,
        parallelDownloads: 4,
        ...(endpoints !== undefined ? {endpoints} : {}),
        ...(files.length === 1 ? {onProgress: ({totalSize, downloadedSize}) => report(totalSize, downloadedSize)} : {})
    })));
    const cancelled = async () => {
        // The downloader starts deleting partial files on abort without waiting (and may even resolve); wait here.
        await Promise.allSettled(downloaders.map((downloader) => downloader.cancel({deleteTempFile: true})));
        return new RuntimeError("cancelled", `Download of ${plan.label} cancelled.`);
    };
    let paths: string[];
    try {
        if (downloaders.length === 1) {
            paths = [await downloaders[0].download({signal: request.signal})];
        } else {
            const combined = await combineModelDownloaders(downloaders, {
                parallelDownloads: 2,
                onProgress: ({totalSize, downloadedSize}) => report(totalSize, downloadedSize)
            });
            paths = await combined.download({signal: request.signal});
        }
    } catch (error) {
        if (request.signal?.aborted) throw await cancelled();
        throw new Error(`Downloading ${plan.label} (${files.map((file) => file.uri).join(", ")}) failed: ${(error as Error).message}`);
    }
    if (request.signal?.aborted) throw await cancelled();
    const modelPath = plan.model !== undefined ? paths[0] : undefined;
    const drafterPath = plan.drafter !== undefined ? paths.at(-1) : undefined;
    await verifyDownloaded(modelPath ?? request.existingModelPath, drafterPath, plan.drafter?.kind);
    return {...(modelPath !== undefined ? {modelPath} : {}), ...(drafterPath !== undefined ? {drafterPath} : {})};
}

/** Header checks on what arrived; a file that fails is deleted (so a retry downloads it again) and named. */
async function verifyDownloaded(modelPath: string | undefined, drafterPath: string | undefined, drafterKind: "mtp" | "draftModel" | undefined): Promise<void> {
    try {
        if (drafterPath !== undefined && drafterKind !== undefined) {
            if (modelPath !== undefined) await validateModelFilesOffThread({modelPath, drafterPath, drafterMode: drafterKind});
            else await checkDrafterAloneOffThread(drafterPath, drafterKind);
        } else if (modelPath !== undefined) {
            await checkMainModelOffThread(modelPath);
        }
    } catch (error) {
        if (error instanceof RuntimeError && error.path !== undefined) {
            fs.rmSync(error.path, {force: true});
            throw new RuntimeError("badModel", `${error.message} The downloaded file was deleted; try the download again.`, error.path);
        }
        throw error;
    }
}

// Downloads a catalog model (and its drafter) with node-llama-cpp's downloader, then checks every file's
// GGUF header before anyone loads it. Never call this without the user's consent: it is Hearth's only
// network access, and the VS Code side asks first (ui/modelPicker.ts).
import fs from "node:fs";
import path from "node:path";
import {RuntimeError} from "../protocol";
import {type CatalogFile, type CatalogModel, draftModelFor, mtpDrafterFor} from "./catalog";
import {checkMainModel, validateModelFiles} from "./validate";

export interface DownloadProgress {
    downloadedBytes: number;
    totalBytes: number;
}

export type DrafterDownload = "mtp" | "draftModel" | "none";

export interface DownloadRequest {
    model: CatalogModel;
    /** Which drafter to fetch beside the model: its MTP assistant, its draft model, or none. */
    drafter: DrafterDownload;
    /** The folder the files go to (created when missing). */
    directory: string;
    onProgress?: (progress: DownloadProgress) => void;
    /** Aborting cancels the download and deletes its partial files. */
    signal?: AbortSignal;
    /** Where `hf:` URIs resolve; defaults to node-llama-cpp's (https://huggingface.co/, or HF_ENDPOINT). */
    huggingFaceEndpoint?: string;
}

export interface DownloadResult {
    modelPath: string;
    drafterPath?: string;
}

export interface DownloadItem {
    role: "model" | "drafter";
    file: CatalogFile;
}

/** The files a request will fetch, so the UI can name their total size before asking. */
export function downloadPlan(model: CatalogModel, drafter: DrafterDownload): DownloadItem[] {
    const items: DownloadItem[] = [{role: "model", file: model.file}];
    const drafterFile = drafter === "mtp" ? mtpDrafterFor(model)?.file : drafter === "draftModel" ? draftModelFor(model)?.file : undefined;
    if (drafterFile !== undefined) items.push({role: "drafter", file: drafterFile});
    return items;
}

/** Files of the plan not yet complete in `directory` (a file of the catalog's exact size counts as present). */
export function missingFiles(plan: readonly DownloadItem[], directory: string): DownloadItem[] {
    return plan.filter((item) => {
        try {
            const size = fs.statSync(path.join(directory, item.file.fileName)).size;
            return item.file.sizeApproximate ? size === 0 : size !== item.file.sizeBytes;
        } catch {
            return true;
        }
    });
}

export async function downloadCatalogModel(request: DownloadRequest): Promise<DownloadResult> {
    const plan = downloadPlan(request.model, request.drafter);
    fs.mkdirSync(request.directory, {recursive: true});
    // node-llama-cpp is ESM-only and heavy: load it only when a download actually starts.
    const {createModelDownloader, combineModelDownloaders} = await import("node-llama-cpp");
    const endpoints = request.huggingFaceEndpoint !== undefined ? {huggingFace: request.huggingFaceEndpoint} : undefined;
    const report = (totalSize: number, downloadedSize: number) =>
        request.onProgress?.({downloadedBytes: downloadedSize, totalBytes: totalSize});
    const downloaders = await Promise.all(plan.map((item) => createModelDownloader({
        modelUri: item.file.uri,
        dirPath: request.directory,
        fileName: item.file.fileName,
        // A complete file of the remote's size is kept; a partial one from an interrupted run is resumed.
        skipExisting: true,
        deleteTempFileOnCancel: true,
        parallelDownloads: 4,
        ...(endpoints !== undefined ? {endpoints} : {}),
        ...(plan.length === 1 ? {onProgress: ({totalSize, downloadedSize}) => report(totalSize, downloadedSize)} : {})
    })));
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
        if (request.signal?.aborted) throw new RuntimeError("cancelled", `Download of ${request.model.displayName} cancelled.`);
        throw new Error(`Downloading ${request.model.displayName} (${plan.map((item) => item.file.uri).join(", ")}) failed: ${(error as Error).message}`);
    }
    const modelPath = paths[0];
    const drafterPath = paths[1];
    verifyDownloaded(modelPath, drafterPath, request.drafter);
    return {modelPath, ...(drafterPath !== undefined ? {drafterPath} : {})};
}

/** Header checks on what arrived; a file that fails is deleted (so a retry downloads it again) and named. */
function verifyDownloaded(modelPath: string, drafterPath: string | undefined, drafter: DrafterDownload): void {
    try {
        if (drafterPath === undefined) checkMainModel(modelPath);
        else validateModelFiles({modelPath, drafterPath, drafterMode: drafter === "mtp" ? "mtp" : "draftModel"});
    } catch (error) {
        if (error instanceof RuntimeError && error.path !== undefined) {
            fs.rmSync(error.path, {force: true});
            throw new RuntimeError("badModel", `${error.message} The downloaded file was deleted; try the download again.`, error.path);
        }
        throw error;
    }
}

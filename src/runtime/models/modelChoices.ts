// What "Hearth: Select Model…" offers, as plain data: models found on disk, the catalog (recommended one
// marked, "download" where absent), and drafter options for the picked model. No vscode here, so the
// lists and their wording are unit-tested; modelPicker.ts only shows them.
import path from "node:path";
import {type CatalogFile, type CatalogModel, catalogModels, draftModelFor, mtpDrafterFor} from "./catalog";
import {chooseDefaultModel, type MachineMemory} from "./defaultModel";
import {draftersFor, usableMainModels, type DiscoveredModel} from "./discovery";
import {missingFiles, type DownloadPlan} from "./download";
import type {ModelSource} from "./searchRoots";

export interface ChoiceText {
    label: string;
    description?: string;
    detail?: string;
}

export type ModelChoice = ChoiceText & (
    | {kind: "found", model: DiscoveredModel}
    | {kind: "catalog", entry: CatalogModel, recommended: boolean, /** Where it already is, when downloaded. */ presentAt?: string}
    | {kind: "browse"}
);

export type DrafterChoice = ChoiceText & (
    | {kind: "mtp" | "draftModel", /** The file when on disk. */ path?: string, /** The catalog file to download otherwise. */ download?: CatalogFile}
    | {kind: "promptLookup" | "off" | "browse"}
);

const sourceNames: Record<ModelSource, string> = {
    huggingface: "Hugging Face cache",
    ollama: "Ollama",
    lmstudio: "LM Studio",
    hearth: "Hearth downloads",
    "node-llama-cpp": "node-llama-cpp models"
};

export function formatBytes(bytes: number): string {
    if (bytes <= 0) return "0 B";
    if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
    if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
    return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/** "42% · 2.4 of 5.8 GB · 35.1 MB/s" */
export function formatProgress(downloadedBytes: number, totalBytes: number, elapsedMs: number): string {
    const percent = totalBytes > 0 ? Math.floor((100 * downloadedBytes) / totalBytes) : 0;
    const speed = elapsedMs > 0 ? downloadedBytes / 1e6 / (elapsedMs / 1000) : 0;
    return `${percent}% · ${formatBytes(downloadedBytes)} of ${formatBytes(totalBytes)} · ${speed.toFixed(1)} MB/s`;
}

export interface ModelChoicesInput {
    found: readonly DiscoveredModel[];
    memory: MachineMemory;
    downloadDirectory: string;
}

/** Found models first (largest first), then the catalog by size, then "Browse…". */
export function buildModelChoices({found, memory, downloadDirectory}: ModelChoicesInput): ModelChoice[] {
    const recommended = chooseDefaultModel(memory);
    const foundByName = new Map(usableMainModels(found).map((m) => [m.fileName.toLowerCase(), m]));
    const choices: ModelChoice[] = usableMainModels(found)
        .sort((a, b) => b.sizeBytes - a.sizeBytes)
        .map((model) => ({
            kind: "found",
            model,
            label: `$(file) ${model.name}`,
            description: `${formatBytes(model.sizeBytes)} · ${model.architecture ?? "unknown architecture"}`,
            detail: `${sourceNames[model.source]}: ${model.label}`
        }));
    for (const entry of catalogModels) {
        const inDownloads = missingFiles({label: entry.id, model: entry.file}, downloadDirectory).length === 0
            ? path.join(downloadDirectory, entry.file.fileName) : undefined;
        const presentAt = inDownloads ?? foundByName.get(entry.file.fileName.toLowerCase())?.path;
        const isRecommended = entry.id === recommended.model.id;
        choices.push({
            kind: "catalog",
            entry,
            recommended: isRecommended,
            ...(presentAt !== undefined ? {presentAt} : {}),
            label: `${isRecommended ? "$(star-full)" : "$(cloud-download)"} ${entry.displayName} ${entry.quantization}`,
            description: `${formatBytes(entry.file.sizeBytes)}${entry.file.sizeApproximate ? " (approx.)" : ""} · needs ~${formatBytes(entry.ramBytes)} memory`
                + (presentAt !== undefined ? " · on disk" : " · download"),
            detail: isRecommended ? `Recommended for this machine: ${recommended.reason}` : undefined
        });
    }
    choices.push({kind: "browse", label: "$(folder-opened) Browse for a GGUF file…"});
    return choices;
}

/** Drafter options for a picked model: its MTP assistant and draft model (on disk or to download), prompt lookup, off. */
export function buildDrafterChoices(model: ModelChoice, found: readonly DiscoveredModel[], downloadDirectory: string): DrafterChoice[] {
    const choices: DrafterChoice[] = [];
    if (model.kind === "catalog") {
        const mtp = mtpDrafterFor(model.entry);
        const draft = draftModelFor(model.entry);
        if (mtp !== undefined) choices.push(catalogDrafterChoice("mtp", mtp.file, `${model.entry.displayName} MTP assistant`, found, downloadDirectory));
        if (draft !== undefined) choices.push(catalogDrafterChoice("draftModel", draft.file, `${draft.displayName} ${draft.quantization} as draft model`, found, downloadDirectory));
    } else if (model.kind === "found") {
        for (const drafter of draftersFor(model.model, found).sort((a, b) => a.sizeBytes - b.sizeBytes)) {
            const kind = drafter.role === "mtpDrafter" ? "mtp" : "draftModel";
            choices.push({
                kind,
                path: drafter.path,
                label: kind === "mtp" ? `$(rocket) MTP drafter: ${drafter.name}` : `$(rocket) Draft model: ${drafter.name}`,
                description: `${formatBytes(drafter.sizeBytes)} · same vocabulary`,
                detail: kind === "mtp" ? `Needs the llama-server engine. ${sourceNames[drafter.source]}: ${drafter.label}` : `${sourceNames[drafter.source]}: ${drafter.label}`
            });
        }
    }
    choices.push(
        {kind: "promptLookup", label: "$(search) Prompt lookup", description: "no extra memory", detail: "Drafts from text already in the prompt and context."},
        {kind: "off", label: "$(circle-slash) No speculative decoding"}
    );
    if (model.kind !== "catalog") choices.push({kind: "browse", label: "$(folder-opened) Browse for a drafter GGUF…"});
    return choices;
}

function catalogDrafterChoice(kind: "mtp" | "draftModel", file: CatalogFile, title: string, found: readonly DiscoveredModel[], downloadDirectory: string): DrafterChoice {
    const plan: DownloadPlan = {label: title, model: file};
    const present = missingFiles(plan, downloadDirectory).length === 0
        ? path.join(downloadDirectory, file.fileName)
        : found.find((m) => m.fileName.toLowerCase() === file.fileName.toLowerCase() && m.role !== "unusable")?.path;
    return {
        kind,
        label: `$(rocket) ${title}`,
        description: `${formatBytes(file.sizeBytes)}${present !== undefined ? " · on disk" : " · download"}`,
        detail: kind === "mtp" ? "Multi-token prediction: fastest, needs the llama-server engine." : "A small Gemma 4 proposes tokens; works in every engine.",
        ...(present !== undefined ? {path: present} : {download: file})
    };
}

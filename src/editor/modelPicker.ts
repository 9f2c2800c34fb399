// "Hearth: Select Model…": pick a model found on disk, a catalog model (downloaded only after the user
// agrees), or any GGUF file; then its drafter. Thin over runtime/models/modelChoices.ts (what is offered) and
// runtime/models (discovery, validation, download); the choice is saved as user settings. Every GGUF header is
// read on the model-files thread (discoveryThread.ts), never on the extension host's own.
import os from "node:os";
import * as vscode from "vscode";
import type {Logger} from "../log";
import {RuntimeError} from "../runtime/protocol";
import type {MachineMemory} from "../runtime/models/defaultModel";
import type {DiscoveredModel} from "../runtime/models/discovery";
import {classifyMainModelOffThread, discoverModelsOffThread, validateModelFilesOffThread} from "../runtime/models/discoveryThread";
import {downloadModelFiles, planBytes, type DownloadPlan, type DownloadResult} from "../runtime/models/download";
import {defaultDownloadDirectory, defaultSearchRoots} from "../runtime/models/searchRoots";
import {readConfig, saveModelSelection, type ModelSelection} from "./settings";
import {buildDrafterChoices, buildModelChoices, formatBytes, formatProgress, type DrafterChoice, type ModelChoice} from "../runtime/models/modelChoices";
import {settingPathProblems} from "../runtime/models/settingPaths";

export interface ModelPickerOptions {
    log: Logger;
    /** GPU memory as node-llama-cpp's `llama.getVramState()` reports it in the runtime, when known. */
    vram?: () => Promise<{totalBytes: number, freeBytes: number, unifiedMemory?: boolean} | undefined>;
}

type Item<T> = vscode.QuickPickItem & {choice?: T};

export function registerModelPicker(options: ModelPickerOptions): vscode.Disposable {
    return vscode.commands.registerCommand("hearth.selectModel", () => selectModel(options));
}

/** Runs the whole flow; resolves to what was saved, or undefined when the user stopped or something failed. */
export async function selectModel(options: ModelPickerOptions): Promise<ModelSelection | undefined> {
    const config = readConfig();
    // A relative download folder would resolve against the process's folder, often the opened workspace.
    const downloadProblem = settingPathProblems(config).find((problem) => problem.startsWith("hearth.model.downloadDirectory"));
    if (downloadProblem !== undefined) {
        options.log.warn(downloadProblem);
        void vscode.window.showErrorMessage(`Hearth: ${downloadProblem}`, "Open Settings").then((choice) => {
            if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "hearth.model.downloadDirectory");
        });
        return undefined;
    }
    const homeDir = os.homedir();
    const downloadDirectory = defaultDownloadDirectory(config.model.downloadDirectory, homeDir);
    const memory = await machineMemory(options);
    const discovery = discoverModelsOffThread({roots: defaultSearchRoots({env: process.env, platform: process.platform, homeDir, downloadDirectory})})
        .catch((error: unknown) => {
            options.log.warn(`Looking for models on disk failed: ${(error as Error).message}`);
            return [] as DiscoveredModel[];
        });

    const picked = await pickModel(discovery, memory, downloadDirectory);
    if (picked === undefined) return undefined;
    const found = await discovery;
    try {
        const model = picked.kind === "browse" ? await browseForModel() : picked;
        if (model === undefined) return undefined;
        const drafter = await pickDrafter(model, found, downloadDirectory);
        if (drafter === undefined) return undefined;
        const selection = await complete(model, drafter, downloadDirectory, options.log);
        if (selection === undefined) return undefined;
        await saveModelSelection(selection);
        options.log.info(`Model selected: ${selection.modelPath} (drafter: ${selection.drafterMode}${selection.drafterPath ? ` ${selection.drafterPath}` : ""})`);
        void vscode.window.setStatusBarMessage(`Hearth will use ${selection.modelPath}`, 5000);
        return selection;
    } catch (error) {
        if (error instanceof RuntimeError && error.code === "cancelled") {
            void vscode.window.showInformationMessage(error.message);
            return undefined;
        }
        const message = error instanceof Error ? error.message : String(error);
        options.log.error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
    }
}

async function machineMemory(options: ModelPickerOptions): Promise<MachineMemory> {
    const vram = await options.vram?.().catch(() => undefined);
    return {
        totalRamBytes: os.totalmem(),
        freeRamBytes: os.freemem(),
        ...(vram !== undefined ? {totalVramBytes: vram.totalBytes, freeVramBytes: vram.freeBytes, unifiedMemory: vram.unifiedMemory === true} : {})
    };
}

/** The first list opens at once with the catalog; models found on disk join it when discovery finishes. */
function pickModel(discovery: Promise<DiscoveredModel[]>, memory: MachineMemory, downloadDirectory: string): Promise<ModelChoice | undefined> {
    const quickPick = vscode.window.createQuickPick<Item<ModelChoice>>();
    quickPick.title = "Hearth: Select Model";
    quickPick.placeholder = "Choose the model Hearth runs (★ recommended for this machine)";
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    const show = (found: readonly DiscoveredModel[]) => {
        const choices = buildModelChoices({found, memory, downloadDirectory});
        quickPick.items = withSeparators(choices, (c) => c.kind === "found" ? "On this machine" : c.kind === "catalog" ? "Gemma 4 catalog" : "Other");
        const recommended = quickPick.items.find((item) => item.choice?.kind === "catalog" && item.choice.recommended);
        if (recommended !== undefined && quickPick.activeItems.length === 0) quickPick.activeItems = [recommended];
    };
    show([]);
    quickPick.busy = true;
    void discovery.then((found) => {
        show(found);
        quickPick.busy = false;
    });
    return new Promise((resolve) => {
        quickPick.onDidAccept(() => {
            resolve(quickPick.selectedItems[0]?.choice);
            quickPick.dispose();
        });
        quickPick.onDidHide(() => {
            resolve(undefined);
            quickPick.dispose();
        });
        quickPick.show();
    });
}

async function browseForModel(): Promise<ModelChoice | undefined> {
    const uris = await vscode.window.showOpenDialog({canSelectMany: false, openLabel: "Use as Hearth's model", filters: {"GGUF models": ["gguf"], "All files": ["*"]}});
    const file = uris?.[0]?.fsPath;
    if (file === undefined) return undefined;
    const sizeBytes = (await vscode.workspace.fs.stat(uris![0])).size;
    // Refuses with a message naming the file and the reason.
    return {kind: "found", model: await classifyMainModelOffThread({path: file, source: "hearth", label: file, sizeBytes}), label: file};
}

async function pickDrafter(model: ModelChoice, found: readonly DiscoveredModel[], downloadDirectory: string): Promise<DrafterChoice | undefined> {
    const choices = buildDrafterChoices(model, found, downloadDirectory);
    const items: Item<DrafterChoice>[] = choices.map((choice) => ({label: choice.label, description: choice.description, detail: choice.detail, choice}));
    const picked = await vscode.window.showQuickPick(items, {
        title: "Hearth: Speculative decoding",
        placeHolder: "How should drafts be proposed? The output is the same either way; only the speed differs."
    });
    return picked?.choice;
}

/** Downloads what is missing (after asking) and checks the pair; returns the settings to save. */
async function complete(model: ModelChoice, drafter: DrafterChoice, downloadDirectory: string, log: Logger): Promise<ModelSelection | undefined> {
    let modelPath = model.kind === "found" ? model.model.path : model.kind === "catalog" ? model.presentAt : undefined;
    let drafterPath = drafter.kind === "mtp" || drafter.kind === "draftModel" ? drafter.path : undefined;
    const drafterMode = drafter.kind === "browse" ? "auto" : drafter.kind;
    if (drafter.kind === "browse") {
        const uris = await vscode.window.showOpenDialog({canSelectMany: false, openLabel: "Use as drafter", filters: {"GGUF models": ["gguf"]}});
        drafterPath = uris?.[0]?.fsPath;
        if (drafterPath === undefined) return undefined;
    }
    if (model.kind === "catalog") {
        const plan: DownloadPlan = {
            label: `${model.entry.displayName} ${model.entry.quantization}`,
            ...(modelPath === undefined ? {model: model.entry.file} : {}),
            ...((drafter.kind === "mtp" || drafter.kind === "draftModel") && drafter.download !== undefined ? {drafter: {kind: drafter.kind, file: drafter.download}} : {})
        };
        if (plan.model !== undefined || plan.drafter !== undefined) {
            const result = await consentAndDownload(plan, downloadDirectory, modelPath, log);
            if (result === undefined) return undefined;
            modelPath = result.modelPath ?? modelPath;
            drafterPath = result.drafterPath ?? drafterPath;
        }
    }
    if (modelPath === undefined) throw new Error("No model file was chosen.");
    // Both files are on disk now: check them together, exactly as the runtime will before loading.
    await validateModelFilesOffThread({modelPath, ...(drafterPath !== undefined ? {drafterPath} : {}), drafterMode});
    return {
        modelPath,
        ...(model.kind === "catalog" ? {catalogId: model.entry.id} : {}),
        drafterMode,
        drafterPath: drafterPath ?? ""
    };
}

async function consentAndDownload(plan: DownloadPlan, directory: string, existingModelPath: string | undefined, log: Logger): Promise<DownloadResult | undefined> {
    const parts = [plan.model !== undefined ? `${plan.label} (${formatBytes(plan.model.sizeBytes)})` : undefined,
        plan.drafter !== undefined ? `its ${plan.drafter.kind === "mtp" ? "MTP drafter" : "draft model"} (${formatBytes(plan.drafter.file.sizeBytes)})` : undefined]
        .filter((part) => part !== undefined);
    const answer = await vscode.window.showWarningMessage(
        `Download ${parts.join(" and ")} from Hugging Face into ${directory}?`,
        {
            modal: true,
            detail: `${formatBytes(planBytes(plan))} in all. This download is the only network access Hearth makes; your code never leaves this machine.\n\n`
                + [plan.model?.uri, plan.drafter?.file.uri].filter((uri) => uri !== undefined).join("\n")
        },
        "Download"
    );
    if (answer !== "Download") return undefined;
    log.info(`Downloading ${[plan.model?.uri, plan.drafter?.file.uri].filter(Boolean).join(", ")} into ${directory}`);
    return vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title: `Downloading ${plan.label}`, cancellable: true},
        async (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            const started = Date.now();
            let reportedPercent = 0;
            let lastReport = 0;
            const result = await downloadModelFiles({
                plan,
                directory,
                signal: controller.signal,
                ...(existingModelPath !== undefined ? {existingModelPath} : {}),
                onProgress: ({downloadedBytes, totalBytes}) => {
                    const now = Date.now();
                    if (now - lastReport < 250 && downloadedBytes < totalBytes) return;
                    lastReport = now;
                    const percent = totalBytes > 0 ? (100 * downloadedBytes) / totalBytes : 0;
                    progress.report({increment: percent - reportedPercent, message: formatProgress(downloadedBytes, totalBytes, now - started)});
                    reportedPercent = percent;
                }
            });
            log.info(`Downloaded ${plan.label} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
            return result;
        });
}

function withSeparators<T>(choices: T[], group: (choice: T) => string): Item<T>[] {
    const items: Item<T>[] = [];
    let current: string | undefined;
    for (const choice of choices) {
        const name = group(choice);
        if (name !== current) {
            items.push({label: name, kind: vscode.QuickPickItemKind.Separator});
            current = name;
        }
        const text = choice as unknown as vscode.QuickPickItem;
        items.push({label: text.label, description: text.description, detail: text.detail, choice});
    }
    return items;
}

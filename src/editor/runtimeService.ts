// Binds the runtime client to VS Code: starts the process with the extension, loads the configured model,
// reloads it when model settings change, keeps the status bar current, and tells the user once, plainly,
// when the runtime crashes or a model file is refused.
import * as vscode from "vscode";
import type {HearthConfig} from "../config";
import {RuntimeClient} from "../runtime/client";
import {RuntimeError, type LoadParams, type ModelInfo} from "../runtime/protocol";
import type {OutputLog} from "./outputLog";
import {RuntimeStatusBar} from "./runtimeStatusBar";

/** Turns settings into what the runtime should load, or says why nothing can be loaded yet. */
export type LoadResolver = (config: HearthConfig) => Promise<LoadParams | {missing: string}>;

const STATUS_REFRESH_MS = 5000;

export class RuntimeService implements vscode.Disposable {
    readonly client: RuntimeClient;
    private readonly statusBar = new RuntimeStatusBar();
    private model: ModelInfo | undefined;
    private loadError: string | undefined;
    private loaded: string | undefined;
    private crashNoticeShown = false;
    private readonly warnedEndpoints = new Set<string>();
    private readonly timer: NodeJS.Timeout;
    private readonly modelChanged = new vscode.EventEmitter<ModelInfo | undefined>();
    /** Fires after every (re)load, with the new model, or undefined when none could be loaded. */
    readonly onDidChangeModel = this.modelChanged.event;

    constructor(extensionUri: vscode.Uri, private readonly log: OutputLog, private readonly resolve: LoadResolver) {
        this.client = new RuntimeClient({hostPath: vscode.Uri.joinPath(extensionUri, "dist", "runtime-host.mjs").fsPath, log});
        this.client.onStateChange((state) => {
            if (state === "ready" && this.model !== undefined) this.crashNoticeShown = false;
            this.statusBar.update(state, this.model);
        });
        this.client.onCrash((crash) => {
            if (!crash.willRestart) {
                void vscode.window.showErrorMessage("Hearth's model runtime keeps stopping and was not restarted.", "Restart", "Show Log")
                    .then((choice) => choice === "Restart" ? this.restart() : choice === "Show Log" ? log.show() : undefined);
            } else if (!this.crashNoticeShown) {
                this.crashNoticeShown = true;
                void vscode.window.showWarningMessage("Hearth's model runtime stopped unexpectedly and is restarting. Requests in progress were cancelled; nothing was applied.", "Show Log")
                    .then((choice) => { if (choice === "Show Log") log.show(); });
            }
        });
        this.timer = setInterval(() => void this.refreshStatus(), STATUS_REFRESH_MS);
    }

    get modelInfo(): ModelInfo | undefined { return this.model; }
    /** Why the last load failed (shown to the user as well), until a load succeeds. */
    get lastLoadError(): string | undefined { return this.loadError; }

    /** Loads what the settings name, unless it is loaded already. */
    async apply(config: HearthConfig): Promise<void> {
        const resolved = await this.resolve(config);
        if ("missing" in resolved) {
            this.setModel(undefined);
            this.loaded = undefined;
            this.log.info(resolved.missing);
            this.statusBar.update("ready", undefined);
            return;
        }
        const key = JSON.stringify(resolved);
        if (key === this.loaded) return;
        this.loaded = key;
        try {
            await this.client.start();
            this.statusBar.update("starting", undefined);
            const model = await this.client.load(resolved);
            this.loadError = undefined;
            this.setModel(model);
            if (model.engine === "openaiCompatible") this.warnRemote(resolved.endpoint?.url ?? model.modelPath);
            this.log.info(`Model ready: ${this.model!.modelPath} (${this.model!.engine}, drafter ${this.model!.drafter}, context ${this.model!.contextSize})`);
        } catch (error) {
            this.loaded = undefined;
            this.reportLoadFailure(error, resolved);
            this.setModel(undefined);
        }
        this.statusBar.update(this.client.state, this.model);
    }

    /** The GPU memory the runtime process sees (it alone may load the native library); undefined on CPU-only machines. */
    async vram(gpu: HearthConfig["runtime"]["gpu"]): Promise<{totalBytes: number, freeBytes: number, unifiedMemory: boolean} | undefined> {
        const machine = await this.client.request("machine", {gpu});
        if (machine.gpu === false || machine.vramTotalBytes === 0) return undefined;
        return {totalBytes: machine.vramTotalBytes, freeBytes: machine.vramFreeBytes, unifiedMemory: machine.unifiedMemory};
    }

    async restart(): Promise<void> {
        this.crashNoticeShown = false;
        try {
            await this.client.restart();
        } catch (error) {
            void vscode.window.showErrorMessage(`Hearth's runtime could not be restarted: ${(error as Error).message}`);
        }
    }

    private reportLoadFailure(error: unknown, params: LoadParams): void {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error(`Loading ${params.modelPath} failed: ${message}`);
        const text = error instanceof RuntimeError && error.code === "badModel"
            ? `Hearth can't use the model file ${error.path ?? params.modelPath}: ${message}`
            : `Hearth could not load its model: ${message}`;
        this.loadError = text;
        void vscode.window.showErrorMessage(text, "Select Model…", "Show Log")
            .then((choice) => choice === "Select Model…" ? vscode.commands.executeCommand("hearth.selectModel") : choice === "Show Log" ? this.log.show() : undefined);
    }

    /** Code leaves the machine only when the user configured an endpoint; say so once per endpoint, plainly. */
    private warnRemote(url: string): void {
        if (this.warnedEndpoints.has(url)) return;
        this.warnedEndpoints.add(url);
        void vscode.window.showWarningMessage(
            `Hearth is using the remote endpoint ${url}: your code is sent there. Set "hearth.engine" to "embedded" to keep it on this machine.`,
            "Open Settings"
        ).then((choice) => { if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "hearth.engine"); });
    }

    private setModel(model: ModelInfo | undefined): void {
        this.model = model;
        this.modelChanged.fire(model);
    }

    private async refreshStatus(): Promise<void> {
        if (this.model === undefined || this.client.state !== "ready") return;
        try {
            this.statusBar.update("ready", this.model, await this.client.status());
        } catch {
            // A status poll failing says nothing new: crashes are reported through onCrash.
        }
    }

    dispose(): void {
        clearInterval(this.timer);
        this.statusBar.dispose();
        this.modelChanged.dispose();
        void this.client.dispose();
    }
}

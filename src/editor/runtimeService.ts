// Binds the runtime client to VS Code: starts the process with the extension, loads the configured model,
// reloads it when model settings change (the newest settings win: see runtime/loadQueue.ts), keeps the status
// bar current, and tells the user once, plainly, when the runtime crashes (once per episode: runtime/crashNotice.ts),
// hangs, cannot load its model again after a restart, or a model file is refused.
import * as vscode from "vscode";
import path from "node:path";
import type {HearthConfig} from "../config";
import {RuntimeClient, type RuntimeState} from "../runtime/client";
import {crashNotice} from "../runtime/crashNotice";
import {NewestLoad} from "../runtime/loadQueue";
import {RuntimeError, type LoadParams, type ModelInfo} from "../runtime/protocol";
import type {OutputLog} from "./outputLog";
import {RuntimeStatusBar} from "./runtimeStatusBar";

/** Turns settings into what the runtime should load, or says why nothing can be loaded yet. */
export type LoadResolver = (config: HearthConfig) => Promise<LoadParams | {missing: string}>;

const STATUS_REFRESH_MS = 5000;
/** Choosing a model writes several settings in a row; load once they have settled. */
const SETTLE_MS = 300;

export class RuntimeService implements vscode.Disposable {
    readonly client: RuntimeClient;
    /** Hearth's status-bar item; the completion wiring reports requests, results and the snooze to it too. */
    readonly statusBar = new RuntimeStatusBar();
    private model: ModelInfo | undefined;
    private loadError: string | undefined;
    /** Settings applied in a row: the newest wins, an older load is cancelled and its late outcome ignored. */
    private readonly loads = new NewestLoad<LoadParams, ModelInfo>((params) => JSON.stringify(params));
    /** The settings last applied, for a restart that finds no model to reload. */
    private lastConfig: HearthConfig | undefined;
    private reloadFailures = 0;
    private readonly warnedEndpoints = new Set<string>();
    private readonly timer: NodeJS.Timeout;
    private settleTimer: NodeJS.Timeout | undefined;
    /** Applies between their start and their outcome (resolving the settings included). */
    private applying = 0;
    private readonly modelChanged = new vscode.EventEmitter<ModelInfo | undefined>();
    /** Fires after every (re)load, with the new model, or undefined when none could be loaded. */
    readonly onDidChangeModel = this.modelChanged.event;
    private loadingPath: string | undefined;
    private loadFraction: number | undefined;
    private readonly stateChanged = new vscode.EventEmitter<void>();
    /** Fires when a load starts or ends and when the process's state changes (the chat view shows them). */
    readonly onDidChangeState = this.stateChanged.event;

    constructor(extensionUri: vscode.Uri, private readonly log: OutputLog, private readonly resolve: LoadResolver) {
        this.client = new RuntimeClient({hostPath: vscode.Uri.joinPath(extensionUri, "dist", "runtime-host.mjs").fsPath, log});
        this.client.onStateChange((state) => { this.showState(state); this.stateChanged.fire(); });
        this.client.onCrash((crash) => {
            // One notice per episode: a runtime that crashes again before it was healthy for a while says nothing new.
            const notice = crashNotice(crash);
            if (notice === undefined) return;
            if (notice.severity === "error") {
                void vscode.window.showErrorMessage(notice.text, "Restart", "Show Log")
                    .then((choice) => choice === "Restart" ? this.restart() : choice === "Show Log" ? log.show() : undefined);
            } else {
                void vscode.window.showWarningMessage(notice.text, "Show Log")
                    .then((choice) => { if (choice === "Show Log") log.show(); });
            }
        });
        this.client.onReloadFailed(({params, error}) => {
            // The process runs on with no model; the same settings load it afresh when applied again.
            this.reloadFailures++;
            this.loads.forget();
            this.reportLoadFailure(error, params, `Hearth's runtime restarted but could not load ${path.basename(params.modelPath)} again`);
            this.setModel(undefined);
            this.showState(this.client.state);
        });
        this.timer = setInterval(() => void this.refreshStatus(), STATUS_REFRESH_MS);
    }

    get modelInfo(): ModelInfo | undefined { return this.model; }
    /** Why the last load failed (shown to the user as well), until a load succeeds. */
    get lastLoadError(): string | undefined { return this.loadError; }
    /** The model file being loaded, while a load is under way. */
    get loadingModelPath(): string | undefined { return this.loadingPath; }
    /** How much of it has been read (0 to 1), when the engine reports it. */
    get loadingProgress(): number | undefined { return this.loadingPath === undefined ? undefined : this.loadFraction; }

    /** True while changed settings wait to settle or are being applied: the model shown may be about to change. */
    get busy(): boolean { return this.settleTimer !== undefined || this.applying > 0; }

    /** Applies settings once they have stopped changing (several keys are often written one by one). */
    applySoon(config: HearthConfig): void {
        clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => {
            this.settleTimer = undefined;
            void this.apply(config);
        }, SETTLE_MS);
    }

    /** Loads what the settings name, unless it is loaded (or loading) already. The newest call wins. */
    async apply(config: HearthConfig): Promise<void> {
        this.applying++;
        try {
            await this.applyNow(config);
        } finally {
            this.applying--;
        }
    }

    private async applyNow(config: HearthConfig): Promise<void> {
        this.lastConfig = config;
        const outcome = await this.loads.apply(
            async () => {
                const resolved = await this.resolve(config);
                return "missing" in resolved ? resolved : {params: resolved};
            },
            (params, signal) => {
                this.statusBar.loading(params.modelPath);
                this.loadingPath = params.modelPath;
                this.loadFraction = undefined;
                this.stateChanged.fire();
                return this.client.load(params, {signal, onProgress: (fraction) => {
                    if (signal.aborted || this.loadingPath !== params.modelPath) return;
                    this.loadFraction = fraction;
                    this.statusBar.loading(params.modelPath, fraction);
                    this.stateChanged.fire();
                }});
            }
        );
        switch (outcome.kind) {
            case "superseded":
            case "unchanged":
                return;
            case "cleared":
                this.setModel(undefined);
                this.log.info(outcome.missing);
                break;
            case "loaded": {
                const model = outcome.value;
                this.loadError = undefined;
                this.setModel(model);
                if (model.engine === "openaiCompatible") this.warnRemote(outcome.params.endpoint?.url ?? model.modelPath);
                this.log.info(`Model ready: ${model.modelPath} (${model.engine}, drafter ${model.drafter}, context ${model.contextSize})`);
                break;
            }
            case "failed":
                if (outcome.error instanceof RuntimeError && outcome.error.code === "cancelled") {
                    // Cancelled by a restart or shutdown, not by newer settings: nothing to tell beyond the log.
                    this.log.info(`Loading ${outcome.params?.modelPath ?? "the model"} was cancelled: ${outcome.error.message}`);
                } else {
                    this.reportLoadFailure(outcome.error, outcome.params);
                }
                // The runtime frees its model before it loads another: after a failed load it has none.
                if (outcome.params !== undefined) this.setModel(undefined);
                break;
        }
        if (!this.loads.busy) this.loadingPath = undefined;
        this.showState(this.client.state);
        this.stateChanged.fire();
    }

    /** The GPU memory the runtime process sees (it alone may load the native library); undefined on CPU-only machines. */
    async vram(gpu: HearthConfig["runtime"]["gpu"]): Promise<{totalBytes: number, freeBytes: number, unifiedMemory: boolean} | undefined> {
        const machine = await this.client.request("machine", {gpu});
        if (machine.gpu === false || machine.vramTotalBytes === 0) return undefined;
        return {totalBytes: machine.vramTotalBytes, freeBytes: machine.vramFreeBytes, unifiedMemory: machine.unifiedMemory};
    }

    /** The user's retry: a fresh process with the model it had, or else the model the settings name. */
    async restart(): Promise<void> {
        try {
            const reloadFailures = this.reloadFailures;
            await this.client.restart();
            // A reload that failed was told already; trying the same settings again would only repeat it.
            if (this.client.loadedParams === undefined && this.lastConfig !== undefined && this.reloadFailures === reloadFailures) {
                this.loads.forget();
                await this.apply(this.lastConfig);
            }
        } catch (error) {
            void vscode.window.showErrorMessage(`Hearth's runtime could not be restarted: ${(error as Error).message}`);
        }
    }

    private reportLoadFailure(error: unknown, params: LoadParams | undefined, lead = "Hearth could not load its model"): void {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error(`Loading ${params?.modelPath ?? "the model"} failed: ${message}`);
        const text = error instanceof RuntimeError && error.code === "badModel"
            ? `Hearth can't use the model file ${error.path ?? params?.modelPath}: ${message}`
            : `${lead}: ${message}`;
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

    /** While a load is under way the status bar keeps saying so; otherwise it shows the runtime's state. */
    private showState(state: RuntimeState): void {
        if (this.loads.busy && state === "ready") return;
        // A runtime never started (nothing to load yet) still needs the "choose a model" item.
        this.statusBar.update(state === "stopped" ? "ready" : state, this.model, undefined, this.loadError);
    }

    private setModel(model: ModelInfo | undefined): void {
        this.model = model;
        this.modelChanged.fire(model);
    }

    private async refreshStatus(): Promise<void> {
        if (this.model === undefined || this.client.state !== "ready" || this.loads.busy) return;
        try {
            this.statusBar.update("ready", this.model, await this.client.status());
        } catch {
            // A status poll failing says nothing new: crashes are reported through onCrash.
        }
    }

    dispose(): void {
        clearInterval(this.timer);
        clearTimeout(this.settleTimer);
        this.loads.cancel();
        this.statusBar.dispose();
        this.modelChanged.dispose();
        this.stateChanged.dispose();
        void this.client.dispose();
    }
}

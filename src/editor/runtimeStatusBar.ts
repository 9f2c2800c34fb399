// The status-bar item that says what the runtime is doing: which model, which drafter, how fast, and
// loudly when code is being sent to a remote endpoint.
import * as vscode from "vscode";
import type {RuntimeState} from "../runtime/client";
import type {ModelInfo, RuntimeStatus} from "../runtime/protocol";
import path from "node:path";

export class RuntimeStatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("hearth.runtime", vscode.StatusBarAlignment.Right, 100);

    constructor() {
        this.item.name = "Hearth Runtime";
        this.show("$(loading~spin) Hearth", "Hearth is starting", "hearth.showRuntimeLog");
    }

    /** A model load is under way (after a settings change or a model pick). */
    loading(modelPath: string): void {
        const name = path.basename(modelPath).replace(/\.gguf$/i, "");
        this.show(`$(loading~spin) Hearth: loading ${name}`, `Hearth is loading ${modelPath}`, "hearth.showRuntimeLog");
    }

    /** `problem`: why no model is loaded (the last load's failure), shown in the tooltip. */
    update(state: RuntimeState, model: ModelInfo | undefined, status?: RuntimeStatus, problem?: string): void {
        switch (state) {
            case "starting":
            case "restarting":
                return this.show("$(loading~spin) Hearth", state === "restarting" ? "The Hearth runtime is restarting" : "Hearth is starting", "hearth.showRuntimeLog");
            case "failed":
                return this.show("$(error) Hearth", "The Hearth runtime stopped. Click to see its log.", "hearth.showRuntimeLog", "statusBarItem.errorBackground");
            case "disposed":
            case "stopped":
                return this.item.hide();
            case "ready":
                break;
        }
        if (model === undefined)
            return this.show("$(flame) Hearth: no model", `${problem ? `${problem}\n\n` : ""}No model is loaded. Click to choose one.`, "hearth.selectModel", "statusBarItem.warningBackground");
        const name = model.engine === "openaiCompatible" ? model.modelPath : path.basename(model.modelPath).replace(/\.gguf$/i, "");
        const remote = model.engine === "openaiCompatible";
        const parts = [`$(${remote ? "globe" : "flame"}) ${name}`];
        const totals = status?.totals;
        if (model.drafter !== "none" && totals !== undefined && totals.draftedTokens > 0)
            parts.push(`${drafterLabel(model.drafter)} ${Math.round(100 * totals.acceptedTokens / totals.draftedTokens)}%`);
        if (totals !== undefined && totals.decodeMs > 0) parts.push(`${(1000 * totals.generatedTokens / totals.decodeMs).toFixed(0)} tok/s`);
        const tooltip = new vscode.MarkdownString([
            `**Hearth** — ${remote ? "**remote endpoint: your code is sent to it**" : "running locally; no code leaves this machine"}`,
            `Model: \`${model.modelPath}\` (${model.architecture}, ${model.contextSize} tokens of context)`,
            `Engine: ${model.engine} · drafter: ${drafterLabel(model.drafter)}`
        ].join("\n\n"));
        this.show(parts.join(" · "), tooltip, "hearth.selectModel", remote ? "statusBarItem.warningBackground" : undefined);
    }

    private show(text: string, tooltip: string | vscode.MarkdownString, command: string, background?: string): void {
        this.item.text = text;
        this.item.tooltip = tooltip;
        this.item.command = command;
        this.item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
        this.item.show();
    }

    dispose(): void { this.item.dispose(); }
}

function drafterLabel(drafter: ModelInfo["drafter"]): string {
    return {mtp: "MTP", draftModel: "draft model", promptLookup: "prompt lookup", none: "no drafter"}[drafter];
}

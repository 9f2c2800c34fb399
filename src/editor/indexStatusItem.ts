// The status bar item that shows the context index at work: a spinner with a count while indexing, a short
// summary when done, then nothing.
import * as vscode from "vscode";
import type {IndexProgress, IndexStats} from "../context/types";

const summaryMs = 5000;

export class IndexStatusItem implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("hearth.contextIndex", vscode.StatusBarAlignment.Right, 90);
    private hideTimer: NodeJS.Timeout | undefined;

    constructor() {
        this.item.name = "Hearth context index";
        this.item.command = "hearth.showRuntimeLog";
    }

    /** The last text shown, for tests. */
    get text(): string {
        return this.item.text;
    }

    progress(progress: IndexProgress): void {
        if (progress.finished) return;
        clearTimeout(this.hideTimer);
        this.item.text = `$(sync~spin) Hearth indexing ${progress.done}/${progress.total}`;
        this.item.tooltip = "Hearth is indexing the workspace for code context (in a background thread).";
        this.item.show();
    }

    finished(stats: IndexStats, ms: number): void {
        clearTimeout(this.hideTimer);
        this.item.text = `$(database) Hearth indexed ${stats.files} files`;
        this.item.tooltip = `Hearth context index: ${stats.files} files, ${stats.definitions} definitions; ` +
            `${stats.reparsed} parsed, ${stats.reused} unchanged since last time, ${stats.skipped} skipped; ${(ms / 1000).toFixed(1)} s.`;
        this.item.show();
        this.hideTimer = setTimeout(() => this.item.hide(), summaryMs);
    }

    failed(message: string): void {
        clearTimeout(this.hideTimer);
        this.item.text = "$(warning) Hearth index";
        this.item.tooltip = `Hearth could not index the workspace: ${message}. Code context is limited to the open file.`;
        this.item.show();
    }

    dispose(): void {
        clearTimeout(this.hideTimer);
        this.item.dispose();
    }
}

// The "Hearth" Output channel: every component logs here; "Show Runtime Log" reveals it.
import * as vscode from "vscode";
import type {Logger} from "../log";

export class OutputLog implements Logger, vscode.Disposable {
    readonly channel = vscode.window.createOutputChannel("Hearth", {log: true});

    info(message: string): void { this.channel.info(message); }
    warn(message: string): void { this.channel.warn(message); }
    error(message: string): void { this.channel.error(message); }
    show(): void { this.channel.show(true); }
    dispose(): void { this.channel.dispose(); }
}

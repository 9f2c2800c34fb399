// Workspace trust, the editor side of "a workspace is untrusted input". Hearth declares limited support
// (package.json `capabilities.untrustedWorkspaces`), so it stays present in Restricted Mode, and this says
// what it holds back there and why: no runtime process, no program, no model, no endpoint. Once the user
// trusts the folder, `onDidGrant` lets the composition root load the model the user settings name.
import * as vscode from "vscode";
import type {OutputLog} from "./outputLog";

/** What Hearth needs trust for, in the words the user sees (status bar tooltip, log, load refusal). */
export const RESTRICTED_NOTICE =
    "Restricted Mode: Hearth needs a trusted workspace to run its model. Until you trust this folder it starts " +
    "no model runtime and no program, loads no model and sends nothing to any endpoint. Its commands and views " +
    "stay available, and \"Select Model…\" still saves your choice for later.";

export const RESTRICTED_STATUS_TEXT = "$(shield) Hearth: Restricted Mode";

export class WorkspaceTrust implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("hearth.trust", vscode.StatusBarAlignment.Right, 101);
    private readonly granted = new vscode.EventEmitter<void>();
    private readonly subscriptions: vscode.Disposable[] = [];
    /** Fires once, when the user trusts the workspace (VS Code never takes trust back without a reload). */
    readonly onDidGrant = this.granted.event;

    constructor(private readonly log: OutputLog) {
        this.item.name = "Hearth Workspace Trust";
        this.item.text = RESTRICTED_STATUS_TEXT;
        this.item.tooltip = new vscode.MarkdownString(`${RESTRICTED_NOTICE}\n\nClick to manage workspace trust.`);
        this.item.command = "workbench.trust.manage";
        this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
            this.item.hide();
            this.log.info("The workspace is trusted now: Hearth loads the model your user settings name.");
            this.granted.fire();
        }));
        // While untrusted, every load attempt logs RESTRICTED_NOTICE (the load gate returns it as the reason).
        if (!this.trusted) this.item.show();
    }

    get trusted(): boolean { return vscode.workspace.isTrusted; }

    /** What the status bar item says while the workspace is untrusted; undefined once trusted (for the e2e suite). */
    get status(): {text: string, tooltip: string} | undefined {
        if (this.trusted) return undefined;
        const tooltip = this.item.tooltip;
        return {text: this.item.text, tooltip: typeof tooltip === "string" ? tooltip : tooltip?.value ?? ""};
    }

    dispose(): void {
        this.item.dispose();
        this.granted.dispose();
        for (const subscription of this.subscriptions) subscription.dispose();
    }
}

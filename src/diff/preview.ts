// The diff preview shared by the refactor commands and chat's Apply to File: the proposed document opens in
// vscode.diff against the document as it is now, with Accept and Reject in the editor title and the palette.
// Accept re-bases the edit onto the document's current text (rebase.ts) and applies it as one WorkspaceEdit, so
// one Undo reverts it; an edit that overlaps what the user changed meanwhile is refused with a message. Reject,
// closing the diff, or a newer proposal leave the document as it was.
import * as vscode from "vscode";
import {rebaseEdit, type OffsetRange} from "./rebase";

export interface ProposedEdit {
    /** The document to change (may be a file that does not exist yet: a new file). */
    uri: vscode.Uri;
    /** The part replaced, in the document as it was when `originalText` was read. */
    range: vscode.Range;
    /** The whole document text when the request started ("" for a new file). */
    originalText: string;
    /** The replacement for `range`. */
    newText: string;
    /** Shown in the diff editor's title, e.g. "Hearth: Rewrite `area`". */
    title: string;
}

export type PreviewOutcome = "accepted" | "rejected" | "refused" | "superseded";

/** Where the proposed text is served from: read-only virtual documents. */
export const PROPOSED_SCHEME = "hearth-proposed";
/** True while a preview waits for Accept or Reject: the editor-title buttons' `when`. */
export const PREVIEW_CONTEXT_KEY = "hearth.diffPreviewActive";

interface Pending {
    edit: ProposedEdit;
    target: OffsetRange;
    proposedUri: vscode.Uri;
    originalUri: vscode.Uri | undefined;
    settle(outcome: PreviewOutcome): void;
}

export class DiffPreview implements vscode.Disposable {
    private readonly contents = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    private readonly shown = new vscode.EventEmitter<ProposedEdit>();
    private readonly disposables: vscode.Disposable[] = [];
    private pending: Pending | undefined;
    private counter = 0;
    /** Fires when a proposal's diff is on screen (the e2e suite waits on it). */
    readonly onDidShow = this.shown.event;
    /** Milliseconds the last Accept took, from reading the document to the applied edit (for the benchmark and log). */
    lastApplyMs = 0;

    constructor(private readonly log?: {info(message: string): void; warn(message: string): void}) {
        this.disposables.push(
            this.changed, this.shown,
            vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, {
                onDidChange: this.changed.event,
                provideTextDocumentContent: (uri) => this.contents.get(uri.toString()) ?? ""
            }),
            vscode.commands.registerCommand("hearth.diff.accept", () => this.accept()),
            vscode.commands.registerCommand("hearth.diff.reject", () => this.reject()),
            // Closing the diff tab is a Reject.
            vscode.window.tabGroups.onDidChangeTabs((event) => {
                const pending = this.pending;
                if (!pending) return;
                for (const tab of event.closed) {
                    if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === pending.proposedUri.toString()) void this.finish("rejected", false);
                }
            })
        );
    }

    /** True while a proposal waits for Accept or Reject. */
    get active(): boolean {
        return this.pending !== undefined;
    }

    /**
     * Shows vscode.diff(current, proposed) with Accept/Reject (editor title + palette: hearth.diff.accept /
     * hearth.diff.reject); on Accept re-bases and applies one WorkspaceEdit (one Undo reverts it).
     */
    async propose(edit: ProposedEdit): Promise<PreviewOutcome> {
        if (this.pending) await this.finish("superseded", true);
        const target = offsetsOf(edit.originalText, edit.range);
        const exists = await fileExists(edit.uri);
        const current = exists ? (await vscode.workspace.openTextDocument(edit.uri)).getText() : "";
        const based = rebaseEdit(edit.originalText, current, target, edit.newText);
        if (!based.ok) {
            this.refuse(`${edit.title}: ${based.reason}; nothing was changed.`);
            return "refused";
        }
        const id = ++this.counter;
        const name = edit.uri.path.split("/").pop() ?? "file";
        const proposedUri = vscode.Uri.from({scheme: PROPOSED_SCHEME, path: `/${id}/${name}`, query: edit.uri.toString()});
        this.contents.set(proposedUri.toString(), based.text);
        let originalUri: vscode.Uri | undefined;
        if (!exists) {
            originalUri = vscode.Uri.from({scheme: PROPOSED_SCHEME, path: `/${id}/empty/${name}`});
            this.contents.set(originalUri.toString(), "");
        }
        const outcome = new Promise<PreviewOutcome>((resolve) => {
            this.pending = {edit, target, proposedUri, originalUri, settle: resolve};
        });
        await vscode.commands.executeCommand("setContext", PREVIEW_CONTEXT_KEY, true);
        // vscode.diff's promise can settle long after its tab is on screen (the diff is computed first), so the
        // preview counts as shown when the tab opens.
        const opened = Promise.resolve(vscode.commands.executeCommand("vscode.diff", originalUri ?? edit.uri, proposedUri, `${edit.title} (proposed)`, {preview: false}));
        opened.catch((error: unknown) => this.log?.warn(`${edit.title}: the diff could not be shown: ${(error as Error).message}`));
        await Promise.race([opened.catch(() => undefined), this.tabOpened(proposedUri)]);
        this.shown.fire(edit);
        return outcome;
    }

    /** Resolves when a diff tab whose right side is `proposed` is open (at once if it already is). */
    private tabOpened(proposed: vscode.Uri): Promise<void> {
        // By scheme and path (unique per proposal): the query, the document's own URI, may come back encoded
        // differently from the workbench.
        const isOurs = (tab: vscode.Tab) => tab.input instanceof vscode.TabInputTextDiff
            && tab.input.modified.scheme === proposed.scheme && tab.input.modified.path === proposed.path;
        if (vscode.window.tabGroups.all.some((g) => g.tabs.some(isOurs))) return Promise.resolve();
        return new Promise((resolve) => {
            const listener = vscode.window.tabGroups.onDidChangeTabs((event) => {
                if ([...event.opened, ...event.changed].some(isOurs)) { listener.dispose(); resolve(); }
            });
        });
    }

    /** Applies the pending proposal, re-based onto the document as it is now; refuses it when that cannot be done. */
    async accept(): Promise<PreviewOutcome | undefined> {
        const pending = this.pending;
        if (!pending) {
            void vscode.window.showInformationMessage("Hearth: there is no proposed change to accept.");
            return undefined;
        }
        const started = performance.now();
        const {edit, target} = pending;
        const exists = await fileExists(edit.uri);
        const document = exists ? await vscode.workspace.openTextDocument(edit.uri) : undefined;
        const current = document?.getText() ?? "";
        const based = rebaseEdit(edit.originalText, current, target, edit.newText);
        if (!based.ok) {
            this.refuse(`${edit.title}: ${based.reason}; nothing was changed.`);
            await this.finish("refused", true);
            return "refused";
        }
        const workspaceEdit = new vscode.WorkspaceEdit();
        if (!document) {
            workspaceEdit.createFile(edit.uri, {ignoreIfExists: true, contents: new TextEncoder().encode(edit.newText)});
        } else {
            workspaceEdit.replace(edit.uri, new vscode.Range(document.positionAt(based.range.start), document.positionAt(based.range.end)), edit.newText);
        }
        const applied = await vscode.workspace.applyEdit(workspaceEdit);
        this.lastApplyMs = performance.now() - started;
        if (!applied) {
            this.refuse(`${edit.title}: VS Code could not apply the change; nothing was changed.`);
            await this.finish("refused", true);
            return "refused";
        }
        this.log?.info(`${edit.title}: applied in ${this.lastApplyMs.toFixed(1)} ms`);
        await this.finish("accepted", true);
        // Show the result where it landed.
        const shown = await vscode.window.showTextDocument(edit.uri, {preview: false});
        const start = shown.document.positionAt(based.range.start);
        shown.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return "accepted";
    }

    async reject(): Promise<PreviewOutcome | undefined> {
        if (!this.pending) return undefined;
        await this.finish("rejected", true);
        return "rejected";
    }

    dispose(): void {
        if (this.pending) void this.finish("superseded", false);
        for (const d of this.disposables) d.dispose();
    }

    private refuse(message: string): void {
        this.log?.warn(message);
        void vscode.window.showWarningMessage(message);
    }

    /** Settles the pending proposal, closes its diff (unless it is already closed) and forgets its virtual documents. */
    private async finish(outcome: PreviewOutcome, closeTab: boolean): Promise<void> {
        const pending = this.pending;
        if (!pending) return;
        this.pending = undefined;
        pending.settle(outcome);
        await vscode.commands.executeCommand("setContext", PREVIEW_CONTEXT_KEY, false);
        if (closeTab) {
            const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
                .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === pending.proposedUri.toString());
            if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
        }
        this.contents.delete(pending.proposedUri.toString());
        if (pending.originalUri) this.contents.delete(pending.originalUri.toString());
    }
}

/** A range's offsets in `text` (the document as it was), counted the way VS Code counts lines and columns. */
export function offsetsOf(text: string, range: vscode.Range): OffsetRange {
    return {start: offsetAt(text, range.start.line, range.start.character), end: offsetAt(text, range.end.line, range.end.character)};
}

function offsetAt(text: string, line: number, character: number): number {
    let offset = 0;
    for (let i = 0; i < line; i++) {
        const next = text.indexOf("\n", offset);
        if (next < 0) return text.length;
        offset = next + 1;
    }
    const lineEnd = text.indexOf("\n", offset);
    const end = lineEnd < 0 ? text.length : lineEnd > 0 && text[lineEnd - 1] === "\r" ? lineEnd - 1 : lineEnd;
    return Math.min(offset + character, end);
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return true;
    try {
        await vscode.workspace.fs.stat(uri);
        return true;
    } catch {
        return false;
    }
}

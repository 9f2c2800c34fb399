// The menu behind Hearth's status-bar item, and the snooze command. The entries come from
// completion/menuEntries.ts; this file shows them in a QuickPick and carries out the choice: completions on or
// off for the active language or for all (user settings), snooze for 15 minutes or resume, choose a model,
// show the log. A choice that cannot take effect (a workspace setting overrides it, settings.json cannot be
// written, the snooze cannot be saved) is told to the user, not dropped.
import * as vscode from "vscode";
import {completionEnabledFor} from "../config";
import {menuEntries, type MenuAction} from "../completion/menuEntries";
import {DEFAULT_SNOOZE_MINUTES, type SnoozeClock} from "../completion/snooze";
import {clockTime, completionSentence} from "../completion/statusModel";
import type {OutputLog} from "./outputLog";
import {COMPLETION_MENU_COMMAND, type RuntimeStatusBar} from "./runtimeStatusBar";
import {readConfig, setCompletionEnabledFor, setCompletionsEnabled} from "./settings";

export {COMPLETION_MENU_COMMAND};
export const COMPLETION_SNOOZE_COMMAND = "hearth.completion.snooze";

export interface CompletionMenuDeps {
    statusBar: RuntimeStatusBar;
    snooze: SnoozeClock;
    log: OutputLog;
}

/**
 * Registers `hearth.completion.menu` (resolves to the action chosen, or undefined when dismissed) and
 * `hearth.completion.snooze` (optional minutes, default 15; resolves to the end time), and shows `snooze`
 * on the status bar.
 */
export function registerCompletionMenu(deps: CompletionMenuDeps): vscode.Disposable {
    deps.statusBar.useSnooze(deps.snooze);
    return vscode.Disposable.from(
        vscode.commands.registerCommand(COMPLETION_MENU_COMMAND, () => showMenu(deps)),
        vscode.commands.registerCommand(COMPLETION_SNOOZE_COMMAND, (minutes?: unknown) =>
            snooze(deps, typeof minutes === "number" ? minutes : DEFAULT_SNOOZE_MINUTES))
    );
}

async function showMenu(deps: CompletionMenuDeps): Promise<MenuAction | undefined> {
    const {runtime, completions} = deps.statusBar.facts();
    const now = Date.now();
    const items = menuEntries(runtime, completions, now).map((entry) => ({label: entry.label, description: entry.description, action: entry.action}));
    const picked = await vscode.window.showQuickPick(items, {title: "Hearth", placeHolder: completionSentence(completions, now)});
    if (picked === undefined) return undefined;
    await run(picked.action, deps);
    return picked.action;
}

async function run(action: MenuAction, deps: CompletionMenuDeps): Promise<void> {
    switch (action.kind) {
        case "setLanguage":
            return switchCompletions(action.languageId, action.enabled, deps.log);
        case "setAll":
            return switchCompletions("*", action.enabled, deps.log);
        case "snooze":
            await snooze(deps, action.minutes);
            return;
        case "resume":
            try {
                await deps.snooze.resume();
            } catch (error) {
                deps.log.warn(`Resuming completions could not be saved (${(error as Error).message}); a reload may snooze them again until the time set.`);
            }
            return;
        case "chooseModel":
            await vscode.commands.executeCommand("hearth.selectModel");
            return;
        case "showLog":
            await vscode.commands.executeCommand("hearth.showRuntimeLog");
            return;
    }
}

async function switchCompletions(languageId: string, enabled: boolean, log: OutputLog): Promise<void> {
    const what = languageId === "*" ? "all languages" : languageId;
    try {
        if (languageId === "*") await setCompletionsEnabled(enabled);
        else await setCompletionEnabledFor(languageId, enabled);
    } catch (error) {
        const message = `Hearth could not turn inline completions ${enabled ? "on" : "off"} for ${what}: ${(error as Error).message}`;
        log.error(message);
        void vscode.window.showErrorMessage(message);
        return;
    }
    const config = readConfig();
    const now = languageId === "*" ? config.completion.enable["*"] !== false : completionEnabledFor(config, languageId);
    if (now !== enabled) {
        // A workspace's .vscode/settings.json entry for the same key wins over the user's.
        const message = `Inline completions stay ${now ? "on" : "off"} for ${what}: this workspace's "hearth.completion.enable" setting decides it.`;
        log.warn(message);
        void vscode.window.showWarningMessage(message, "Open Workspace Settings").then((choice) => {
            if (choice) void vscode.commands.executeCommand("workbench.action.openWorkspaceSettings", {query: "hearth.completion.enable"});
        });
        return;
    }
    void vscode.window.setStatusBarMessage(`Hearth inline completions ${enabled ? "on" : "off"} for ${what}`, 3000);
}

async function snooze(deps: CompletionMenuDeps, minutes: number): Promise<number | undefined> {
    if (!(minutes > 0) || !Number.isFinite(minutes)) {
        void vscode.window.showErrorMessage(`Hearth: a snooze needs a positive number of minutes, not ${minutes}.`);
        return undefined;
    }
    let until: number;
    try {
        until = await deps.snooze.snooze(minutes);
    } catch (error) {
        // The snooze holds in this window all the same.
        until = deps.snooze.snoozedUntil ?? Date.now() + minutes * 60_000;
        deps.log.warn(`The snooze could not be saved (${(error as Error).message}); it lasts until a reload.`);
    }
    void vscode.window.setStatusBarMessage(`Hearth inline completions snoozed until ${clockTime(until)}`, 3000);
    return until;
}

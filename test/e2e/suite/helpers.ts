// Shared by the end-to-end cases: reach the running Hearth extension and wait for things to happen.
import * as vscode from "vscode";
import type {HearthApi} from "../../../src/extension";

export const extensionId = "hearth-dev.hearth";

export function hearthExtension(): vscode.Extension<HearthApi> {
    const extension = vscode.extensions.getExtension<HearthApi>(extensionId);
    if (!extension) throw new Error(`Extension ${extensionId} is not installed in this VS Code`);
    return extension;
}

/** Activates Hearth (a no-op when already active) and returns its API object. */
export async function activateHearth(): Promise<HearthApi> {
    return hearthExtension().activate();
}

/** The `contributes.commands` ids from Hearth's package.json, as VS Code loaded it. */
export function contributedCommands(): string[] {
    const contributes = hearthExtension().packageJSON.contributes as {commands?: {command: string}[]};
    return (contributes.commands ?? []).map((entry) => entry.command);
}

/** Resolves once `condition()` is true, checking after each `event` and every 100 ms; rejects after `timeoutMs`. */
export function waitUntil(what: string, condition: () => boolean, event?: vscode.Event<unknown>, timeoutMs = 30000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
        const check = () => {
            if (!condition()) return;
            finish();
            resolve();
        };
        const subscription = event?.(check);
        const poll = setInterval(check, 100);
        const timer = setTimeout(() => {
            finish();
            reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        function finish() {
            subscription?.dispose();
            clearInterval(poll);
            clearTimeout(timer);
        }
    });
}

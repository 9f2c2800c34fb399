// Shared by the end-to-end cases: reach the running Hearth extension and wait for things to happen.
import fs from "node:fs";
import path from "node:path";
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

/** Writes Hearth's user settings one by one, as the settings editor and the model picker do. */
export async function setHearth(values: Record<string, unknown>): Promise<void> {
    const config = vscode.workspace.getConfiguration("hearth");
    for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

/** Names the model Hearth should load, with no drafter (undefined: none, and the drafter setting back to its default). */
export function setModel(modelPath: string | undefined): Promise<void> {
    return setHearth({"drafter.mode": modelPath === undefined ? undefined : "off", "model.path": modelPath});
}

/**
 * Resolves once Hearth has applied the settings written so far and runs `modelPath`: nothing waits to settle or
 * loads, the runtime is ready. (The model shown before the settings settle may be the previous settings' one.)
 */
export function modelLoaded(api: HearthApi, modelPath: string, timeoutMs = 120_000): Promise<void> {
    return waitUntil(`${path.basename(modelPath)} to load`,
        () => !api.runtime.busy && api.runtime.modelInfo?.modelPath === modelPath && api.runtime.client.state === "ready",
        api.runtime.onDidChangeModel, timeoutMs);
}

/** Resolves once `condition()` is true, checking after each `event` and every `pollMs`; rejects after `timeoutMs`. */
export function waitUntil(what: string, condition: () => boolean, event?: vscode.Event<unknown>, timeoutMs = 30000, pollMs = 100): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
        const check = () => {
            if (!condition()) return;
            finish();
            resolve();
        };
        const subscription = event?.(check);
        const poll = setInterval(check, pollMs);
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

/**
 * Asks the harness, which holds the browser page, for a workbench action (test/e2e/lib/workbenchActions.mjs):
 * "screenshot" ({name}), "hover" ({text}), "trustWorkspace", "type" ({text, delayMs}: real keystrokes into what has
 * focus), "press" ({key}) or "query" ({selector, html}: the text of matching elements). Resolves with the action's result.
 */
export async function askHarness<T = unknown>(action: string, args: Record<string, unknown> = {}, timeoutMs = 60000): Promise<T> {
    const dir = process.env.HEARTH_E2E_CONTROL;
    if (!dir) throw new Error("HEARTH_E2E_CONTROL is not set: the harness offers no workbench actions here");
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, `${id}.request.json.tmp`), JSON.stringify({action, args}));
    fs.renameSync(path.join(dir, `${id}.request.json.tmp`), path.join(dir, `${id}.request.json`));
    const done = path.join(dir, `${id}.done.json`);
    await waitUntil(`the harness to do "${action}"`, () => fs.existsSync(done), undefined, timeoutMs, 20);
    const answer = JSON.parse(fs.readFileSync(done, "utf8")) as {ok: boolean, result?: T, error?: string};
    if (!answer.ok) throw new Error(`the harness could not do "${action}": ${answer.error}`);
    return answer.result as T;
}

/** A case body whose failure is written to the suite's output at once, not only in the summary at the end. */
export function reported(body: () => Promise<void>): () => Promise<void> {
    return async () => {
        try {
            await body();
        } catch (error) {
            const output = process.env.HEARTH_E2E_OUTPUT;
            if (output) fs.appendFileSync(output, `      failed: ${(error as Error).stack ?? String(error)}\n`);
            throw error;
        }
    };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text (with `html`, the markup) of every element matching `selector` in the chat webview. */
export const inView = <T = string[]>(selector: string, html = false) => askHarness<T>("webviewQuery", {selector, html});

/** A screenshot of the side bar (the chat view in it) saved as an artefact named `name`. */
export const sidebarShot = (name: string) => askHarness<string>("screenshot", {name, selector: ".part.sidebar"});

/** Polls the chat view's DOM until `accept` takes what `selector` shows; fails with what it showed last. */
export async function waitForView(what: string, selector: string, accept: (texts: string[]) => boolean, timeoutMs = 120_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    while (Date.now() < deadline) {
        last = await inView(selector);
        if (accept(last)) return last;
        await sleep(150);
    }
    throw new Error(`Timed out waiting for ${what}: ${selector} shows ${JSON.stringify(last).slice(0, 500)}`);
}

/** Leaves `value` under `key` for the cases that run after the window reloads (afterReload*.test.ts). */
export function handOff(key: string, value: unknown): void {
    const file = process.env.HEARTH_E2E_HANDOFF;
    if (!file) return;
    const all = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> : {};
    fs.writeFileSync(file, JSON.stringify({...all, [key]: value}));
}

/** What a case before the reload left under `key` (undefined: that case did not run, or did not get that far). */
export function handedOver<T>(key: string): T | undefined {
    const file = process.env.HEARTH_E2E_HANDOFF;
    if (!file || !fs.existsSync(file)) return undefined;
    return (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, T>)[key];
}

// The one module that reads Hearth's settings from VS Code. Defaults live in package.json only:
// `get` and `inspect` return them, so nothing here repeats a default.
import * as vscode from "vscode";
import type {DrafterMode, HearthConfig} from "../config";

const SECTION = "hearth";

/**
 * Settings that name a program, a model file, a folder, the engine or an endpoint. package.json gives them
 * `"scope": "machine"`, so VS Code takes them from user settings only; they are read here from user settings
 * explicitly as well, so a workspace's `.vscode/settings.json` can never choose what runs or where code goes.
 */
export const MACHINE_SETTINGS = [
    "model.id", "model.path", "model.downloadDirectory", "drafter.path",
    "engine", "llamaServer.path", "endpoint.url", "endpoint.model"
] as const;
const machineSettings: ReadonlySet<string> = new Set(MACHINE_SETTINGS);

export function readConfig(): HearthConfig {
    const c = vscode.workspace.getConfiguration(SECTION);
    const get = <T>(key: string): T => (machineSettings.has(key) ? userValue<T>(c, key) : c.get<T>(key)) as T;
    return {
        model: {id: get("model.id"), path: get("model.path"), downloadDirectory: get("model.downloadDirectory")},
        drafter: {mode: get("drafter.mode"), path: get("drafter.path"), maxDraftTokens: get("drafter.maxDraftTokens")},
        engine: get("engine"),
        llamaServer: {path: get("llamaServer.path")},
        endpoint: {url: get("endpoint.url"), model: get("endpoint.model")},
        runtime: {gpu: get("runtime.gpu"), threads: get("runtime.threads"), contextSize: get("runtime.contextSize")},
        context: {
            completionBudgetTokens: get("context.completionBudgetTokens"),
            chatBudgetTokens: get("context.chatBudgetTokens"),
            timeBudgetMs: get("context.timeBudgetMs")
        },
        index: {maxFileSizeKb: get("index.maxFileSizeKb"), exclude: get("index.exclude")},
        completion: {
            enable: get("completion.enable"),
            debounceMs: get("completion.debounceMs"),
            debounceMaxMs: get("completion.debounceMaxMs"),
            maxTokens: get("completion.maxTokens"),
            multiline: get("completion.multiline"),
            promptStyle: get("completion.promptStyle"),
            softDeadlineMs: get("completion.softDeadlineMs"),
            hardDeadlineMs: get("completion.hardDeadlineMs")
        },
        chat: {reasoning: get("chat.reasoning"), maxTokens: get("chat.maxTokens")},
        tokenTax: {pricePerMillionTokens: get("tokenTax.pricePerMillionTokens")}
    };
}

/** The user's own value (local or remote user settings), else the default: never a workspace's. */
function userValue<T>(c: vscode.WorkspaceConfiguration, key: string): T | undefined {
    const inspected = c.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue;
}

/** Calls `listener` with fresh settings whenever any `hearth.*` setting changes. */
export function onConfigChange(listener: (config: HearthConfig) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) listener(readConfig());
    });
}

export async function setCompletionsEnabled(enabled: boolean): Promise<void> {
    await setCompletionEnabledFor("*", enabled);
}

/**
 * Switches inline completions for one language id (`*`: the default for every language without its own entry)
 * in the user's settings. Only the user's own map is rewritten: VS Code merges it over the default map, and
 * copying the merged value would freeze defaults and a workspace's entries into user settings. A workspace entry
 * for the same language still wins; the caller can compare completionEnabledFor(readConfig(), …) afterwards.
 */
export async function setCompletionEnabledFor(languageId: string, enabled: boolean): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const own = {...(c.inspect<Record<string, boolean>>("completion.enable")?.globalValue ?? {})};
    own[languageId] = enabled;
    await c.update("completion.enable", own, vscode.ConfigurationTarget.Global);
}

/** The choice made in "Hearth: Select Model…", saved as user settings. */
export interface ModelSelection {
    modelPath: string;
    /** Set for catalog models, so the setting says which entry the file is. */
    catalogId?: string;
    drafterMode: DrafterMode;
    drafterPath: string;
}

/**
 * Saves a model selection. The drafter path is cleared first, so no intermediate state pairs the new model
 * with the old drafter (every update fires a configuration change); unchanged values are not rewritten.
 */
export async function saveModelSelection(selection: ModelSelection): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const set = async (key: string, value: string) => {
        if (c.inspect<string>(key)?.globalValue !== value) await c.update(key, value, vscode.ConfigurationTarget.Global);
    };
    if (c.inspect<string>("drafter.path")?.globalValue !== selection.drafterPath) await set("drafter.path", "");
    if (selection.catalogId !== undefined) await set("model.id", selection.catalogId);
    await set("model.path", selection.modelPath);
    await set("drafter.mode", selection.drafterMode);
    await set("drafter.path", selection.drafterPath);
}

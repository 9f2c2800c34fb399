// The one module that reads Hearth's settings from VS Code. Defaults live in package.json only:
// `inspect`-free `get` returns them, so nothing here repeats a default.
import * as vscode from "vscode";
import type {DrafterMode, HearthConfig} from "../config";

const SECTION = "hearth";

export function readConfig(): HearthConfig {
    const c = vscode.workspace.getConfiguration(SECTION);
    const get = <T>(key: string): T => c.get<T>(key) as T;
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
            maxTokens: get("completion.maxTokens"),
            multiline: get("completion.multiline")
        },
        chat: {reasoning: get("chat.reasoning")}
    };
}

/** Calls `listener` with fresh settings whenever any `hearth.*` setting changes. */
export function onConfigChange(listener: (config: HearthConfig) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) listener(readConfig());
    });
}

export async function setCompletionsEnabled(enabled: boolean): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const current = {...(c.get<Record<string, boolean>>("completion.enable") ?? {})};
    current["*"] = enabled;
    await c.update("completion.enable", current, vscode.ConfigurationTarget.Global);
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

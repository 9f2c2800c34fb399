// The status-bar menu's entries, from the same facts as the item itself (statusModel.ts), without VS Code:
// switch completions for this language or for all, snooze or resume, choose a model, show the log. What is
// most likely wanted comes first: the log when the runtime failed, the model picker when none is loaded.
import {DEFAULT_SNOOZE_MINUTES} from "./snooze";
import {clockTime, completionState, modelName, type CompletionFacts, type RuntimeFacts} from "./statusModel";

export type MenuAction =
    | {kind: "setLanguage", languageId: string, enabled: boolean}
    | {kind: "setAll", enabled: boolean}
    | {kind: "snooze", minutes: number}
    | {kind: "resume"}
    | {kind: "chooseModel"}
    | {kind: "showLog"};

export interface MenuEntry {
    /** With a leading codicon. */
    label: string;
    description?: string;
    action: MenuAction;
}

export function menuEntries(runtime: RuntimeFacts, completions: CompletionFacts, now: number): MenuEntry[] {
    const language = completions.languageId;
    const toggles: MenuEntry[] = [];
    if (language !== undefined) {
        toggles.push(completions.languageEnabled
            ? {label: `$(circle-slash) Disable completions for ${language}`, action: {kind: "setLanguage", languageId: language, enabled: false}}
            : {label: `$(check) Enable completions for ${language}`, action: {kind: "setLanguage", languageId: language, enabled: true}});
    }
    const keeps = language !== undefined && completions.languageHasOwnSetting
        ? `${language} keeps its own setting (${completions.languageEnabled ? "on" : "off"})`
        : undefined;
    toggles.push({
        label: completions.allEnabled ? "$(circle-slash) Disable all completions" : "$(check) Enable all completions",
        ...(keeps ? {description: keeps} : {}),
        action: {kind: "setAll", enabled: !completions.allEnabled}
    });
    if (completionState(completions, now) === "snoozed") {
        toggles.push({label: "$(bell) Resume completions now", description: `snoozed until ${clockTime(completions.snoozedUntil!)}`, action: {kind: "resume"}});
    } else if (completions.languageEnabled || completions.allEnabled) {
        toggles.push({label: `$(bell-slash) Snooze completions for ${DEFAULT_SNOOZE_MINUTES} minutes`, action: {kind: "snooze", minutes: DEFAULT_SNOOZE_MINUTES}});
    }

    const model = runtime.phase === "ready" ? modelName(runtime.model.modelPath, runtime.model.engine === "openaiCompatible")
        : runtime.phase === "loading" ? `loading ${modelName(runtime.modelPath, false)}` : "no model loaded";
    const chooseModel: MenuEntry = {label: "$(library) Choose model…", description: model, action: {kind: "chooseModel"}};
    const showLog: MenuEntry = {label: "$(output) Show log", action: {kind: "showLog"}};

    switch (runtime.phase) {
        case "failed":
            return [showLog, chooseModel, ...toggles];
        case "noModel":
            return [chooseModel, ...toggles, showLog];
        default:
            return [...toggles, chooseModel, showLog];
    }
}

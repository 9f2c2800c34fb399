// The rule for settings that name a file or folder (a model, a drafter, the download folder, llama-server):
// absolute, or under the home directory with "~/". A relative path would be read against whatever folder
// the process happens to run in (often the opened workspace), so a setting could point into files a cloned
// repository ships. No vscode.
import path from "node:path";
import type {HearthConfig} from "../../config";

/** The path settings, by their key under `hearth.`. */
export const PATH_SETTINGS = ["model.path", "model.downloadDirectory", "drafter.path", "llamaServer.path"] as const;
export type PathSetting = typeof PATH_SETTINGS[number];

export function pathSettingValue(config: Pick<HearthConfig, "model" | "drafter" | "llamaServer">, key: PathSetting): string {
    switch (key) {
        case "model.path": return config.model.path;
        case "model.downloadDirectory": return config.model.downloadDirectory;
        case "drafter.path": return config.drafter.path;
        case "llamaServer.path": return config.llamaServer.path;
    }
}

/** Empty (the default) and "~" or "~/…" pass; so does an absolute path for `platform`. */
export function isAcceptedSettingPath(value: string, platform: NodeJS.Platform = process.platform): boolean {
    const text = value.trim();
    if (text === "" || text === "~" || text.startsWith("~/") || (platform === "win32" && text.startsWith("~\\"))) return true;
    // On Windows "\dir" is relative to the current drive: only a drive letter or a UNC share is absolute.
    if (platform === "win32") return /^[a-zA-Z]:[\\/]/.test(text) || /^\\\\[^\\]/.test(text);
    return path.posix.isAbsolute(text);
}

/** One plain sentence per path setting that breaks the rule; empty when all are fine. */
export function settingPathProblems(config: Pick<HearthConfig, "model" | "drafter" | "llamaServer">, platform: NodeJS.Platform = process.platform): string[] {
    return PATH_SETTINGS.filter((key) => !isAcceptedSettingPath(pathSettingValue(config, key), platform))
        .map((key) => `hearth.${key} must be an absolute path (or start with ~/), not "${pathSettingValue(config, key).trim()}".`);
}

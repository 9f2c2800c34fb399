// A throw-away folder per run: HOME/XDG for code-server and Chromium, user data, extensions, logs.
// Nothing the run writes lands in the real home directory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function createSandbox(label) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-e2e-${label}-`));
    const dir = (name) => {
        const full = path.join(root, name);
        fs.mkdirSync(full, {recursive: true});
        return full;
    };
    const home = dir("home");
    return {
        root,
        home,
        userDataDir: dir("user-data"),
        extensionsDir: dir("extensions"),
        browserProfileDir: dir("chromium-profile"),
        logsDir: dir("logs"),
        /** Environment for a child process: isolated HOME and XDG folders, no link to a VS Code it may run inside. */
        env(extra = {}) {
            const env = {...process.env};
            for (const key of Object.keys(env)) {
                // VSCODE_IPC_HOOK_CLI and friends would make code-server hand the request to an outer VS Code.
                if (key.startsWith("VSCODE_") || key === "ELECTRON_RUN_AS_NODE") delete env[key];
            }
            return {
                ...env,
                HOME: home,
                XDG_CONFIG_HOME: dir("home/.config"),
                XDG_DATA_HOME: dir("home/.local/share"),
                XDG_CACHE_HOME: dir("home/.cache"),
                XDG_STATE_HOME: dir("home/.local/state"),
                ...extra
            };
        },
        remove() {
            fs.rmSync(root, {recursive: true, force: true});
        }
    };
}

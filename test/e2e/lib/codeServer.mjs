// Runs the pinned code-server (VS Code 1.139's server and web workbench) on 127.0.0.1 with a sandbox.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {codeServerEntry, nodeBinary} from "./tools.mjs";
import {endGroup, spawnGroup} from "./processGroup.mjs";

/**
 * Flags every code-server we start shares: no auth, no telemetry, no prompts, isolated folders. Workspace
 * trust is off (every folder trusted) unless `workspaceTrust` asks for it: the Restricted Mode pass.
 */
function commonArgs(sandbox, {workspaceTrust = false} = {}) {
    return [
        "--auth", "none",
        "--disable-telemetry",
        "--disable-update-check",
        ...(workspaceTrust ? [] : ["--disable-workspace-trust"]),
        "--disable-getting-started-override",
        "--ignore-last-opened",
        "--config", writeConfig(sandbox),
        "--user-data-dir", sandbox.userDataDir,
        "--extensions-dir", sandbox.extensionsDir
    ];
}

/**
 * Quiet user settings: no network lookups, no welcome pages, no AI features competing for the CPU. The web
 * workbench saves after a second by default (files.autoSave "afterDelay"): off, so what a case types into a
 * fixture file never reaches the repository.
 */
const userSettings = {
    "files.autoSave": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "telemetry.telemetryLevel": "off",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "chat.disableAIFeatures": true,
    "git.enabled": false,
    "typescript.tsserver.experimental.enableProjectDiagnostics": false
};

/** With trust on, no start-up question: the folder opens untrusted (Restricted Mode) with VS Code's banner. */
const restrictedModeSettings = {
    "security.workspace.trust.startupPrompt": "never",
    "security.workspace.trust.banner": "always"
};

function writeUserSettings(sandbox, {workspaceTrust = false} = {}) {
    const dir = path.join(sandbox.userDataDir, "User");
    fs.mkdirSync(dir, {recursive: true});
    const file = path.join(dir, "settings.json");
    if (!fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify({...userSettings, ...(workspaceTrust ? restrictedModeSettings : {})}, null, 4));
}

/** code-server writes a default config (with a password) when none exists; give it ours. */
function writeConfig(sandbox) {
    const file = path.join(sandbox.root, "code-server.yaml");
    fs.writeFileSync(file, "auth: none\ncert: false\n");
    return file;
}

/** Starts code-server and resolves once its health endpoint answers. */
export async function startCodeServer(sandbox, {folder, env = {}, startTimeoutMs = 60000, workspaceTrust = false}) {
    const port = await freePort();
    writeUserSettings(sandbox, {workspaceTrust});
    const logFile = path.join(sandbox.logsDir, "code-server.log");
    const args = [
        codeServerEntry,
        ...commonArgs(sandbox, {workspaceTrust}),
        "--bind-addr", `127.0.0.1:${port}`,
        "--vscode-option", "enable-smoke-test-driver",
        folder
    ];
    const child = spawnGroup(nodeBinary, args, {env: sandbox.env(env), logFile});
    const origin = `http://127.0.0.1:${port}`;
    try {
        await waitForHealth(origin, child, logFile, startTimeoutMs);
    } catch (error) {
        await endGroup(child);
        throw error;
    }
    return {origin, port, authority: `127.0.0.1:${port}`, logFile, stop: () => endGroup(child)};
}

/** Runs code-server's extension-management CLI; returns its output, throws on a non-zero exit. */
export function codeServerCli(sandbox, cliArgs, timeoutMs = 180000) {
    const result = spawnSync(nodeBinary, [codeServerEntry, ...commonArgs(sandbox), ...cliArgs], {
        env: sandbox.env(),
        encoding: "utf8",
        timeout: timeoutMs,
        killSignal: "SIGKILL"
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.error) throw new Error(`code-server ${cliArgs.join(" ")} failed to run: ${result.error.message}\n${output}`);
    if (result.status !== 0) throw new Error(`code-server ${cliArgs.join(" ")} exited ${result.status}:\n${output}`);
    return output;
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const {port} = server.address();
            server.close(() => resolve(port));
        });
    });
}

async function waitForHealth(origin, child, logFile, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} while starting:\n${tail(logFile)}`);
        try {
            const response = await fetch(`${origin}/healthz`, {signal: AbortSignal.timeout(2000)});
            if (response.ok) return;
        } catch {
            // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`code-server did not answer on ${origin} within ${timeoutMs} ms:\n${tail(logFile)}`);
}

export function tail(file, lines = 40) {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return `(no ${file})`;
    }
}

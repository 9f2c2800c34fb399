// Child processes started in their own process group, so ending one ends everything it spawned.
import {spawn} from "node:child_process";
import fs from "node:fs";

const live = new Set();

/** Spawns `command` detached (its own group); stdout and stderr go to `logFile`. */
export function spawnGroup(command, args, {env, cwd, logFile}) {
    const log = fs.openSync(logFile, "a");
    const child = spawn(command, args, {env, cwd, detached: true, stdio: ["ignore", log, log]});
    fs.closeSync(log);
    live.add(child);
    child.once("exit", () => live.delete(child));
    return child;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if anything is left. */
export async function endGroup(child, graceMs = 3000) {
    if (child.pid === undefined) return;
    signalGroup(child.pid, "SIGTERM");
    const exited = child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once("exit", resolve));
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    // The leader may be gone while helpers it spawned (extension host, pty host) live on: kill the group anyway.
    signalGroup(child.pid, "SIGKILL");
    live.delete(child);
}

/** Ends every group still running, each as endGroup does. */
export async function endAllGroups() {
    await Promise.all([...live].map((child) => endGroup(child)));
}

/** Last-resort cleanup, synchronous so it can run from an exit handler. */
export function killAllGroupsNow() {
    for (const child of live) if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    live.clear();
}

function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    } catch (error) {
        if (error.code !== "ESRCH") throw error;
    }
}

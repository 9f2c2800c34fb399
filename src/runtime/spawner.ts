// Starts the runtime child process. In desktop VS Code `process.execPath` is Electron, which runs as plain
// Node when ELECTRON_RUN_AS_NODE is set; in code-server and tests it is Node itself.
import {fork, type ChildProcess} from "node:child_process";

export interface SpawnOptions {
    /** The bundled host entry, dist/runtime-host.mjs. */
    hostPath: string;
    env?: Record<string, string>;
    /** Lines the child writes to stderr (native library messages, aborts) go here. */
    onStderr(line: string): void;
}

export function spawnRuntime(options: SpawnOptions): ChildProcess {
    const child = fork(options.hostPath, [], {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        serialization: "advanced",
        env: {
            ...process.env,
            ELECTRON_RUN_AS_NODE: "1",
            // Tiny batches on few cores run fastest without a wide libuv pool competing with llama.cpp's threads.
            UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "2",
            ...options.env
        }
    });
    let buffered = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (data: string) => {
        buffered += data;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") options.onStderr(line);
    });
    child.stderr?.on("end", () => { if (buffered.trim() !== "") options.onStderr(buffered); });
    return child;
}

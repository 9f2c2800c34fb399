// Runs one llama-server child on 127.0.0.1: spawn, find its port, wait for /health, stop it.
// The server must never outlive us, even when this process is SIGKILLed: it is started through a tiny
// shell guard that holds the read end of a pipe only we write to; when we die the pipe closes and the
// guard sends SIGTERM to the server (which has taken over the guard's pid through `exec`).
// Every other local process is a stranger to it: each start gets a fresh random API key, handed over in the
// environment (LLAMA_API_KEY; argv would show it in `ps`), so only this process's requests are served.
import {spawn, type ChildProcess} from "node:child_process";
import {randomBytes} from "node:crypto";
import {RuntimeError} from "../../protocol";
import {describeFetchError} from "./http";
import {listensOn} from "./socketOwner";

export interface LlamaServerProcessOptions {
    binary: string;
    /** Arguments after the host/port ones this module adds. */
    args: string[];
    /** Longest wait for the model to load and /health to answer 200. */
    startTimeoutMs?: number;
    log: (level: "info" | "warn" | "error", message: string) => void;
    /** Aborting ends a start still under way at once: the server is killed, the start answers `cancelled`. */
    signal?: AbortSignal;
}

const STDERR_LINES_KEPT = 40;

/**
 * The server's own announcement of its address, the whole line: `0.00.144.762 I srv  llama_server: listening on
 * http://127.0.0.1:42567` (server.cpp, SRV_INF in llama_server(), formerly main(); the time and level prefix are
 * common/log.cpp's). Anchored: llama.cpp logs text from the model file while loading, and a pattern found anywhere
 * in a line could be handed a forged address by it. validate.ts refuses the control characters that would start
 * a forged line, and the port is then checked to be the server's own (socketOwner.ts).
 */
const LISTENING_LINE = /^(?:\d+\.\d{2}\.\d{3}\.\d{3} [DIWE] )?srv +(?:llama_server|main): listening on http:\/\/127\.0\.0\.1:(\d{1,5})$/;

// `$$` in the subshell is the guard's pid, which `exec` hands to llama-server; fd 3 is the lifeline pipe.
// The watcher lets go of the output pipes, so only the server holds them.
const GUARD_SCRIPT = `( read -r _ <&3; kill -TERM $$ ) >/dev/null 2>&1 & exec "$@" 3<&-`;

export class LlamaServerProcess {
    readonly baseUrl: string;
    readonly pid: number;
    private readonly stderrTail: string[];
    private exitInfo: {code: number | null, signal: NodeJS.Signals | null} | undefined;
    private readonly exited: Promise<void>;

    private constructor(
        private readonly child: ChildProcess,
        port: number,
        /** The key every request but /health must carry (`Authorization: Bearer …`). */
        readonly apiKey: string,
        stderrTail: string[],
        exited: Promise<void>
    ) {
        this.baseUrl = `http://127.0.0.1:${port}`;
        this.pid = child.pid!;
        this.stderrTail = stderrTail;
        this.exited = exited;
        child.once("exit", (code, signal) => { this.exitInfo = {code, signal}; });
    }

    static async start(options: LlamaServerProcessOptions): Promise<LlamaServerProcess> {
        options.signal?.throwIfAborted();
        const args = ["--host", "127.0.0.1", "--port", "0", ...options.args];
        options.log("info", `starting ${options.binary} ${args.join(" ")}`);
        const apiKey = randomBytes(32).toString("base64url");
        const child = spawn("/bin/sh", ["-c", GUARD_SCRIPT, "llama-server-guard", options.binary, ...args], {
            stdio: ["ignore", "pipe", "pipe", "pipe"],
            env: serverEnvironment(apiKey)
        });
        const stderrTail: string[] = [];
        let portFound: (port: number) => void;
        const portPromise = new Promise<number>((resolve) => { portFound = resolve; });
        const collect = (stream: NodeJS.ReadableStream | null): void => {
            let pending = "";
            stream?.setEncoding("utf8");
            stream?.on("data", (chunk: string) => {
                pending += chunk;
                const lines = pending.split("\n");
                pending = lines.pop() ?? "";
                for (const line of lines) {
                    if (!line.trim()) continue;
                    stderrTail.push(line);
                    if (stderrTail.length > STDERR_LINES_KEPT) stderrTail.shift();
                    const listening = LISTENING_LINE.exec(line);
                    if (listening === null) continue;
                    // A line can be forged (a chat template's error message quotes text the template made up):
                    // the port counts only if the server itself listens there.
                    const port = Number(listening[1]);
                    if (listensOn(child.pid!, port) === false) {
                        options.log("warn", `llama-server's output announced port ${port}, which the server does not listen on: ignored`);
                        continue;
                    }
                    portFound(port);
                }
            });
        };
        collect(child.stdout);
        collect(child.stderr);
        // Whatever ends the server, closing the lifeline ends the guard's watcher too.
        const exited = new Promise<void>((resolve) => child.once("exit", () => {
            (child.stdio[3] as NodeJS.WritableStream & {destroy(): void} | null)?.destroy();
            resolve();
        }));
        const spawnFailed = new Promise<never>((_, reject) => child.once("error", (error) =>
            reject(new RuntimeError("engineFailed", `Could not start ${options.binary}: ${error.message}`))));
        const diedEarly = exited.then(() => {
            throw new RuntimeError("engineFailed", `llama-server exited while starting (exit ${child.exitCode ?? child.signalCode}).\n` +
                `Its last output:\n${stderrTail.join("\n")}`);
        });
        const timeoutMs = options.startTimeoutMs ?? 180_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new RuntimeError("timeout",
                `llama-server did not become ready within ${Math.round(timeoutMs / 1000)} s.\nIts last output:\n${stderrTail.join("\n")}`)), timeoutMs);
        });
        // A newer load must not wait for this model to finish loading (a large one takes a minute).
        let onAbort: (() => void) | undefined;
        const cancelled = new Promise<never>((_, reject) => {
            onAbort = () => reject(new RuntimeError("cancelled", "The load was cancelled while llama-server started."));
            options.signal?.addEventListener("abort", onAbort, {once: true});
        });
        try {
            const port = await Promise.race([portPromise, diedEarly, spawnFailed, timedOut, cancelled]);
            const server = new LlamaServerProcess(child, port, apiKey, stderrTail, exited);
            await Promise.race([server.waitForHealth(), diedEarly, timedOut, cancelled]);
            options.log("info", `llama-server ready at ${server.baseUrl} (pid ${server.pid})`);
            return server;
        } catch (error) {
            child.kill("SIGKILL");
            throw error;
        } finally {
            clearTimeout(timer);
            if (onAbort) options.signal?.removeEventListener("abort", onAbort);
            diedEarly.catch(() => undefined);
            cancelled.catch(() => undefined);
        }
    }

    get running(): boolean {
        return this.exitInfo === undefined;
    }

    /** The server's last lines of output, for error messages. */
    lastOutput(): string {
        return this.stderrTail.join("\n");
    }

    /** A message for a request that failed because the server is gone. */
    describeExit(): string {
        if (!this.exitInfo) return "";
        return `llama-server (pid ${this.pid}) exited (${this.exitInfo.signal ?? `exit ${this.exitInfo.code}`}). Its last output:\n${this.lastOutput()}`;
    }

    /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
    async stop(graceMs = 5000): Promise<void> {
        if (!this.running) return;
        this.child.kill("SIGTERM");
        const killed = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
        if (!killed) {
            this.child.kill("SIGKILL");
            await this.exited;
        }
    }

    private async waitForHealth(): Promise<void> {
        // 503 while the model loads, 200 once it serves.
        let lastProblem = "";
        while (this.running) {
            try {
                const response = await fetch(`${this.baseUrl}/health`, {
                    headers: {authorization: `Bearer ${this.apiKey}`},
                    signal: AbortSignal.timeout(5000)
                });
                if (response.ok) return;
                lastProblem = `HTTP ${response.status} ${await response.text().catch(() => "")}`;
            } catch (error) {
                lastProblem = describeFetchError(error);
            }
            await delay(100);
        }
        throw new RuntimeError("engineFailed", `llama-server exited before it was healthy (last /health: ${lastProblem}).`);
    }
}

/**
 * Nothing the server does may reach the network (no model hub look-ups), and nothing in the user's environment
 * may change how it serves: every LLAMA_* variable (LLAMA_ARG_* are its flags) and Vertex AI's AIP_* (another
 * port) are dropped; the key is ours.
 */
function serverEnvironment(apiKey: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {...process.env};
    for (const key of Object.keys(env))
        if (/^(LLAMA_|AIP_|HF_TOKEN$)/.test(key)) delete env[key];
    return {...env, LLAMA_OFFLINE: "1", HF_HUB_OFFLINE: "1", LLAMA_API_KEY: apiKey};
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

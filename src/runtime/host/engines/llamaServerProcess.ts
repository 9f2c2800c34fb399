// Runs one llama-server child on 127.0.0.1: spawn, find its port, wait for /health, stop it.
// The server must never outlive us, even when this process is SIGKILLed: it is started through a tiny
// shell guard that holds the read end of a pipe only we write to; when we die the pipe closes and the
// guard sends SIGTERM to the server (which has taken over the guard's pid through `exec`).
import {spawn, type ChildProcess} from "node:child_process";
import {RuntimeError} from "../../protocol";
import {describeFetchError} from "./http";

export interface LlamaServerProcessOptions {
    binary: string;
    /** Arguments after the host/port ones this module adds. */
    args: string[];
    /** Longest wait for the model to load and /health to answer 200. */
    startTimeoutMs?: number;
    log: (level: "info" | "warn" | "error", message: string) => void;
}

const STDERR_LINES_KEPT = 40;

// `$$` in the subshell is the guard's pid, which `exec` hands to llama-server; fd 3 is the lifeline pipe.
// The watcher lets go of the output pipes, so only the server holds them.
const GUARD_SCRIPT = `( read -r _ <&3; kill -TERM $$ ) >/dev/null 2>&1 & exec "$@" 3<&-`;

export class LlamaServerProcess {
    readonly baseUrl: string;
    readonly pid: number;
    private readonly stderrTail: string[];
    private exitInfo: {code: number | null, signal: NodeJS.Signals | null} | undefined;
    private readonly exited: Promise<void>;

    private constructor(private readonly child: ChildProcess, port: number, stderrTail: string[], exited: Promise<void>) {
        this.baseUrl = `http://127.0.0.1:${port}`;
        this.pid = child.pid!;
        this.stderrTail = stderrTail;
        this.exited = exited;
        child.once("exit", (code, signal) => { this.exitInfo = {code, signal}; });
    }

    static async start(options: LlamaServerProcessOptions): Promise<LlamaServerProcess> {
        const args = ["--host", "127.0.0.1", "--port", "0", ...options.args];
        options.log("info", `starting ${options.binary} ${args.join(" ")}`);
        const child = spawn("/bin/sh", ["-c", GUARD_SCRIPT, "llama-server-guard", options.binary, ...args], {
            stdio: ["ignore", "pipe", "pipe", "pipe"],
            env: offlineEnvironment()
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
                    const listening = /listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(line);
                    if (listening) portFound(Number(listening[1]));
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
        try {
            const port = await Promise.race([portPromise, diedEarly, spawnFailed, timedOut]);
            const server = new LlamaServerProcess(child, port, stderrTail, exited);
            await Promise.race([server.waitForHealth(), diedEarly, timedOut]);
            options.log("info", `llama-server ready at ${server.baseUrl} (pid ${server.pid})`);
            return server;
        } catch (error) {
            child.kill("SIGKILL");
            throw error;
        } finally {
            clearTimeout(timer);
            diedEarly.catch(() => undefined);
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
                const response = await fetch(`${this.baseUrl}/health`, {signal: AbortSignal.timeout(5000)});
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

/** Nothing the server does may reach the network: no model hub look-ups, no proxies picked up from the user. */
function offlineEnvironment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {...process.env, LLAMA_OFFLINE: "1", HF_HUB_OFFLINE: "1"};
    for (const key of Object.keys(env))
        if (/^(LLAMA_ARG_|HF_TOKEN$|LLAMA_API_KEY$)/.test(key)) delete env[key];
    return env;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

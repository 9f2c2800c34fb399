// A logger interface for core modules, so they can report without importing `vscode`.
export interface Logger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

/** Logs to stderr; used by tests, benchmarks and the runtime child process. */
export const consoleLogger: Logger = {
    info: (m) => console.error(`[info] ${m}`),
    warn: (m) => console.error(`[warn] ${m}`),
    error: (m) => console.error(`[error] ${m}`)
};

export const silentLogger: Logger = {info() {}, warn() {}, error() {}};

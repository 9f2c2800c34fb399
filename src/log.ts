// A logger interface for core modules, so they can report without importing `vscode`.
export interface Logger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

export const silentLogger: Logger = {info() {}, warn() {}, error() {}};

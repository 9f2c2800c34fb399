// Finds a worker thread's script: the bundle beside the running code (dist/), or, when running from source
// (tests and benchmarks under tsx), the TypeScript file beside the calling module.
import fs from "node:fs";
import path from "node:path";

export function workerScript(callerDir: string, bundledName: string, sourceName: string, what: string): string {
    const bundled = path.join(callerDir, bundledName);
    if (fs.existsSync(bundled)) return bundled;
    const source = path.join(callerDir, sourceName);
    if (fs.existsSync(source)) return source;
    throw new Error(`Hearth: the ${what} script is missing (looked for ${bundled} and ${source})`);
}

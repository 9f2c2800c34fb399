// One pass of the mocha suite inside a real VS Code: code-server + headless Chromium, with the
// extension host's reporter output streamed to our stdout as it is written.
import fs from "node:fs";
import path from "node:path";
import {startCodeServer, tail} from "./codeServer.mjs";
import {runExtensionTests} from "./workbench.mjs";
import {repoRoot} from "./tools.mjs";

export const fixtureWorkspace = path.join(repoRoot, "test/fixtures/workspaces/e2e");

/**
 * Runs the bundled suite against the extension at `extensionDevelopmentPath`; Hearth itself must load
 * from under `expectedExtensionRoot` (the repository, or the extensions folder a VSIX went into).
 * `cases`: "main" (every case but Restricted Mode's, in the trusted sample workspace) or "restricted"
 * (only restrictedMode*.test.ts, with workspace trust on and `folder` untrusted); `env` adds variables.
 * Resolves with the mocha counts; throws when the harness could not produce them.
 */
export async function runSuite(sandbox, {suiteIndex, extensionDevelopmentPath, expectedExtensionRoot, timeoutMs, folder = fixtureWorkspace, cases = "main", env = {}}) {
    const outputFile = path.join(sandbox.logsDir, "mocha.txt");
    const resultFile = path.join(sandbox.root, "result.json");
    const controlDir = path.join(sandbox.root, "control");
    const workspaceTrust = cases === "restricted";
    const extensionEnv = {
        ...env,
        HEARTH_E2E_CASES: cases,
        HEARTH_E2E_CONTROL: controlDir,
        HEARTH_E2E_OUTPUT: outputFile,
        HEARTH_E2E_RESULT: resultFile,
        HEARTH_E2E_EXTENSION_ROOT: expectedExtensionRoot,
        // The generated test models (npm run models), for cases that run the real runtime.
        HEARTH_E2E_MODELS_DIR: path.join(repoRoot, "test/fixtures/models"),
        HEARTH_E2E_COLOR: process.stdout.isTTY ? "1" : "0",
        ...(process.env.HEARTH_E2E_GREP ? {HEARTH_E2E_GREP: process.env.HEARTH_E2E_GREP} : {})
    };
    const server = await startCodeServer(sandbox, {folder, env: extensionEnv, workspaceTrust});
    const stopStreaming = streamFile(outputFile);
    let exitCode;
    try {
        exitCode = await runExtensionTests(sandbox, server, {
            folder,
            controlDir,
            extensionDevelopmentPath,
            extensionTestsPath: suiteIndex,
            extensionEnv,
            timeoutMs
        });
    } finally {
        stopStreaming();
        await server.stop();
    }
    if (!fs.existsSync(resultFile)) {
        throw new Error(`the extension host exited ${exitCode} without running the suite.\n` +
            `workbench log (tail):\n${tail(path.join(sandbox.logsDir, "workbench.log"))}\ncode-server log (tail):\n${tail(server.logFile)}`);
    }
    const counts = JSON.parse(fs.readFileSync(resultFile, "utf8"));
    return {...counts, exitCode};
}

/** Copies what is appended to `file` onto stdout until the returned function is called. */
function streamFile(file) {
    let offset = 0;
    const pump = () => {
        let fd;
        try {
            fd = fs.openSync(file, "r");
        } catch {
            return;
        }
        try {
            const size = fs.fstatSync(fd).size;
            if (size <= offset) return;
            const chunk = Buffer.alloc(size - offset);
            fs.readSync(fd, chunk, 0, chunk.length, offset);
            offset = size;
            process.stdout.write(chunk);
        } finally {
            fs.closeSync(fd);
        }
    };
    const timer = setInterval(pump, 200);
    return () => {
        clearInterval(timer);
        pump();
    };
}

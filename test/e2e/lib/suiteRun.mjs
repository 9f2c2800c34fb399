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
 * `cases`: "main" (every case but Restricted Mode's, in the trusted sample workspace, then, after the window
 * reloads, the afterReload*.test.ts cases) or "restricted" (only restrictedMode*.test.ts, with workspace trust on
 * and `folder` untrusted); `env` adds variables. Resolves with the mocha counts of every stage; throws when the
 * harness could not produce them.
 */
export async function runSuite(sandbox, {suiteIndex, extensionDevelopmentPath, expectedExtensionRoot, timeoutMs, folder = fixtureWorkspace, cases = "main", env = {}}) {
    const outputFile = path.join(sandbox.logsDir, "mocha.txt");
    const controlDir = path.join(sandbox.root, "control");
    const workspaceTrust = cases === "restricted";
    const baseEnv = {
        ...env,
        HEARTH_E2E_CONTROL: controlDir,
        HEARTH_E2E_OUTPUT: outputFile,
        // What a stage leaves for the next one to check after the window reloads (a JSON object).
        HEARTH_E2E_HANDOFF: path.join(sandbox.root, "handoff.json"),
        HEARTH_E2E_EXTENSION_ROOT: expectedExtensionRoot,
        // The generated test models (npm run models), for cases that run the real runtime.
        HEARTH_E2E_MODELS_DIR: path.join(repoRoot, "test/fixtures/models"),
        HEARTH_E2E_COLOR: process.stdout.isTTY ? "1" : "0",
        ...(process.env.HEARTH_E2E_GREP ? {HEARTH_E2E_GREP: process.env.HEARTH_E2E_GREP} : {})
    };
    const stageCases = cases === "main" ? ["main", "afterReload"] : [cases];
    const stages = stageCases.map((name) => ({...baseEnv, HEARTH_E2E_CASES: name, HEARTH_E2E_RESULT: path.join(sandbox.root, `result-${name}.json`)}));
    const server = await startCodeServer(sandbox, {folder, env: baseEnv, workspaceTrust});
    const stopStreaming = streamFile(outputFile);
    let exitCodes;
    try {
        exitCodes = await runExtensionTests(sandbox, server, {
            folder,
            controlDir,
            extensionDevelopmentPath,
            extensionTestsPath: suiteIndex,
            stages,
            timeoutMs
        });
    } finally {
        stopStreaming();
        await server.stop();
    }
    const totals = {passes: 0, failures: 0, pending: 0, exitCode: 0};
    for (const [index, stage] of stages.entries()) {
        if (!fs.existsSync(stage.HEARTH_E2E_RESULT)) {
            throw new Error(`the extension host exited ${exitCodes[index]} without running the ${stage.HEARTH_E2E_CASES} cases.\n` +
                `workbench log (tail):\n${tail(path.join(sandbox.logsDir, "workbench.log"))}\ncode-server log (tail):\n${tail(server.logFile)}`);
        }
        const counts = JSON.parse(fs.readFileSync(stage.HEARTH_E2E_RESULT, "utf8"));
        totals.passes += counts.passes;
        totals.failures += counts.failures;
        totals.pending += counts.pending;
        totals.exitCode ||= exitCodes[index];
    }
    return totals;
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

// Mocha bootstrap loaded by VS Code's extension host (the `extensionTestsPath`). It runs every
// `*.test.js` bundled next to it, and writes the reporter's output and the counts to the files
// test/e2e/run.mjs names, since the extension host's own stdout is not the runner's.
//
// Adding cases: put a `name.test.ts` in this folder (mocha bdd: describe/it). It runs inside the real
// extension host with the fixture workspace test/fixtures/workspaces/e2e open; `./helpers` gives
// Hearth's API (activateHearth) and waitUntil. It runs twice: against this repository and against the
// installed hearth.vsix. Run one case: HEARTH_E2E_GREP="chat view" npm run test:e2e -- --no-package
//
// Cases in restrictedMode*.test.ts run in a pass of their own (HEARTH_E2E_CASES=restricted): workspace
// trust on, the hostile fixture workspace open and untrusted. Cases in afterReload*.test.ts run after the main
// ones, once the harness has reloaded the window (HEARTH_E2E_CASES=afterReload): what the main cases stored is
// what they find, and what the main cases expect them to find is in the file HEARTH_E2E_HANDOFF names (see
// helpers.ts, handOff). Every other file runs in the main pass.
import fs from "node:fs";
import path from "node:path";
import util from "node:util";
import Mocha from "mocha";

export interface E2eCounts {
    passes: number;
    failures: number;
    pending: number;
}

export async function run(): Promise<void> {
    const outputFile = process.env.HEARTH_E2E_OUTPUT;
    const resultFile = process.env.HEARTH_E2E_RESULT;
    teeReporterOutput(outputFile);
    // Stack traces point into the .ts sources through the bundles' inline source maps.
    process.setSourceMapsEnabled(true);

    const mocha = new Mocha({
        ui: "bdd",
        reporter: "spec",
        color: process.env.HEARTH_E2E_COLOR === "1",
        timeout: Number(process.env.HEARTH_E2E_TIMEOUT_MS ?? 60000),
        slow: 5000,
        grep: process.env.HEARTH_E2E_GREP || undefined
    });
    const testFiles = fs.readdirSync(__dirname)
        .filter((name) => name.endsWith(".test.js") && casesOf(name) === (process.env.HEARTH_E2E_CASES ?? "main"))
        .sort();
    if (testFiles.length === 0) throw new Error(`No *.test.js files next to ${__filename}; was the suite bundled?`);
    for (const name of testFiles) mocha.addFile(path.join(__dirname, name));

    const counts = await new Promise<E2eCounts>((resolve, reject) => {
        try {
            const runner = mocha.run(() => {
                const {passes = 0, failures = 0, pending = 0} = runner.stats ?? {};
                resolve({passes, failures, pending});
            });
        } catch (error) {
            reject(error);
        }
    });
    if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(counts));
    if (counts.failures > 0) throw new Error(`${counts.failures} end-to-end test(s) failed`);
}

/** The stage a case file belongs to, by its name's prefix: "restricted", "afterReload" or "main". */
function casesOf(name: string): string {
    if (name.startsWith("restrictedMode")) return "restricted";
    if (name.startsWith("afterReload")) return "afterReload";
    return "main";
}

/** Sends every line the reporter prints to `file` as well as to the extension host's console. */
function teeReporterOutput(file: string | undefined): void {
    if (!file) return;
    const base = Mocha.reporters.Base as unknown as {consoleLog: (...args: unknown[]) => void};
    const original = base.consoleLog;
    base.consoleLog = (...args: unknown[]) => {
        fs.appendFileSync(file, util.format(...args) + "\n");
        original(...args);
    };
}

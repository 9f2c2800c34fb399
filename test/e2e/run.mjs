// `npm run test:e2e`: Hearth inside a real VS Code (code-server 4.139 = VS Code 1.139, in headless
// Chromium), offline. Passes:
//   1. the mocha suite in test/e2e/suite against the extension in this repository, then, after the window reloads
//      (a new workbench and extension host over the same profile), its afterReload*.test.ts cases;
//   2. Restricted Mode: workspace trust on, the hostile fixture workspace open and untrusted, the cases in
//      restrictedMode*.test.ts (nothing it names may run or be contacted, before or after trusting it);
//   3. packaging: `npm run package`, then code-server installs hearth.vsix and lists it;
//   4. the same suite (1) against the Hearth that the VSIX installed;
//   5. the Restricted Mode cases (2) against the installed Hearth.
// Prints the extension host's mocha output; with HEARTH_TEST_SUMMARY set, appends one JSON line of
// counts. A pass the harness could not run counts as a failure. Exit code: 0 only when all passed.
//
// Options: --no-package (passes 1 and 2 only). Environment: HEARTH_E2E_TIMEOUT_S (whole run, default 2700: five passes on two cores),
// HEARTH_E2E_GREP (mocha grep), HEARTH_E2E_KEEP=1 (keep the temp folders even when all passed),
// HEARTH_E2E_PASSES (comma-separated subset of main,restricted,package; default all).
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {buildSuite} from "./lib/buildSuite.mjs";
import {endAllGroups, killAllGroupsNow} from "./lib/processGroup.mjs";
import {prepareHostileWorkspace} from "./lib/hostileWorkspace.mjs";
import {createSandbox} from "./lib/sandbox.mjs";
import {runSuite} from "./lib/suiteRun.mjs";
import {closeBrowsers} from "./lib/workbench.mjs";
import {missingTools, repoRoot} from "./lib/tools.mjs";
import {codeServerCli} from "./lib/codeServer.mjs";
import {checkPackage, extensionId, vsixPath} from "./packageInstall.mjs";

const passes = new Set((process.env.HEARTH_E2E_PASSES ?? "main,restricted,package").split(",").map((name) => name.trim()));
const withPackage = !process.argv.includes("--no-package") && passes.has("package");
const overallTimeoutMs = Number(process.env.HEARTH_E2E_TIMEOUT_S ?? 2700) * 1000;
const totals = {passes: 0, failures: 0, pending: 0};
const sandboxes = [];
let aborting = false;

const hardStop = setTimeout(() => abort(`the e2e run passed its overall limit of ${overallTimeoutMs / 1000} s`), overallTimeoutMs);
process.on("SIGINT", () => abort("interrupted", 130));
process.on("SIGTERM", () => abort("terminated", 143));
process.on("exit", killAllGroupsNow);

try {
    ensureTools();
    step("build", () => run("node", ["esbuild.mjs"]));
    const {suiteIndex, removeSuite} = await buildSuite();
    process.on("exit", removeSuite);
    // Each pass has its own bound; the overall limit (hardStop) still ends everything. The main pass runs every
    // feature on the real runtime (completions, chat, refactors, the language-model API): about 6 minutes on
    // two busy cores.
    const passTimeoutMs = Math.min(900000, overallTimeoutMs);

    if (passes.has("main")) {
        await suitePass("extension from this repository", async (sandbox) => runSuite(sandbox, {
            suiteIndex, extensionDevelopmentPath: repoRoot, expectedExtensionRoot: repoRoot, timeoutMs: passTimeoutMs
        }));
    }

    if (passes.has("restricted")) {
        await suitePass("Restricted Mode: a hostile workspace, untrusted", async (sandbox) => restrictedPass(sandbox, {
            suiteIndex, extensionDevelopmentPath: repoRoot, expectedExtensionRoot: repoRoot, timeoutMs: passTimeoutMs
        }));
    }

    if (withPackage) {
        const sandbox = track(createSandbox("vsix"));
        const {counts, installed} = await checkPackage(sandbox);
        add(counts);
        // The production build replaced the development one in dist/; put it back.
        step("rebuild", () => run("node", ["esbuild.mjs"]));
        if (installed) {
            await suitePass(`${extensionId} installed from hearth.vsix`, async () => runSuite(sandbox, {
                suiteIndex,
                extensionDevelopmentPath: writeProbeExtension(sandbox),
                expectedExtensionRoot: sandbox.extensionsDir,
                timeoutMs: passTimeoutMs
            }), sandbox);
        }
        // An installed extension, unlike one under development, is switched off in Restricted Mode unless it
        // declares support for untrusted workspaces: this pass is the one that sees what a user sees.
        if (installed && passes.has("restricted")) {
            await suitePass(`Restricted Mode: ${extensionId} installed from hearth.vsix, a hostile workspace, untrusted`, async (own) => {
                codeServerCli(own, ["--install-extension", vsixPath]);
                return restrictedPass(own, {
                    suiteIndex, extensionDevelopmentPath: writeProbeExtension(own), expectedExtensionRoot: own.extensionsDir, timeoutMs: passTimeoutMs
                });
            });
        }
    }
} catch (error) {
    harnessFailure("the e2e harness", error);
}
finish();

async function suitePass(title, body, sandbox) {
    console.log(`\n=== e2e: ${title}`);
    const own = sandbox ?? track(createSandbox("suite"));
    const started = Date.now();
    try {
        const result = await body(own);
        add(result);
        if (result.exitCode !== 0 && result.failures === 0) harnessFailure(title, new Error(`the extension host exited ${result.exitCode} with no failing test`));
        console.log(`=== e2e: ${title}: ${result.passes} passed, ${result.failures} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    } catch (error) {
        harnessFailure(title, error);
    }
}

/** The restrictedMode*.test.ts cases, with trust on and the hostile workspace (and its recording servers) prepared. */
async function restrictedPass(sandbox, options) {
    const hostile = await prepareHostileWorkspace(sandbox);
    try {
        return await runSuite(sandbox, {...options, folder: hostile.folder, cases: "restricted", env: hostile.env});
    } finally {
        await hostile.stop();
    }
}

/**
 * VS Code runs extension tests only in a window with an extension under development. For the VSIX pass
 * that is this empty probe, so Hearth loads from the extensions folder the VSIX was installed into.
 */
function writeProbeExtension(sandbox) {
    const dir = path.join(sandbox.root, "probe-extension");
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({
        name: "hearth-e2e-probe", publisher: "hearth-dev", version: "0.0.0", engines: {vscode: "^1.95.0"}
    }));
    return dir;
}

function ensureTools() {
    let missing = missingTools();
    if (missing.length === 0) return;
    console.log(`e2e tools missing (${missing.join("; ")}); running scripts/setupE2e.sh`);
    run("bash", [path.join(repoRoot, "scripts/setupE2e.sh")]);
    missing = missingTools();
    if (missing.length > 0) throw new Error(`still missing after scripts/setupE2e.sh: ${missing.join("; ")}`);
}

function step(name, body) {
    const started = Date.now();
    body();
    console.log(`e2e ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function run(command, args) {
    const result = spawnSync(command, args, {cwd: repoRoot, stdio: "inherit"});
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function add(counts) {
    totals.passes += counts.passes;
    totals.failures += counts.failures;
    totals.pending += counts.pending;
}

function harnessFailure(what, error) {
    totals.failures += 1;
    console.log(`\n✖ ${what} could not run: ${error?.stack ?? error}`);
}

function track(sandbox) {
    sandboxes.push(sandbox);
    return sandbox;
}

function writeSummary() {
    const file = process.env.HEARTH_TEST_SUMMARY;
    if (!file) return;
    const suite = process.env.HEARTH_TEST_SUITE ?? "e2e";
    fs.appendFileSync(file, JSON.stringify({suite, ...totals}) + "\n");
}

function finish(code) {
    clearTimeout(hardStop);
    killAllGroupsNow();
    const failed = totals.failures > 0 || (code ?? 0) !== 0;
    for (const sandbox of sandboxes) {
        if (failed || process.env.HEARTH_E2E_KEEP === "1") console.log(`e2e logs kept in ${sandbox.root}`);
        else sandbox.remove();
    }
    writeSummary();
    console.log(`\ne2e: ${totals.passes} passed, ${totals.failures} failed${totals.pending ? `, ${totals.pending} pending` : ""}`);
    process.exit(code ?? (failed ? 1 : 0));
}

async function abort(reason, code = 1) {
    if (aborting) return;
    aborting = true;
    console.log(`\n✖ e2e aborted: ${reason}; ending code-server and Chromium`);
    totals.failures += 1;
    // Close the browser and end each process group (SIGTERM, then SIGKILL), within 10 s.
    await Promise.race([
        Promise.all([closeBrowsers(), endAllGroups()]),
        new Promise((resolve) => setTimeout(resolve, 10000))
    ]);
    finish(code);
}

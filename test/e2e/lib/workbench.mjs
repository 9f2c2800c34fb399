// Opens the VS Code web workbench in headless Chromium with an extension under test and a mocha
// entry point, then waits for the extension host to report the tests' exit code.
import fs from "node:fs";
import path from "node:path";
import {chromium} from "playwright-core";
import {serveHarnessRequests} from "./harnessRequests.mjs";
import {chromiumBinary} from "./tools.mjs";
import {workbenchActions} from "./workbenchActions.mjs";

const openContexts = new Set();

/** Closes every browser this module opened (for an aborted run); waits at most `timeoutMs`. */
export async function closeBrowsers(timeoutMs = 5000) {
    const closing = [...openContexts].map((context) => context.close().catch(() => undefined));
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
}

const chromiumArgs = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    // No crash-reporter helper processes, which would outlive the browser.
    "--disable-crash-reporter",
    "--disable-breakpad"
];

/**
 * Loads the workbench once per stage and resolves with the exit code each stage's extension host reports through
 * `window.codeAutomationExit`. Each stage after the first navigates the same page anew with its own
 * `extensionEnvironment`, as "Developer: Reload Window" does: a new workbench and a new extension host, over the
 * same browser profile and code-server, so what the first stage stored is there to be found.
 * Workbench log lines (`window.codeAutomationLog`) go to logs/workbench.log. With `controlDir`, the cases can ask
 * for workbench actions (harnessRequests.mjs) through that folder.
 */
export async function runExtensionTests(sandbox, server, {folder, extensionDevelopmentPath, extensionTestsPath, stages, timeoutMs, controlDir}) {
    const remote = (fsPath) => `vscode-remote://${server.authority}${fsPath}`;
    const urlOf = (extensionEnv) => {
        const payload = [
            ["extensionDevelopmentPath", remote(extensionDevelopmentPath)],
            ["extensionTestsPath", remote(extensionTestsPath)],
            ["extensionEnvironment", JSON.stringify(extensionEnv)],
            ["skipWelcome", "true"],
            ["skipReleaseNotes", "true"]
        ];
        return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    };
    const workbenchLog = path.join(sandbox.logsDir, "workbench.log");
    const log = (line) => fs.appendFileSync(workbenchLog, line + "\n");

    const context = await chromium.launchPersistentContext(sandbox.browserProfileDir, {
        executablePath: chromiumBinary,
        headless: true,
        args: ["--headless", ...chromiumArgs],
        env: sandbox.env(),
        timeout: 60000
    });
    openContexts.add(context);
    try {
        let finish = () => {};
        await context.exposeFunction("codeAutomationLog", (level, args) => log(`[${level}] ${formatArgs(args)}`));
        await context.exposeFunction("codeAutomationExit", (code, logs) => {
            saveWorkbenchLogs(sandbox, logs);
            finish(code);
        });
        const page = context.pages()[0] ?? await context.newPage();
        page.on("console", (message) => log(`[console.${message.type()}] ${message.text()}`));
        page.on("pageerror", (error) => log(`[pageerror] ${error.stack ?? error.message}`));
        const codes = [];
        for (const [index, extensionEnv] of stages.entries()) {
            const exited = new Promise((resolve) => { finish = resolve; });
            if (index > 0) log(`[harness] reloading the window for stage ${index + 1}`);
            await page.goto(urlOf(extensionEnv), {waitUntil: "domcontentloaded", timeout: 60000});
            const stopServing = controlDir ? serveHarnessRequests(controlDir, page, workbenchActions, log) : () => {};
            let timer;
            const timedOut = new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`the extension tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
            });
            try {
                codes.push(await Promise.race([exited, timedOut]));
            } finally {
                clearTimeout(timer);
                stopServing();
            }
        }
        return codes;
    } finally {
        openContexts.delete(context);
        await context.close().catch(() => undefined);
    }
}

function formatArgs(args) {
    return (Array.isArray(args) ? args : [args]).map((arg) => typeof arg === "string" ? arg : JSON.stringify(arg)).join(" ");
}

/** The workbench hands over its log files on exit; keep them for diagnosing a failed run. */
function saveWorkbenchLogs(sandbox, logs) {
    for (const entry of Array.isArray(logs) ? logs : []) {
        if (typeof entry?.relativePath !== "string") continue;
        const target = path.join(sandbox.logsDir, "vscode", entry.relativePath);
        if (!target.startsWith(sandbox.logsDir)) continue;
        fs.mkdirSync(path.dirname(target), {recursive: true});
        fs.writeFileSync(target, entry.contents ?? "");
    }
}

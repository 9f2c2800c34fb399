// The workbench actions a case may ask the harness for (see harnessRequests.mjs).
import fs from "node:fs";
import path from "node:path";
import {cacheDir} from "./tools.mjs";

/** Screenshots land here (inside .cache, which git ignores), named by the case. */
export const artifactsDir = path.join(cacheDir, "artifacts");

export const workbenchActions = {
    /** Saves a screenshot of the whole workbench as <artifactsDir>/<name>.png and returns its path. */
    async screenshot(page, {name}) {
        if (!/^[\w.-]+$/.test(name ?? "")) throw new Error(`bad screenshot name ${name}`);
        fs.mkdirSync(artifactsDir, {recursive: true});
        const file = path.join(artifactsDir, `${name}.png`);
        await page.screenshot({path: file});
        return file;
    },

    /** Moves the mouse over the first element showing `text` (a status bar item, say), so its hover opens. */
    async hover(page, {text}) {
        await page.getByText(text, {exact: true}).first().hover({timeout: 15000});
        // The workbench shows a hover after a short delay.
        await page.waitForTimeout(1500);
    },

    /**
     * Trusts the open folder the way a user does: presses "Trust" in the Workspace Trust editor, which the
     * case opens first (workbench.trust.manage).
     */
    async trustWorkspace(page) {
        const button = page.locator(".workspace-trust-editor").getByRole("button", {name: "Trust", exact: true});
        await button.first().click({timeout: 30000});
    }
};

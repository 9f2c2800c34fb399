// The workbench actions a case may ask the harness for (see harnessRequests.mjs).
import fs from "node:fs";
import path from "node:path";
import {cacheDir} from "./tools.mjs";

/** Screenshots land here (inside .cache, which git ignores), named by the case. */
export const artifactsDir = path.join(cacheDir, "artifacts");

export const workbenchActions = {
    /**
     * Saves a screenshot of the whole workbench as <artifactsDir>/<name>.png and returns its path; with `selector`,
     * of the first workbench element it matches only (".part.sidebar": the side bar and the views in it).
     */
    async screenshot(page, {name, selector}) {
        if (!/^[\w.-]+$/.test(name ?? "")) throw new Error(`bad screenshot name ${name}`);
        fs.mkdirSync(artifactsDir, {recursive: true});
        const file = path.join(artifactsDir, `${name}.png`);
        if (typeof selector === "string" && selector !== "") await page.locator(selector).first().screenshot({path: file});
        else await page.screenshot({path: file});
        return file;
    },

    /**
     * Inside a webview (the frame whose page has an element matching `frame`, default the chat's "#question"): the
     * text of every element matching `selector` (with `html`, their markup).
     */
    async webviewQuery(page, {frame, selector, html = false}) {
        if (typeof selector !== "string" || selector === "") throw new Error("webviewQuery needs a selector");
        return inWebview(page, frame, (found) => found.locator(selector).evaluateAll((elements, wantHtml) => elements.map((element) =>
            wantHtml ? element.outerHTML : (element.textContent ?? "").replace(/\u00a0/g, " ")), html));
    },

    /** Clicks the `index`-th element matching `selector` inside a webview, with the mouse, as a user does. */
    async webviewClick(page, {frame, selector, index = 0}) {
        if (typeof selector !== "string" || selector === "") throw new Error("webviewClick needs a selector");
        await inWebview(page, frame, (found) => found.locator(selector).nth(index).click({timeout: 15000}));
    },

    /** Moves the keyboard focus to the first element matching `selector` inside a webview (a click, as a user does). */
    async webviewFocus(page, {frame, selector}) {
        if (typeof selector !== "string" || selector === "") throw new Error("webviewFocus needs a selector");
        await inWebview(page, frame, (found) => found.locator(selector).first().click({timeout: 15000}));
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
    },

    /**
     * Types `text` with the keyboard into whatever has focus (the active editor, after the case showed it), one
     * key at a time `delayMs` apart, as a user does: the extension host cannot fake keystrokes itself.
     */
    async type(page, {text, delayMs = 0}) {
        if (typeof text !== "string") throw new Error("type needs a text");
        await page.keyboard.type(text, {delay: delayMs});
    },

    /** Presses one key or chord (Playwright's names: "Tab", "Escape", "Backspace", "Control+ArrowRight"). */
    async press(page, {key}) {
        if (typeof key !== "string" || key === "") throw new Error("press needs a key");
        await page.keyboard.press(key);
    },

    /**
     * The text of every element matching a CSS selector, in document order, with non-breaking spaces as spaces
     * (the editor renders spaces so); with `html`, their markup instead, for a case's failure message.
     */
    async query(page, {selector, html = false}) {
        if (typeof selector !== "string" || selector === "") throw new Error("query needs a selector");
        return page.locator(selector).evaluateAll((elements, wantHtml) => elements.map((element) =>
            wantHtml ? element.outerHTML : (element.textContent ?? "").replace(/\u00a0/g, " ")), html);
    }
};

/** A webview's content frame (webviews nest their page two iframes deep): the first whose page matches `marker`. */
/** Runs `action` in the webview's frame; a frame detached meanwhile (the view reloading) is found again. */
async function inWebview(page, marker, action) {
    for (let attempt = 1; ; attempt++) {
        const frame = await webviewFrame(page, marker);
        try {
            return await action(frame);
        } catch (error) {
            if (attempt === 3 || !/detached/i.test(String(error))) throw error;
        }
    }
}

async function webviewFrame(page, marker = "#question") {
    const deadline = Date.now() + 30000;
    for (;;) {
        for (const frame of page.frames()) {
            if (frame.isDetached()) continue;
            if (await frame.locator(marker).count().catch(() => 0) > 0) return frame;
        }
        if (Date.now() > deadline) throw new Error(`no webview shows ${marker}`);
        await page.waitForTimeout(200);
    }
}

// The chat view's page: a strict Content-Security-Policy (nothing by default, the script only by its nonce,
// resources only from the webview's own origin, no network) and one script tag.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {chatViewHtml, contentSecurityPolicy} from "../../../src/chat/viewHtml";

const inputs = {cspSource: "https://file+.vscode-resource.vscode-cdn.net", script: "https://x/dist/webview/chat.js", style: "https://x/dist/webview/chat.css", nonce: "0123456789abcdef0123456789abcdef"};

describe("chat: view page and its CSP", () => {
    it("allows nothing by default, the script by nonce only, and no network, images or frames", () => {
        const policy = Object.fromEntries(contentSecurityPolicy(inputs.cspSource, inputs.nonce).split("; ").map((d) => {
            const [name, ...values] = d.split(" ");
            return [name, values];
        }));
        assert.deepEqual(policy["default-src"], ["'none'"]);
        assert.deepEqual(policy["script-src"], [`'nonce-${inputs.nonce}'`]);
        assert.deepEqual(policy["style-src"], [inputs.cspSource]);
        for (const d of ["img-src", "connect-src", "frame-src", "media-src", "worker-src", "form-action", "base-uri"]) assert.deepEqual(policy[d], ["'none'"], d);
        assert.ok(!Object.values(policy).flat().some((v) => /unsafe|\*|https?:$|data:/.test(v as string)));
    });

    it("the page has the policy, one script with the nonce, and no inline script or style", () => {
        const html = chatViewHtml(inputs);
        assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; /);
        assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), [`<script nonce="${inputs.nonce}" src="${inputs.script}">`]);
        assert.ok(!/<style|\sstyle=|\son[a-z]+=/i.test(html));
    });

    it("refuses a missing or guessable nonce", () => {
        assert.throws(() => chatViewHtml({...inputs, nonce: ""}));
        assert.throws(() => chatViewHtml({...inputs, nonce: "abc\" onload=\"x"}));
    });
});

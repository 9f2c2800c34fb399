// Markdown from the model renders inert: raw HTML is escaped, javascript:/data: links keep no target, links have
// no href at all (the extension checks and opens them), images fetch nothing, and code is highlighted and escaped.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {renderMarkdown} from "../../../src/webview/markdown";

/** Every tag name the HTML opens. */
const tags = (html: string): string[] => [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase());

describe("webview: markdown sanitising", () => {
    it("raw HTML in an answer is shown as text, never rendered", () => {
        const {html} = renderMarkdown('Look: <img src=x onerror="alert(1)"> and <script>alert(2)</script>\n\n<iframe src="https://evil"></iframe>');
        assert.ok(!tags(html).some((t) => ["img", "script", "iframe"].includes(t)), html);
        assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"), html);
        assert.ok(!/\sonerror=/i.test(html.replace(/&lt;.*?&gt;/g, "")), "no live event handler attribute");
    });

    it("a javascript: or data: link renders as plain text; allowed links keep their target only in data-href", () => {
        const {html} = renderMarkdown("[run](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.com/a?b=1) [file](src/a.ts#L3)");
        assert.ok(!/\shref=/i.test(html), `no href at all: ${html}`);
        assert.ok(!/data-href="(javascript|data):/i.test(html), html);
        assert.ok(html.includes("[run](javascript:alert(1))"), "the refused link stays as its text");
        assert.ok(html.includes('data-href="https://example.com/a?b=1"'));
        assert.ok(html.includes('data-href="src/a.ts#L3"'));
    });

    it("an image fetches nothing: it stays as text", () => {
        const {html} = renderMarkdown("![alt](https://tracker.example/pixel.png)");
        assert.ok(!tags(html).includes("img"), html);
    });

    it("an attribute cannot be broken out of through a link target", () => {
        const {html} = renderMarkdown('[x](https://a.example/"onmouseover="alert(1))');
        assert.ok(!/"\s*onmouseover=/i.test(html), html);
    });

    it("code blocks are highlighted, escaped, and listed with their language and named file", () => {
        const {html, blocks} = renderMarkdown("Here:\n\n```ts src/app.ts\nconst a = 1 < 2 && \"<b>\";\n```\n\n```\n<div onclick=x>\n```\n");
        assert.deepEqual(blocks, [
            {code: "const a = 1 < 2 && \"<b>\";\n", language: "ts", file: "src/app.ts"},
            {code: "<div onclick=x>\n", language: ""}
        ]);
        assert.ok(html.includes('<span class="hljs-keyword">const</span>'), "highlighted");
        assert.ok(!tags(html).includes("b") && !tags(html).includes("div onclick"), html);
        assert.ok(html.includes("&lt;div onclick=x&gt;"));
        assert.equal((html.match(/data-action="apply"/g) ?? []).length, 2);
        assert.ok(html.includes('aria-label="Apply to src/app.ts"'));
    });

    it("a code block still streaming (no closing fence) renders as code", () => {
        const {html, blocks} = renderMarkdown("```python\ndef f():\n    return 1");
        assert.equal(blocks.length, 1);
        assert.ok(html.includes("hljs-keyword"));
    });
});

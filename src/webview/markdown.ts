// Renders an answer's Markdown to HTML for the chat view. Model output is untrusted: raw HTML in it is escaped
// (markdown-it with `html: false`), images are shown as their text (nothing is fetched), and a link keeps no
// href — it carries its target in `data-href` for the view to hand to the extension, which checks it before
// opening anything. Code blocks are highlighted by highlight.js (which escapes the code) and get Copy, Insert
// and Apply buttons. Pure: runs in the webview and under mocha.
import MarkdownIt from "markdown-it";
import hljs from "highlight.js/lib/common";
import type {CodeBlockRef} from "./messages";

export interface RenderedMarkdown {
    html: string;
    /** The answer's code blocks in order; a block's buttons carry its index. */
    blocks: CodeBlockRef[];
}

interface RenderEnv {
    [key: string]: unknown;
    blocks: CodeBlockRef[];
}

/** Schemes a link may name; anything else (javascript:, data:, vbscript:, file:, command:) renders as text. */
const allowedLink = /^(https?:\/\/|mailto:)/i;
/** A workspace-relative path after a fence's language tag: ```ts src/app.ts */
const pathLike = /^[\w.@~-][\w./@~-]*$/;

const md = new MarkdownIt({html: false, linkify: false, typographer: false, breaks: false});
md.disable(["image"]);
// Relative links name workspace files; the extension opens them only inside the workspace.
md.validateLink = (url: string): boolean => allowedLink.test(url) || (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith("//"));

md.renderer.rules.link_open = (tokens, index) => {
    const href = String(tokens[index].attrGet("href") ?? "");
    return `<a class="link" role="link" tabindex="0" data-href="${md.utils.escapeHtml(href)}" title="${md.utils.escapeHtml(href)}">`;
};

md.renderer.rules.fence = (tokens, index, _options, rawEnv) => {
    const env = rawEnv as unknown as RenderEnv;
    const token = tokens[index];
    const [language = "", file] = token.info.trim().split(/\s+/);
    const code = token.content;
    const block: CodeBlockRef = {code, language, ...(file && pathLike.test(file) ? {file} : {})};
    const n = env.blocks.push(block) - 1;
    const head = [language, block.file].filter(Boolean).map((s) => md.utils.escapeHtml(s!)).join(" · ");
    return `<div class="code-block" data-block="${n}">` +
        `<div class="code-head"><span class="code-lang">${head || "code"}</span><span class="code-actions">` +
        button(n, "copy", "copy", "Copy") +
        button(n, "insert", "insert", "Insert at Cursor") +
        button(n, "apply", "diff", block.file ? `Apply to ${md.utils.escapeHtml(block.file)}` : "Apply to File") +
        `</span></div><pre><code class="hljs${language ? ` language-${md.utils.escapeHtml(language)}` : ""}">${highlight(code, language)}</code></pre></div>`;
};

function button(block: number, action: string, icon: string, label: string): string {
    return `<button type="button" class="code-action" data-action="${action}" data-block="${block}" aria-label="${label}" title="${label}">` +
        `<i class="codicon codicon-${icon}" aria-hidden="true"></i></button>`;
}

/** Highlighted code as HTML: highlight.js escapes the text it wraps; unknown languages are escaped plainly. */
export function highlight(code: string, language: string): string {
    const name = language.toLowerCase();
    try {
        if (name && hljs.getLanguage(name)) return hljs.highlight(code, {language: name, ignoreIllegals: true}).value;
    } catch {
        // A grammar that fails on odd input: fall through to plain text.
    }
    return md.utils.escapeHtml(code);
}

export function renderMarkdown(source: string): RenderedMarkdown {
    const env: RenderEnv = {blocks: []};
    return {html: md.render(source, env as unknown as Record<string, unknown>), blocks: env.blocks};
}

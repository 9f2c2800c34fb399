// The chat webview's page. Its Content-Security-Policy allows nothing by default: the one script (with this
// load's nonce) and stylesheet and font from the extension's own resource root — no inline script or style, no
// images, frames, forms or network. Pure, so a unit test checks the policy.

export interface ViewHtmlInputs {
    /** webview.cspSource: the origin the webview serves local resources from. */
    cspSource: string;
    script: string;
    style: string;
    /** Random per load: only the script tag carrying it runs. */
    nonce: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
    return [
        "default-src 'none'", `style-src ${cspSource}`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`,
        "img-src 'none'", "media-src 'none'", "connect-src 'none'", "frame-src 'none'", "worker-src 'none'",
        "form-action 'none'", "base-uri 'none'"
    ].join("; ");
}

export function chatViewHtml(inputs: ViewHtmlInputs): string {
    if (!/^[A-Za-z0-9]{16,}$/.test(inputs.nonce)) throw new Error("the chat view needs a random alphanumeric nonce");
    const attr = (value: string): string => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(inputs.cspSource, inputs.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(inputs.style)}">
<title>Hearth Chat</title>
</head>
<body>
<div id="app"></div>
<script nonce="${inputs.nonce}" src="${attr(inputs.script)}"></script>
</body>
</html>`;
}

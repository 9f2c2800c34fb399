import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

// The layout DESIGN.md draws: only the composition root, editor/ and the named adapter files bind to VS Code.
const ADAPTERS = new Set([
    "extension.ts",
    "completion/inlineProvider.ts",
    "chat/chatView.ts", "chat/lmProvider.ts", "chat/participant.ts",
    "refactor/commands.ts", "refactor/codeActions.ts",
    "diff/preview.ts"
]);
const IMPORTS_VSCODE = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']vscode["']/;

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? sourceFiles(full) : /\.(ts|mts|js|mjs)$/.test(entry.name) ? [full] : [];
    });
}

export function vscodeImportersOutsideAdapters(root: string): string[] {
    return sourceFiles(root)
        .map((file) => path.relative(root, file).split(path.sep).join("/"))
        .filter((rel) => !rel.startsWith("editor/") && !ADAPTERS.has(rel))
        .filter((rel) => IMPORTS_VSCODE.test(fs.readFileSync(path.join(root, rel), "utf8")));
}

describe("core/editor boundary", () => {
    it("no core module imports vscode", () => {
        assert.deepEqual(vscodeImportersOutsideAdapters("src"), []);
    });

    it("catches a core module that does", () => {
        const root = fs.mkdtempSync(path.join(fs.mkdtempSync("/tmp/hearth-boundary-"), "src"));
        fs.mkdirSync(path.join(root, "context"));
        fs.mkdirSync(path.join(root, "editor"));
        fs.writeFileSync(path.join(root, "context", "leak.ts"), `import * as vscode from "vscode";\n`);
        fs.writeFileSync(path.join(root, "context", "clean.ts"), `// mentions "vscode" in a comment only\n`);
        fs.writeFileSync(path.join(root, "editor", "adapter.ts"), `import * as vscode from "vscode";\n`);
        fs.writeFileSync(path.join(root, "extension.ts"), `import type {Uri} from "vscode";\n`);
        assert.deepEqual(vscodeImportersOutsideAdapters(root), ["context/leak.ts"]);
    });
});

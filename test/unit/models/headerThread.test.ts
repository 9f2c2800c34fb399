// No GGUF header is parsed on the extension host's thread: a Gemma-sized one takes hundreds of milliseconds of
// synchronous work, which would freeze every extension. The modules the extension host runs reach the header
// reader only through the model-files thread (runtime/models/discoveryThread.ts); this guards the rule.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

/** Functions that read a header synchronously on the caller's thread. */
const HEADER_READERS = [
    "readModelFacts", "readGgufHeaderFromFile", "readGgufHeader", "modelFactsFromHeader", "validateModelFiles", "checkMainModel",
    "checkDrafterAlone", "classify", "discoverModels", "readArchitectureOnly", "incompleteModelReason"
];

/** What the extension host runs: its adapters, and the runtime/models modules they call in-process. */
function extensionHostModules(): string[] {
    const editor = fs.readdirSync("src/editor").filter((name) => name.endsWith(".ts")).map((name) => path.join("src/editor", name));
    return ["src/extension.ts", ...editor, ...["download", "loadResolver", "modelChoices", "resolve", "searchRoots", "catalog", "defaultModel"]
        .map((name) => `src/runtime/models/${name}.ts`)].filter((file) => fs.existsSync(file));
}

describe("GGUF headers off the extension host's thread", () => {
    it("no extension-host module imports a function that reads a header in-process", () => {
        const offenders: string[] = [];
        for (const file of extensionHostModules()) {
            const source = fs.readFileSync(file, "utf8");
            for (const match of source.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)";/gm)) {
                if (match[1] !== undefined) continue;
                const names = match[2].split(",").map((name) => name.trim()).filter((name) => name !== "" && !name.startsWith("type "));
                for (const name of names.map((name) => name.split(/\s+as\s+/)[0])) {
                    if (HEADER_READERS.includes(name)) offenders.push(`${file} imports ${name} from ${match[3]}`);
                }
            }
        }
        assert.deepEqual(offenders, [], "use the *OffThread functions of runtime/models/discoveryThread.ts instead");
    });

    it("finds the modules it guards", () => {
        const modules = extensionHostModules();
        assert.ok(modules.includes("src/editor/modelPicker.ts") && modules.includes("src/runtime/models/download.ts"), modules.join(", "));
    });
});

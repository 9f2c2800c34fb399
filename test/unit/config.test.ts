import assert from "node:assert/strict";
import fs from "node:fs";
import {completionEnabledFor, type HearthConfig} from "../../src/config";

const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
const defaults = manifest.contributes.configuration.properties;

function configWith(enable: Record<string, boolean>): HearthConfig {
    return {completion: {enable}} as HearthConfig;
}

describe("config", () => {
    it("enables completions per language with * as the fallback", () => {
        const config = configWith(defaults["hearth.completion.enable"].default);
        assert.equal(completionEnabledFor(config, "typescript"), true);
        assert.equal(completionEnabledFor(config, "plaintext"), false);
        assert.equal(completionEnabledFor(configWith({"*": false, python: true}), "python"), true);
        assert.equal(completionEnabledFor(configWith({"*": false}), "go"), false);
        assert.equal(completionEnabledFor(configWith({}), "go"), true);
    });

    it("contributes every command the manifest promises, each with a category", () => {
        const ids = manifest.contributes.commands.map((c: {command: string, category: string}) => {
            assert.equal(c.category, "Hearth");
            return c.command;
        });
        for (const id of ["hearth.explainSelection", "hearth.rewriteSelection", "hearth.addDocumentation", "hearth.generateTests",
            "hearth.fixDiagnostics", "hearth.toggleInlineCompletions", "hearth.selectModel", "hearth.showRuntimeLog"])
            assert.ok(ids.includes(id), id);
    });

    it("declares a setting for every key settings.ts reads", () => {
        const source = fs.readFileSync("src/editor/settings.ts", "utf8");
        const read = [...source.matchAll(/get(?:<[^>]+>)?\("([\w.]+)"\)/g)].map((m) => `hearth.${m[1]}`);
        assert.ok(read.length >= 20);
        for (const key of read) assert.ok(key in defaults, `${key} is read but not contributed`);
        for (const key of Object.keys(defaults)) assert.ok(read.includes(key), `${key} is contributed but never read`);
    });
});

// `tsx scripts/firstRunModel.ts [settings.json …]`: for scripts/start.sh, says whether Hearth will find a model
// on this machine, the way the extension itself decides (loadResolver: hearth.model.* from the given user
// settings files, then Hearth's download folder and the other tools' model folders). Prints one JSON line:
// {"model": "/abs/file.gguf"} or {"missing": "what is missing and what to do"}. Reads only; never downloads.
import fs from "node:fs";
import type {HearthConfig} from "../src/config";
import {discoverModels} from "../src/runtime/models/discovery";
import {createLoadResolver} from "../src/runtime/models/loadResolver";

const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    contributes: {configuration: {properties: Record<string, {default: unknown}>}}
};

/** VS Code's settings files are JSON with comments and trailing commas. */
function parseJsonc(text: string): Record<string, unknown> {
    let out = "";
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === "\"") {
            const end = stringEnd(text, i);
            out += text.slice(i, end);
            i = end - 1;
        } else if (ch === "/" && text[i + 1] === "/") {
            while (i < text.length && text[i] !== "\n") i++;
            out += "\n";
        } else if (ch === "/" && text[i + 1] === "*") {
            i = text.indexOf("*/", i + 2);
            if (i < 0) break;
            i += 1;
        } else {
            out += ch;
        }
    }
    const parsed: unknown = JSON.parse(out.replace(/,(\s*[}\]])/g, "$1") || "{}");
    return parsed !== null && typeof parsed === "object" ? parsed as Record<string, unknown> : {};
}

function stringEnd(text: string, start: number): number {
    for (let i = start + 1; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "\"") return i + 1;
    }
    return text.length;
}

function userSettings(files: string[]): Record<string, unknown> {
    const merged: Record<string, unknown> = {};
    for (const file of files) {
        if (!fs.existsSync(file)) continue;
        try {
            Object.assign(merged, parseJsonc(fs.readFileSync(file, "utf8")));
        } catch (error) {
            throw new Error(`${file} is not readable as settings: ${(error as Error).message}`);
        }
    }
    return merged;
}

function configFrom(settings: Record<string, unknown>): HearthConfig {
    const get = <T>(key: string): T => (settings[`hearth.${key}`] ?? manifest.contributes.configuration.properties[`hearth.${key}`]?.default) as T;
    return {
        model: {id: get("model.id"), path: get("model.path"), downloadDirectory: get("model.downloadDirectory")},
        drafter: {mode: get("drafter.mode"), path: get("drafter.path"), maxDraftTokens: get("drafter.maxDraftTokens")},
        engine: get("engine"),
        llamaServer: {path: get("llamaServer.path")},
        endpoint: {url: get("endpoint.url"), model: get("endpoint.model")},
        runtime: {gpu: get("runtime.gpu"), threads: get("runtime.threads"), contextSize: get("runtime.contextSize")},
        context: {completionBudgetTokens: 0, chatBudgetTokens: 0, timeBudgetMs: 0},
        index: {maxFileSizeKb: 0, exclude: []},
        completion: {enable: {}, debounceMs: 0, debounceMaxMs: 300, maxTokens: 0, multiline: true, promptStyle: "auto", softDeadlineMs: 1200, hardDeadlineMs: 4000},
        chat: {reasoning: false, maxTokens: 2048},
        tokenTax: {pricePerMillionTokens: get("tokenTax.pricePerMillionTokens")}
    };
}

async function main(): Promise<void> {
    const config = configFrom(userSettings(process.argv.slice(2)));
    if (config.engine === "openaiCompatible") {
        console.log(JSON.stringify({model: `endpoint ${config.endpoint.url}`}));
        return;
    }
    const resolved = await createLoadResolver({discover: discoverModels})(config);
    if ("missing" in resolved) console.log(JSON.stringify({missing: resolved.missing}));
    else if (!fs.existsSync(resolved.modelPath)) console.log(JSON.stringify({missing: `hearth.model.path names ${resolved.modelPath}, which does not exist.`}));
    else console.log(JSON.stringify({model: resolved.modelPath}));
}

main().catch((error: unknown) => {
    console.log(JSON.stringify({missing: `could not check for a model: ${(error as Error).message}`}));
});

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {HearthConfig} from "../../../src/config";
import {defaultEntryForSize, findCatalogDrafter} from "../../../src/runtime/models/catalog";
import type {DiscoveredModel} from "../../../src/runtime/models/discovery";
import {resolveModelFiles, type ResolveInput, type ResolvedModel} from "../../../src/runtime/models/resolve";
import {makeTempDir} from "./support/tinyGguf";

const GiB = 1024 ** 3;
/** A machine whose recommended model is Gemma 4 12B (it fits a 12 GiB GPU), which has both kinds of drafter. */
const twelveGiBGpu = {totalRamBytes: 32 * GiB, freeRamBytes: 20 * GiB, totalVramBytes: 12 * GiB, freeVramBytes: 11.5 * GiB};

type Config = ResolveInput["config"];
function config(overrides: {model?: Partial<HearthConfig["model"]>, drafter?: Partial<HearthConfig["drafter"]>, engine?: HearthConfig["engine"]} = {}): Config {
    return {
        model: {id: "auto", path: "", downloadDirectory: "", ...overrides.model},
        drafter: {mode: "auto", path: "", maxDraftTokens: 8, ...overrides.drafter},
        engine: overrides.engine ?? "embedded"
    };
}

/** A file of exactly `size` bytes that takes no disk space (the catalog checks exact sizes). */
function sparseFile(file: string, size: number): string {
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.writeFileSync(file, "");
    fs.truncateSync(file, size);
    return file;
}

function ready(result: ResolvedModel) {
    assert.equal(result.state, "ready", JSON.stringify(result));
    return result as Extract<ResolvedModel, {state: "ready"}>;
}

function noModel(result: ResolvedModel) {
    assert.equal(result.state, "noModel", JSON.stringify(result));
    return result as Extract<ResolvedModel, {state: "noModel"}>;
}

function found(file: string, overrides: Partial<DiscoveredModel>): DiscoveredModel {
    return {path: file, fileName: path.basename(file), name: path.basename(file), source: "lmstudio", label: "x/y", sizeBytes: 1, role: "main", ...overrides};
}

describe("models/resolve", () => {
    let home: string;
    let downloads: string;
    beforeEach(() => {
        home = makeTempDir("resolve");
        downloads = path.join(home, ".cache", "hearth", "models");
    });
    afterEach(() => fs.rmSync(home, {recursive: true, force: true}));

    it("needs no file for an OpenAI-compatible endpoint", () => {
        assert.deepEqual(resolveModelFiles({config: config({engine: "openaiCompatible"}), found: [], memory: twelveGiBGpu, homeDir: home}), {state: "remote"});
    });

    it("takes hearth.model.path and hearth.drafter.path as given, expanding ~", () => {
        const result = ready(resolveModelFiles({
            config: config({model: {path: "~/models/mine.gguf"}, drafter: {path: "~/models/draft.gguf", mode: "draftModel"}}),
            found: [], memory: twelveGiBGpu, homeDir: home
        }));
        assert.equal(result.modelPath, path.join(home, "models", "mine.gguf"));
        assert.equal(result.drafterPath, path.join(home, "models", "draft.gguf"));
        assert.match(result.description, /hearth\.model\.path/);
    });

    it("says plainly that no model is there yet, naming the recommended download", () => {
        const result = noModel(resolveModelFiles({config: config(), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.equal(result.suggestedId, "gemma-4-12b-q4_k_m");
        assert.match(result.message, /^No model yet: run "Hearth: Select Model…" to download Gemma 4 12B Q4_K_M \(7\.4 GB\)/);
    });

    it("auto: uses the recommended model from the download folder with the drafter the engine can use", () => {
        const twelve = defaultEntryForSize("12b");
        const modelPath = sparseFile(path.join(downloads, twelve.file.fileName), 1024);
        const draftPath = sparseFile(path.join(downloads, defaultEntryForSize("e2b").file.fileName), defaultEntryForSize("e2b").file.sizeBytes);
        const mtpPath = sparseFile(path.join(downloads, findCatalogDrafter("gemma-4-12b-mtp-assistant")!.file.fileName), 1024);

        const embedded = ready(resolveModelFiles({config: config(), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.equal(embedded.modelPath, modelPath);
        assert.equal(embedded.catalogId, twelve.id);
        assert.deepEqual(embedded.drafters, {mtp: mtpPath, draftModel: draftPath});
        assert.equal(embedded.drafterPath, draftPath, "the embedded engine drafts with a small model");

        const server = ready(resolveModelFiles({config: config({engine: "llamaServer"}), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.equal(server.drafterPath, mtpPath, "llama-server runs the MTP drafter");

        const mtp = ready(resolveModelFiles({config: config({drafter: {mode: "mtp"}}), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.equal(mtp.drafterPath, mtpPath);
        for (const mode of ["off", "promptLookup"] as const) {
            assert.equal(ready(resolveModelFiles({config: config({drafter: {mode}}), found: [], memory: twelveGiBGpu, homeDir: home})).drafterPath, undefined);
        }
    });

    it("does not count an incomplete download of an exactly-sized catalog file", () => {
        const e2b = defaultEntryForSize("e2b");
        sparseFile(path.join(downloads, e2b.file.fileName), e2b.file.sizeBytes - 1);
        const result = noModel(resolveModelFiles({config: config({model: {id: e2b.id}}), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.match(result.message, /Gemma 4 E2B Q4_K_M .* is not downloaded yet/);
    });

    it("finds a catalog file that another tool downloaded", () => {
        const e4b = defaultEntryForSize("e4b");
        const elsewhere = path.join(home, ".cache", "huggingface", "hub", "models--bartowski--x", "snapshots", "1", e4b.file.fileName);
        const result = ready(resolveModelFiles({
            config: config({model: {id: "gemma-4-e4b-q4_k_m"}}),
            found: [found(elsewhere, {source: "huggingface", role: "main", architecture: "gemma4"})],
            memory: twelveGiBGpu, homeDir: home
        }));
        assert.equal(result.modelPath, elsewhere);
        // An unusable file of the right name is not taken.
        const broken = noModel(resolveModelFiles({
            config: config({model: {id: "gemma-4-e4b-q4_k_m"}}),
            found: [found(elsewhere, {role: "unusable", reason: "truncated"})],
            memory: twelveGiBGpu, homeDir: home
        }));
        assert.equal(broken.suggestedId, "gemma-4-e4b-q4_k_m");
    });

    it("auto falls back to the largest Gemma 4 on disk that fits, with a drafter of the same vocabulary", () => {
        const models = [
            found("/m/gemma-big.gguf", {architecture: "gemma4", sizeBytes: 40 * GiB, vocabFingerprint: "v1", parameterCount: 30e9}),
            found("/m/gemma-mid.gguf", {architecture: "gemma4", sizeBytes: 6 * GiB, vocabFingerprint: "v1", parameterCount: 8e9}),
            found("/m/gemma-small.gguf", {architecture: "gemma4", role: "draftCapable", sizeBytes: 3 * GiB, vocabFingerprint: "v1", parameterCount: 5e9}),
            found("/m/llama.gguf", {architecture: "llama", sizeBytes: 7 * GiB, vocabFingerprint: "v2", parameterCount: 8e9}),
            found("/m/mtp.gguf", {architecture: "gemma4-assistant", role: "mtpDrafter", sizeBytes: 0.1 * GiB, vocabFingerprint: "v1"})
        ];
        const result = ready(resolveModelFiles({config: config(), found: models, memory: twelveGiBGpu, homeDir: home}));
        assert.equal(result.modelPath, "/m/gemma-mid.gguf");
        assert.deepEqual(result.drafters, {mtp: "/m/mtp.gguf", draftModel: "/m/gemma-small.gguf"});
        assert.equal(result.drafterPath, "/m/gemma-small.gguf");
    });

    it("refuses an id that is not in the catalog", () => {
        const result = noModel(resolveModelFiles({config: config({model: {id: "gemma-4-70b"}}), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.match(result.message, /hearth\.model\.id is "gemma-4-70b", which is not a model in Hearth's catalog/);
    });

    it("honours a custom download directory", () => {
        const custom = path.join(home, "my-models");
        const e2b = defaultEntryForSize("e2b");
        const file = sparseFile(path.join(custom, e2b.file.fileName), e2b.file.sizeBytes);
        const result = ready(resolveModelFiles({config: config({model: {id: e2b.id, downloadDirectory: custom}}), found: [], memory: twelveGiBGpu, homeDir: home}));
        assert.equal(result.modelPath, file);
    });
});

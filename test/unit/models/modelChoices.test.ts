import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {catalogModels, defaultEntryForSize, findCatalogDrafter} from "../../../src/runtime/models/catalog";
import type {DiscoveredModel} from "../../../src/runtime/models/discovery";
import {buildDrafterChoices, buildModelChoices, formatBytes, formatProgress, type DrafterChoice, type ModelChoice} from "../../../src/runtime/models/modelChoices";
import {makeTempDir} from "./support/tinyGguf";

const GiB = 1024 ** 3;
/** A machine whose recommended model is Gemma 4 12B (it fits a 12 GiB GPU). */
const memory = {totalRamBytes: 32 * GiB, freeRamBytes: 20 * GiB, totalVramBytes: 12 * GiB, freeVramBytes: 11.5 * GiB};

function found(file: string, overrides: Partial<DiscoveredModel>): DiscoveredModel {
    return {path: file, fileName: path.basename(file), name: path.basename(file), source: "ollama", label: "gemma4:e4b", sizeBytes: 5e9, role: "main", architecture: "gemma4", vocabFingerprint: "v1", parameterCount: 8e9, ...overrides};
}

describe("runtime/models/modelChoices", () => {
    const downloads = makeTempDir("choices");
    after(() => fs.rmSync(downloads, {recursive: true, force: true}));

    it("lists found models first, then every catalog model with size and memory need, then Browse", () => {
        const models = [
            found("/blobs/sha256-aa", {name: "gemma4 e4b", sizeBytes: 5e9}),
            found("/lm/big.gguf", {name: "big gemma", sizeBytes: 18e9, source: "lmstudio", label: "pub/repo"}),
            found("/hf/mtp.gguf", {role: "mtpDrafter", architecture: "gemma4-assistant"}),
            found("/hf/mmproj.gguf", {role: "unusable", reason: "projector"})
        ];
        const choices = buildModelChoices({found: models, memory, downloadDirectory: downloads});
        assert.deepEqual(choices.slice(0, 2).map((c) => c.kind === "found" && c.model.path), ["/lm/big.gguf", "/blobs/sha256-aa"]);
        assert.match(choices[0].description ?? "", /^18\.0 GB · gemma4$/);
        assert.equal(choices[0].detail, "LM Studio: pub/repo");
        assert.equal(choices[1].detail, "Ollama: gemma4:e4b");
        const catalog = choices.filter((c): c is Extract<ModelChoice, {kind: "catalog"}> => c.kind === "catalog");
        assert.equal(catalog.length, catalogModels.length);
        assert.equal(choices.at(-1)?.kind, "browse");
        const recommended = catalog.filter((c) => c.recommended);
        assert.deepEqual(recommended.map((c) => c.entry.id), ["gemma-4-12b-q4_k_m"]);
        assert.match(recommended[0].label, /^\$\(star-full\) Gemma 4 12B Q4_K_M$/);
        assert.match(recommended[0].detail ?? "", /^Recommended for this machine: /);
        const e2b = catalog.find((c) => c.entry.id === "gemma-4-e2b-q4_k_m")!;
        assert.equal(e2b.description, "3.7 GB · needs ~4.2 GB memory · download");
    });

    it("marks catalog files already on disk, in the download folder or found elsewhere", () => {
        const e2b = defaultEntryForSize("e2b");
        const inDownloads = path.join(downloads, e2b.file.fileName);
        fs.writeFileSync(inDownloads, "");
        fs.truncateSync(inDownloads, e2b.file.sizeBytes);
        const e4b = defaultEntryForSize("e4b");
        const choices = buildModelChoices({found: [found(`/hf/${e4b.file.fileName}`, {source: "huggingface"})], memory, downloadDirectory: downloads});
        const byId = (id: string) => choices.find((c) => c.kind === "catalog" && c.entry.id === id) as Extract<ModelChoice, {kind: "catalog"}>;
        assert.equal(byId(e2b.id).presentAt, inDownloads);
        assert.match(byId(e2b.id).description ?? "", /on disk$/);
        assert.equal(byId(e4b.id).presentAt, `/hf/${e4b.file.fileName}`);
        assert.equal(byId("gemma-4-31b-q4_k_m").presentAt, undefined);
        fs.rmSync(inDownloads);
    });

    it("offers a catalog model its MTP assistant and draft model, to download or from disk", () => {
        const twelve = buildModelChoices({found: [], memory, downloadDirectory: downloads}).find((c) => c.kind === "catalog" && c.entry.id === "gemma-4-12b-q4_k_m")!;
        const drafters = buildDrafterChoices(twelve, [], downloads);
        assert.deepEqual(drafters.map((d) => d.kind), ["mtp", "draftModel", "promptLookup", "off"]);
        type FileDrafter = Extract<DrafterChoice, {kind: "mtp" | "draftModel"}>;
        const mtp = drafters[0] as FileDrafter;
        assert.equal(mtp.download?.fileName, findCatalogDrafter("gemma-4-12b-mtp-assistant")!.file.fileName);
        assert.match(mtp.description ?? "", /download$/);
        const draft = drafters[1] as FileDrafter;
        assert.equal(draft.download?.fileName, defaultEntryForSize("e2b").file.fileName);

        const mtpOnDisk = `/hf/${findCatalogDrafter("gemma-4-12b-mtp-assistant")!.file.fileName}`;
        const withFound = buildDrafterChoices(twelve, [found(mtpOnDisk, {role: "mtpDrafter"})], downloads);
        assert.equal((withFound[0] as {path?: string}).path, mtpOnDisk);
    });

    it("offers a found model only drafters of its own vocabulary, smallest first, and a Browse option", () => {
        const main = found("/m/main.gguf", {parameterCount: 12e9, sizeBytes: 7e9});
        const others = [
            main,
            found("/m/small.gguf", {role: "draftCapable", parameterCount: 5e9, sizeBytes: 3e9, name: "small"}),
            found("/m/mtp.gguf", {role: "mtpDrafter", sizeBytes: 2e8, name: "mtp"}),
            found("/m/foreign.gguf", {role: "draftCapable", parameterCount: 1e9, vocabFingerprint: "v2"})
        ];
        const drafters = buildDrafterChoices({kind: "found", model: main, label: "main"}, others, downloads);
        assert.deepEqual(drafters.map((d) => `${d.kind}:${"path" in d ? d.path : ""}`),
            ["mtp:/m/mtp.gguf", "draftModel:/m/small.gguf", "promptLookup:", "off:", "browse:"]);
        assert.match(drafters[0].detail ?? "", /llama-server/);
    });

    it("formats sizes and download progress for people", () => {
        assert.equal(formatBytes(5_812_137_984), "5.8 GB");
        assert.equal(formatBytes(59_235_648), "59 MB");
        assert.equal(formatBytes(512), "1 KB");
        assert.equal(formatProgress(2.4e9, 5.8e9, 60_000), "41% · 2.4 GB of 5.8 GB · 40.0 MB/s");
        assert.equal(formatProgress(0, 0, 0), "0% · 0 B of 0 B · 0.0 MB/s");
    });
});

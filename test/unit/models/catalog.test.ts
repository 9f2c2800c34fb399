import assert from "node:assert/strict";
import {knownArchitectures} from "../../../src/runtime/models/architectures";
import {
    catalogDrafters, catalogEntryForFileName, catalogModels, DEFAULT_QUANTIZATION, defaultEntryForSize, draftModelFor,
    findCatalogModel, gemmaSizesAscending, mtpDrafterFor
} from "../../../src/runtime/models/catalog";

describe("models/catalog", () => {
    it("has every Gemma 4 size with its recommended quantisation and more than one choice", () => {
        for (const size of gemmaSizesAscending) {
            const entries = catalogModels.filter((entry) => entry.size === size);
            assert.ok(entries.length >= 2, `${size} has ${entries.length} quantisations`);
            assert.equal(defaultEntryForSize(size).quantization, DEFAULT_QUANTIZATION);
        }
    });

    it("gives every file a size, a hub URI naming that file, and ids that are unique and lower-case", () => {
        const ids = new Set<string>();
        for (const entry of [...catalogModels, ...catalogDrafters]) {
            assert.ok(!ids.has(entry.id), `duplicate id ${entry.id}`);
            ids.add(entry.id);
            assert.match(entry.id, /^gemma-4-(e2b|e4b|12b|26b-a4b|31b)-[a-z0-9_-]+$/);
            assert.ok(entry.file.sizeBytes > 10_000_000, `${entry.id} size ${entry.file.sizeBytes}`);
            const match = /^hf:([^/]+)\/([^/]+)\/(.+)$/.exec(entry.file.uri);
            assert.ok(match, `${entry.id}: ${entry.file.uri} is not hf:owner/repo/file`);
            assert.equal(match[3], entry.file.fileName);
            assert.match(entry.file.fileName, /\.gguf$/);
        }
        const fileNames = [...catalogModels, ...catalogDrafters].map((entry) => entry.file.fileName.toLowerCase());
        assert.equal(new Set(fileNames).size, fileNames.length, "two entries share a file name");
    });

    it("orders sizes by memory need and keeps RAM estimates above the file size", () => {
        let previous = 0;
        for (const size of gemmaSizesAscending) {
            const entry = defaultEntryForSize(size);
            assert.ok(entry.ramBytes > entry.file.sizeBytes, entry.id);
            assert.ok(entry.ramBytes > previous, `${entry.id} needs less than the size before it`);
            previous = entry.ramBytes;
        }
        for (const entry of catalogModels) {
            assert.equal(entry.contextLength, entry.size === "e2b" || entry.size === "e4b" ? 131_072 : 262_144, entry.id);
            assert.equal(entry.moe, entry.size === "26b-a4b", entry.id);
        }
    });

    it("links every model to an MTP drafter of its own size, and draft models to a smaller same-vocabulary model", () => {
        for (const entry of catalogModels) {
            const drafter = mtpDrafterFor(entry);
            assert.ok(drafter, `${entry.id} has no MTP drafter`);
            assert.equal(drafter.size, entry.size);
            assert.ok(drafter.file.sizeBytes < entry.file.sizeBytes / 5, `${drafter.id} is not small beside ${entry.id}`);
            if (entry.draftModelId !== undefined) {
                const draft = draftModelFor(entry);
                assert.ok(draft, `${entry.id} names missing draft model ${entry.draftModelId}`);
                assert.equal(draft.size, "e2b");
                assert.equal(draft.vocabSize, entry.vocabSize);
                assert.ok(draft.ramBytes < entry.ramBytes / 2);
            }
        }
        for (const size of ["12b", "31b"] as const) assert.ok(defaultEntryForSize(size).draftModelId, `${size} should draft with E2B`);
    });

    it("finds entries by id and by file name, whatever their case", () => {
        assert.equal(findCatalogModel("GEMMA-4-E4B-Q4_K_M")?.size, "e4b");
        assert.equal(findCatalogModel("gemma-4-e4b-q9"), undefined);
        const entry = defaultEntryForSize("31b");
        assert.equal(catalogEntryForFileName(entry.file.fileName.toUpperCase())?.id, entry.id);
        assert.equal(catalogEntryForFileName(catalogDrafters[0].file.fileName)?.id, catalogDrafters[0].id);
    });

    it("knows exactly the architectures of the bundled node-llama-cpp", async () => {
        // A const enum in node-llama-cpp's types, but a real object in its JavaScript: read it at run time.
        const llama = await import("node-llama-cpp") as unknown as {GgufArchitectureType: Record<string, string>};
        const bundled = new Set<string>(Object.values(llama.GgufArchitectureType).filter((name) => name !== "(unknown)"));
        assert.deepEqual([...bundled].filter((name) => !knownArchitectures.has(name)), [], "architectures missing from our list");
        assert.deepEqual([...knownArchitectures].filter((name) => !bundled.has(name)), [], "architectures node-llama-cpp does not know");
        assert.ok(knownArchitectures.has("gemma4") && knownArchitectures.has("gemma4-assistant"));
    });
});

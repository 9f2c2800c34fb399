import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {discoverModels, draftersFor, usableMainModels, type DiscoveredModel} from "../../../src/runtime/models/discovery";
import {defaultDownloadDirectory, defaultSearchRoots} from "../../../src/runtime/models/searchRoots";
import {makeTempDir, otherTokens, writeTinyModel, writeTruncatedCopy} from "./support/tinyGguf";

/** Lays out a home folder the way Hugging Face, Ollama, LM Studio (new and old) and Hearth leave theirs. */
function buildHome(home: string): void {
    // Hugging Face hub cache: snapshots hold symlinks into blobs; two revisions point at the same blob.
    const repo = path.join(home, ".cache", "huggingface", "hub", "models--bartowski--google_gemma-4-E4B-it-GGUF");
    const blob = writeTinyModel(path.join(repo, "blobs", "9f2c3d"), {name: "Gemma 4 E4B tiny", embeddingLength: 64});
    for (const revision of ["aaa111", "bbb222"]) {
        const snapshot = path.join(repo, "snapshots", revision);
        fs.mkdirSync(snapshot, {recursive: true});
        fs.symlinkSync(path.relative(snapshot, blob), path.join(snapshot, "google_gemma-4-E4B-it-Q4_K_M.gguf"));
    }
    const projectorSnapshot = path.join(home, ".cache", "huggingface", "hub", "models--unsloth--gemma-4-E4B-it-GGUF", "snapshots", "ccc333");
    writeTinyModel(path.join(projectorSnapshot, "mmproj-BF16.gguf"), {architecture: "clip", noVocabulary: true});
    writeTinyModel(path.join(projectorSnapshot, "MTP", "gemma-4-E4B-it-MTP-F16.gguf"), {architecture: "gemma4-assistant", embeddingLengthOut: 64});

    // Ollama: a manifest names the model layer by digest; the blob has no .gguf extension.
    const ollama = path.join(home, ".ollama", "models");
    const addOllama = (name: string, tag: string, write: (file: string) => void) => {
        const staging = path.join(ollama, "staging.tmp");
        write(staging);
        const digest = crypto.createHash("sha256").update(fs.readFileSync(staging)).digest("hex");
        fs.mkdirSync(path.join(ollama, "blobs"), {recursive: true});
        fs.renameSync(staging, path.join(ollama, "blobs", `sha256-${digest}`));
        const manifest = {
            schemaVersion: 2,
            layers: [
                {mediaType: "application/vnd.ollama.image.template", digest: `sha256:${"0".repeat(64)}`, size: 10},
                {mediaType: "application/vnd.ollama.image.model", digest: `sha256:${digest}`, size: 1}
            ]
        };
        const manifestDir = path.join(ollama, "manifests", "registry.ollama.ai", "library", name);
        fs.mkdirSync(manifestDir, {recursive: true});
        fs.writeFileSync(path.join(manifestDir, tag), JSON.stringify(manifest));
    };
    addOllama("gemma4", "e2b", (file) => writeTinyModel(file, {name: "gemma4 e2b tiny", embeddingLength: 16}));
    addOllama("broken", "latest", (file) => fs.writeFileSync(file, "this is not a model at all"));

    // LM Studio 0.3+ with a symlink loop, and the older cache folder.
    const lmstudio = path.join(home, ".lmstudio", "models");
    writeTinyModel(path.join(lmstudio, "lmstudio-community", "gemma-4-26B-A4B-it-GGUF", "gemma-4-26B-A4B-it-Q4_K_M.gguf"), {embeddingLength: 128});
    fs.symlinkSync(lmstudio, path.join(lmstudio, "lmstudio-community", "loop"));
    writeTinyModel(path.join(lmstudio, "someone", "llama-GGUF", "llama-3-8b.Q4_K_M.gguf"), {architecture: "llama", tokens: otherTokens});
    writeTinyModel(path.join(home, ".cache", "lm-studio", "models", "old", "repo-GGUF", "old-model.gguf"), {name: "older LM Studio model"});

    // Hearth's own downloads: a complete split model (first part only counts) and an interrupted download.
    const downloads = path.join(home, ".cache", "hearth", "models");
    const split = writeTinyModel(path.join(downloads, "big-00001-of-00002.gguf"));
    fs.copyFileSync(split, path.join(downloads, "big-00002-of-00002.gguf"));
    const whole = writeTinyModel(path.join(downloads, "scratch.gguf"));
    writeTruncatedCopy(whole, path.join(downloads, "google_gemma-4-31B-it-Q4_K_M.gguf"), fs.statSync(whole).size - 64);
    fs.rmSync(whole);
    fs.writeFileSync(path.join(downloads, "notes.txt"), "not a model");
}

describe("models/discovery", () => {
    const home = makeTempDir("discovery");
    let models: DiscoveredModel[];
    const byFile = (fileName: string) => {
        const hits = models.filter((m) => m.fileName === fileName);
        assert.equal(hits.length, 1, `${fileName} found ${hits.length} times in ${models.map((m) => m.path).join(", ")}`);
        return hits[0];
    };

    before(async () => {
        buildHome(home);
        const roots = defaultSearchRoots({env: {}, platform: "linux", homeDir: home, downloadDirectory: defaultDownloadDirectory("", home, "linux")});
        // A threshold between the tiny E2B stand-in (16-wide) and the others, so both roles appear.
        models = await discoverModels({roots, draftModelMaxParameters: 2000});
    });
    after(() => fs.rmSync(home, {recursive: true, force: true}));

    it("finds the Hugging Face model once though two snapshots link to it, labelled by repo", () => {
        const hf = byFile("google_gemma-4-E4B-it-Q4_K_M.gguf");
        assert.equal(hf.source, "huggingface");
        assert.match(hf.label, /^bartowski\/google_gemma-4-E4B-it-GGUF\/google_gemma-4-E4B-it-Q4_K_M\.gguf$/);
        assert.equal(hf.role, "main");
        assert.equal(hf.architecture, "gemma4");
        assert.equal(hf.name, "Gemma 4 E4B tiny");
        assert.equal(hf.catalogId, "gemma-4-e4b-q4_k_m");
        assert.equal(hf.sizeBytes, fs.statSync(hf.path).size);
    });

    it("reads Ollama's manifests to find its GGUF blobs, and refuses a blob that is not GGUF", () => {
        const ollama = models.filter((m) => m.source === "ollama");
        const gemma = ollama.find((m) => m.label === "gemma4:e2b");
        assert.ok(gemma, JSON.stringify(ollama.map((m) => m.label)));
        assert.match(path.basename(gemma.path), /^sha256-[0-9a-f]{64}$/);
        assert.equal(gemma.role, "draftCapable");
        const broken = ollama.find((m) => m.label === "broken:latest");
        assert.equal(broken?.role, "unusable");
        assert.equal(broken?.reason, "not a GGUF file");
    });

    it("finds LM Studio models in the new and the old folder, without looping on a symlink to a parent", () => {
        const gemma = byFile("gemma-4-26B-A4B-it-Q4_K_M.gguf");
        assert.equal(gemma.source, "lmstudio");
        assert.equal(gemma.label, "lmstudio-community/gemma-4-26B-A4B-it-GGUF");
        assert.equal(byFile("old-model.gguf").name, "older LM Studio model");
        assert.equal(byFile("llama-3-8b.Q4_K_M.gguf").architecture, "llama");
    });

    it("classifies drafters and projectors by their header", () => {
        assert.equal(byFile("gemma-4-E4B-it-MTP-F16.gguf").role, "mtpDrafter");
        const projector = byFile("mmproj-BF16.gguf");
        assert.equal(projector.role, "unusable");
        assert.match(projector.reason ?? "", /projector \(mmproj\)/);
        assert.equal(projector.architecture, "clip");
    });

    it("reports an interrupted download as truncated and keeps only the first part of a split model", () => {
        const cut = byFile("google_gemma-4-31B-it-Q4_K_M.gguf");
        assert.equal(cut.source, "hearth");
        assert.equal(cut.role, "unusable");
        assert.match(cut.reason ?? "", /^truncated: \d+ of \d+ bytes$/);
        byFile("big-00001-of-00002.gguf");
        assert.equal(models.some((m) => m.fileName === "big-00002-of-00002.gguf"), false);
        assert.equal(models.some((m) => m.fileName === "notes.txt"), false);
    });

    it("pairs a main model with the drafters that share its vocabulary", () => {
        const main = byFile("google_gemma-4-E4B-it-Q4_K_M.gguf");
        const drafters = draftersFor(main, models).map((m) => m.fileName).sort();
        assert.ok(drafters.includes("gemma-4-E4B-it-MTP-F16.gguf"), drafters.join());
        assert.ok(drafters.some((name) => name.startsWith("sha256-")), "the small Ollama gemma4 should draft");
        assert.ok(!drafters.includes("llama-3-8b.Q4_K_M.gguf"), "a foreign vocabulary cannot draft");
        const mains = usableMainModels(models).map((m) => m.fileName);
        assert.ok(!mains.includes("gemma-4-E4B-it-MTP-F16.gguf") && !mains.includes("mmproj-BF16.gguf"));
    });

    it("stops at its depth and entry limits", async () => {
        const deep = path.join(home, "deep");
        writeTinyModel(path.join(deep, "a", "b", "c", "d", "deep.gguf"));
        writeTinyModel(path.join(deep, "shallow.gguf"));
        const shallow = await discoverModels({roots: [{source: "hearth", dir: deep}], limits: {maxDepth: 2}});
        assert.deepEqual(shallow.map((m) => m.fileName), ["shallow.gguf"]);
        const all = await discoverModels({roots: [{source: "hearth", dir: deep}], limits: {maxDepth: 8}});
        assert.deepEqual(all.map((m) => m.fileName).sort(), ["deep.gguf", "shallow.gguf"]);
        const none = await discoverModels({roots: [{source: "hearth", dir: deep}], limits: {maxEntries: 0}});
        assert.deepEqual(none, []);
    });

    it("reads a header again when the file changes", async () => {
        const dir = path.join(home, "changing");
        const file = writeTinyModel(path.join(dir, "model.gguf"));
        const first = await discoverModels({roots: [{source: "hearth", dir}]});
        assert.equal(first[0].role, "draftCapable");
        fs.writeFileSync(file, "replaced by something else entirely");
        const second = await discoverModels({roots: [{source: "hearth", dir}]});
        assert.equal(second[0].role, "unusable");
        assert.equal(second[0].reason, "not a GGUF file");
    });
});

describe("models/searchRoots", () => {
    const base = {platform: "linux" as NodeJS.Platform, homeDir: "/home/ada", downloadDirectory: "/home/ada/.cache/hearth/models"};
    const dirs = (env: Record<string, string>, overrides: Partial<typeof base> = {}) =>
        defaultSearchRoots({...base, ...overrides, env}).map((root) => `${root.source} ${root.dir}`);

    it("follows the Hugging Face and Ollama environment variables", () => {
        assert.ok(dirs({}).includes("huggingface /home/ada/.cache/huggingface/hub"));
        assert.ok(dirs({XDG_CACHE_HOME: "/xdg"}).includes("huggingface /xdg/huggingface/hub"));
        assert.ok(dirs({HF_HOME: "/data/hf"}).includes("huggingface /data/hf/hub"));
        assert.ok(dirs({HF_HOME: "/data/hf", HF_HUB_CACHE: "/fast/hub"}).includes("huggingface /fast/hub"));
        assert.ok(dirs({}).includes("ollama /usr/share/ollama/.ollama/models"));
        assert.deepEqual(dirs({OLLAMA_MODELS: "~/ollama"}).filter((d) => d.startsWith("ollama")), ["ollama /home/ada/ollama"]);
    });

    it("uses each OS's own paths", () => {
        const windows = dirs({}, {platform: "win32", homeDir: "C:\\Users\\Ada", downloadDirectory: "C:\\Users\\Ada\\.cache\\hearth\\models"});
        assert.ok(windows.includes("huggingface C:\\Users\\Ada\\.cache\\huggingface\\hub"), windows.join("\n"));
        assert.ok(windows.includes("ollama C:\\Users\\Ada\\.ollama\\models"));
        assert.ok(windows.includes("lmstudio C:\\Users\\Ada\\.lmstudio\\models"));
        assert.ok(!windows.some((d) => d.includes("/usr/share")));
        const mac = dirs({}, {platform: "darwin", homeDir: "/Users/ada"});
        assert.ok(mac.includes("lmstudio /Users/ada/.cache/lm-studio/models") && mac.includes("ollama /Users/ada/.ollama/models"));
        assert.equal(defaultDownloadDirectory("", "C:\\Users\\Ada", "win32"), "C:\\Users\\Ada\\.cache\\hearth\\models");
        assert.equal(defaultDownloadDirectory("~/models", "/home/ada", "linux"), "/home/ada/models");
    });
});

// Downloads through node-llama-cpp's real downloader from a Hugging Face-shaped server on 127.0.0.1: the same
// `hf:owner/repo/file` URIs the catalog uses, resolved against a local endpoint instead of the hub.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import path from "node:path";
import {RuntimeError} from "../../../src/runtime/protocol";
import {defaultEntryForSize} from "../../../src/runtime/models/catalog";
import {downloadModelFiles, downloadPlan, missingFiles, planFiles, type DownloadPlan, type DownloadProgress} from "../../../src/runtime/models/download";
import {makeTempDir, writeTinyModel} from "./support/tinyGguf";

interface LocalHub {
    endpoint: string;
    /** Files served at /<owner>/<repo>/resolve/main/<name>. */
    files: Map<string, Buffer>;
    /** Bytes per 20 ms when throttled; 0 serves at full speed. */
    throttleBytes: number;
    requests: string[];
    close(): Promise<void>;
}

async function startLocalHub(): Promise<LocalHub> {
    const hub = {files: new Map<string, Buffer>(), throttleBytes: 0, requests: [] as string[]} as LocalHub;
    const server = http.createServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        hub.requests.push(`${request.method} ${url.pathname}`);
        const match = /^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
        const body = match ? hub.files.get(decodeURIComponent(match[3])) : undefined;
        if (body === undefined) {
            response.writeHead(404, {"Content-Type": "text/plain"}).end("Entry not found");
            return;
        }
        let start = 0;
        let end = body.length - 1;
        const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
        if (range) {
            start = Number(range[1]);
            end = range[2] !== "" ? Math.min(Number(range[2]), end) : end;
        }
        const headers = {"Content-Type": "application/octet-stream", "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes",
            "ETag": `"${body.length}"`, ...(range ? {"Content-Range": `bytes ${start}-${end}/${body.length}`} : {})};
        response.writeHead(range ? 206 : 200, headers);
        if (request.method === "HEAD") {
            response.end();
            return;
        }
        const slice = body.subarray(start, end + 1);
        if (hub.throttleBytes === 0) {
            response.end(slice);
            return;
        }
        let offset = 0;
        const timer = setInterval(() => {
            if (response.destroyed || offset >= slice.length) {
                clearInterval(timer);
                response.end();
                return;
            }
            response.write(slice.subarray(offset, offset + hub.throttleBytes));
            offset += hub.throttleBytes;
        }, 20);
        response.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    hub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    hub.close = () => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
    });
    return hub;
}

function servedFile(hub: LocalHub, fileName: string, bytes: Buffer) {
    hub.files.set(fileName, bytes);
    return {uri: `hf:local-owner/tiny-gemma-GGUF/${fileName}`, fileName, sizeBytes: bytes.length, sizeApproximate: false};
}

describe("models/download", () => {
    const dir = makeTempDir("download");
    const sources = path.join(dir, "sources");
    const mainBytes = fs.readFileSync(writeTinyModel(path.join(sources, "main.gguf"), {embeddingLength: 8192}));
    const drafterBytes = fs.readFileSync(writeTinyModel(path.join(sources, "mtp.gguf"), {architecture: "gemma4-assistant", embeddingLengthOut: 8192}));
    let hub: LocalHub;

    beforeEach(async () => {
        hub = await startLocalHub();
    });
    afterEach(async () => hub.close());
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it("plans the catalog's files and the drafter asked for", () => {
        const entry = defaultEntryForSize("31b");
        assert.deepEqual(planFiles(downloadPlan(entry, "none")), [entry.file]);
        assert.match(downloadPlan(entry, "mtp").drafter?.file.fileName ?? "", /^mtp-gemma-4-31B-it\.gguf$/);
        assert.equal(downloadPlan(entry, "draftModel").drafter?.file.fileName, defaultEntryForSize("e2b").file.fileName);
        assert.equal(downloadPlan(defaultEntryForSize("e2b"), "draftModel").drafter, undefined);
        assert.equal(missingFiles(downloadPlan(entry, "mtp"), dir).length, 2);
    });

    it("downloads a model and its MTP drafter with progress, and verifies both headers", async () => {
        const plan: DownloadPlan = {
            label: "tiny Gemma",
            model: servedFile(hub, "tiny-gemma-Q4_K_M.gguf", mainBytes),
            drafter: {kind: "mtp", file: servedFile(hub, "mtp-tiny-gemma.gguf", drafterBytes)}
        };
        const target = path.join(dir, "both");
        const progress: DownloadProgress[] = [];
        const result = await downloadModelFiles({plan, directory: target, huggingFaceEndpoint: hub.endpoint, onProgress: (p) => progress.push(p)});
        assert.equal(result.modelPath, path.join(target, "tiny-gemma-Q4_K_M.gguf"));
        assert.equal(result.drafterPath, path.join(target, "mtp-tiny-gemma.gguf"));
        assert.ok(fs.readFileSync(result.modelPath!).equals(mainBytes));
        assert.ok(fs.readFileSync(result.drafterPath!).equals(drafterBytes));
        assert.ok(progress.length > 0, "no progress reported");
        const last = progress.at(-1)!;
        assert.equal(last.totalBytes, mainBytes.length + drafterBytes.length);
        assert.equal(last.downloadedBytes, last.totalBytes);
        assert.ok(hub.requests.some((r) => r.endsWith("/local-owner/tiny-gemma-GGUF/resolve/main/tiny-gemma-Q4_K_M.gguf")), hub.requests.join("\n"));
        assert.deepEqual(missingFiles(plan, target), []);

        // A second run finds both complete and leaves them as they are.
        const before = fs.statSync(result.modelPath!, {bigint: true});
        const again = await downloadModelFiles({plan, directory: target, huggingFaceEndpoint: hub.endpoint});
        const after = fs.statSync(again.modelPath!, {bigint: true});
        assert.equal(after.mtimeNs, before.mtimeNs);
        assert.equal(after.ino, before.ino);
    });

    it("downloads only a drafter, checking it against the model already on disk", async () => {
        const existing = writeTinyModel(path.join(dir, "existing", "main.gguf"), {embeddingLength: 8192});
        const good: DownloadPlan = {label: "tiny Gemma", drafter: {kind: "mtp", file: servedFile(hub, "mtp-only.gguf", drafterBytes)}};
        const result = await downloadModelFiles({plan: good, directory: path.join(dir, "drafter-only"), huggingFaceEndpoint: hub.endpoint, existingModelPath: existing});
        assert.equal(result.modelPath, undefined);
        assert.equal(result.drafterPath, path.join(dir, "drafter-only", "mtp-only.gguf"));
        // A main model offered as the MTP drafter is refused once it arrives, and removed.
        const wrong: DownloadPlan = {label: "tiny Gemma", drafter: {kind: "mtp", file: servedFile(hub, "not-a-drafter.gguf", mainBytes)}};
        const file = path.join(dir, "drafter-only", "not-a-drafter.gguf");
        await assert.rejects(downloadModelFiles({plan: wrong, directory: path.join(dir, "drafter-only"), huggingFaceEndpoint: hub.endpoint}),
            (error: unknown) => error instanceof RuntimeError && error.path === file && /as the MTP drafter: it is a gemma4 model, not a gemma4-assistant/.test(error.message));
        assert.equal(fs.existsSync(file), false);
    });

    it("cancels on abort, leaving no partial file", async () => {
        hub.throttleBytes = 16 * 1024;
        const plan: DownloadPlan = {label: "tiny Gemma", model: servedFile(hub, "slow-gemma.gguf", mainBytes)};
        const target = path.join(dir, "cancelled");
        const controller = new AbortController();
        const started = downloadModelFiles({
            plan, directory: target, huggingFaceEndpoint: hub.endpoint, signal: controller.signal,
            onProgress: (p) => {
                if (p.downloadedBytes > 0) controller.abort();
            }
        });
        await assert.rejects(started, (error: unknown) => error instanceof RuntimeError && error.code === "cancelled" && /tiny Gemma cancelled/.test(error.message));
        const left = fs.existsSync(target) ? fs.readdirSync(target) : [];
        assert.deepEqual(left, [], `left behind: ${left.join(", ")}`);
    });

    it("refuses and deletes a download that is not a GGUF, naming the file", async () => {
        const plan: DownloadPlan = {label: "tiny Gemma", model: servedFile(hub, "login-page.gguf", Buffer.from("<!doctype html><title>Sign in</title>"))};
        const target = path.join(dir, "html");
        const file = path.join(target, "login-page.gguf");
        await assert.rejects(downloadModelFiles({plan, directory: target, huggingFaceEndpoint: hub.endpoint}), (error: unknown) =>
            error instanceof RuntimeError && error.code === "badModel" && error.path === file
            && error.message.includes(file) && /not a GGUF file/.test(error.message) && /deleted/.test(error.message));
        assert.equal(fs.existsSync(file), false);
    });

    it("names the URI when the hub does not have the file", async () => {
        const plan: DownloadPlan = {label: "tiny Gemma", model: {uri: "hf:local-owner/tiny-gemma-GGUF/missing.gguf", fileName: "missing.gguf", sizeBytes: 1, sizeApproximate: false}};
        await assert.rejects(downloadModelFiles({plan, directory: path.join(dir, "missing"), huggingFaceEndpoint: hub.endpoint}),
            /Downloading tiny Gemma \(hf:local-owner\/tiny-gemma-GGUF\/missing\.gguf\) failed/);
    });
});

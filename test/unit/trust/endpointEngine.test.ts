// The endpoint engine inside the runtime process applies the same rules as the extension: a load request
// that names plain http:// off this machine is refused before any connection, and the environment's key
// reaches only the origin it names. A real HTTP server on 127.0.0.1 records what arrives.
import assert from "node:assert/strict";
import http from "node:http";
import type {AddressInfo} from "node:net";
import {createOpenAiCompatibleEngine} from "../../../src/runtime/host/engines/openaiCompatible";
import {RuntimeError, type LoadParams} from "../../../src/runtime/protocol";

const log = (): void => undefined;
const params = (url: string, apiKey?: string): LoadParams => ({
    engine: "openaiCompatible", modelPath: "", drafterMode: "off", maxDraftTokens: 4, contextSize: 0, gpu: "off", threads: 0,
    endpoint: {url, model: "", ...(apiKey ? {apiKey} : {})}
});

describe("trust/endpoint engine", () => {
    let server: http.Server;
    let origin: string;
    const seen: Array<{path: string, authorization?: string}> = [];
    before(async () => {
        server = http.createServer((request, response) => {
            seen.push({path: request.url ?? "", authorization: request.headers.authorization});
            // Just enough of an OpenAI-compatible server for a load: one model, no tokenizer.
            if (request.url === "/v1/models") return void response.end(JSON.stringify({data: [{id: "probe"}]}));
            response.statusCode = 404;
            response.end("{}");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => { seen.length = 0; });

    it("refuses plain http:// to a host off this machine without connecting", async () => {
        await assert.rejects(createOpenAiCompatibleEngine(params("http://192.0.2.10:8080/v1", "secret"), log),
            (error: unknown) => error instanceof RuntimeError && error.code === "invalidRequest" && /plain http:\/\//.test(error.message));
    });

    it("sends the key it was given to the endpoint it was loaded for", async () => {
        const engine = await createOpenAiCompatibleEngine(params(`${origin}/v1`, "k-stored"), log);
        await engine.dispose();
        assert.ok(seen.length > 0);
        assert.ok(seen.every((request) => request.authorization === "Bearer k-stored"), JSON.stringify(seen));
    });

    it("sends the environment's key only when it names this origin", async () => {
        const saved = {key: process.env.HEARTH_ENDPOINT_API_KEY, origin: process.env.HEARTH_ENDPOINT_API_KEY_ORIGIN};
        try {
            process.env.HEARTH_ENDPOINT_API_KEY = "k-env";
            process.env.HEARTH_ENDPOINT_API_KEY_ORIGIN = "http://127.0.0.1:1";
            await (await createOpenAiCompatibleEngine(params(`${origin}/v1`), log)).dispose();
            assert.ok(seen.length > 0 && seen.every((request) => request.authorization === undefined), JSON.stringify(seen));
            seen.length = 0;
            process.env.HEARTH_ENDPOINT_API_KEY_ORIGIN = origin;
            await (await createOpenAiCompatibleEngine(params(`${origin}/v1`), log)).dispose();
            assert.ok(seen.length > 0 && seen.every((request) => request.authorization === "Bearer k-env"), JSON.stringify(seen));
        } finally {
            for (const [name, value] of [["HEARTH_ENDPOINT_API_KEY", saved.key], ["HEARTH_ENDPOINT_API_KEY_ORIGIN", saved.origin]] as const) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
        }
    });

    it("never follows a redirect: the key and the request stay with the endpoint the user named", async () => {
        const elsewhere: string[] = [];
        const target = http.createServer((request, response) => { elsewhere.push(`${request.url} ${request.headers.authorization ?? ""}`); response.end("{}"); });
        await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
        const redirector = http.createServer((request, response) => {
            response.statusCode = 307;
            response.setHeader("location", `http://127.0.0.1:${(target.address() as AddressInfo).port}${request.url}`);
            response.end();
        });
        await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
        try {
            await assert.rejects(createOpenAiCompatibleEngine(params(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/v1`, "k-secret"), log),
                (error: unknown) => error instanceof RuntimeError && /redirect/i.test(error.message));
            assert.deepEqual(elsewhere, []);
        } finally {
            await Promise.all([target, redirector].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
        }
    });
});

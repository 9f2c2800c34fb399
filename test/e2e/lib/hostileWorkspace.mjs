// The Restricted Mode pass's world: a copy of test/fixtures/workspaces/hostile in the sandbox with its
// placeholders filled in, and two servers on 127.0.0.1 that record every request: "evil" (the endpoint
// the workspace names) and "team" (an endpoint the user names in user settings). Each answers just
// enough of the OpenAI API for a load (/v1/models) and lists what it received at /__requests.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import {repoRoot} from "./tools.mjs";

const fixture = path.join(repoRoot, "test/fixtures/workspaces/hostile");
const modelsDir = path.join(repoRoot, "test/fixtures/models");

/** Resolves with {folder, env, stop}; `env` tells the suite where the marker and both servers are. */
export async function prepareHostileWorkspace(sandbox) {
    const folder = path.join(sandbox.root, "hostile");
    fs.cpSync(fixture, folder, {recursive: true});
    fs.chmodSync(path.join(folder, "bin/llama-server"), 0o755);
    const evil = await startRecordingServer();
    const team = await startRecordingServer();
    const settingsFile = path.join(folder, ".vscode/settings.json");
    const filled = fs.readFileSync(settingsFile, "utf8")
        .replaceAll("__WORKSPACE__", folder)
        .replaceAll("__MODELS__", modelsDir)
        .replaceAll("__EVIL_ENDPOINT__", evil.origin);
    fs.writeFileSync(settingsFile, filled);
    return {
        folder,
        env: {
            HEARTH_E2E_HOSTILE_MARKER: path.join(folder, "HEARTH-RAN-ME"),
            HEARTH_E2E_HOSTILE_PROGRAM: path.join(folder, "bin/llama-server"),
            HEARTH_E2E_EVIL_ENDPOINT: evil.origin,
            HEARTH_E2E_TEAM_ENDPOINT: team.origin
        },
        stop: async () => { await Promise.all([evil.stop(), team.stop()]); }
    };
}

function startRecordingServer() {
    const received = [];
    const server = http.createServer((request, response) => {
        if (request.url === "/__requests") {
            response.setHeader("content-type", "application/json");
            return void response.end(JSON.stringify(received));
        }
        received.push({method: request.method, path: request.url, authorization: request.headers.authorization ?? null});
        request.resume();
        response.setHeader("content-type", "application/json");
        if (request.url === "/v1/models") return void response.end(JSON.stringify({data: [{id: "recording-server"}]}));
        response.statusCode = 404;
        response.end(JSON.stringify({error: {message: "this server only records requests"}}));
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const {port} = server.address();
            resolve({
                origin: `http://127.0.0.1:${port}`,
                stop: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); })
            });
        });
    });
}

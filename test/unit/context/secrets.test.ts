// Secrets never reach a prompt, end to end on the real index (real crawl, real tree-sitter): denied and
// .hearthignore'd files are not indexed and are not packed from open editors, recent edits or the active
// editor; nothing outside the workspace folders is packed, links included; and what is packed is redacted
// with its line numbers intact. Fake secrets are put together at run time (see redact.test.ts).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {after, before, describe, it} from "mocha";
import {ContextEngine} from "../../../src/context/engine";
import {isIgnoreFile} from "../../../src/context/ignoreFiles";
import type {PackResult} from "../../../src/context/types";
import {copyFixture, defaultOptions, positionAfter, type Workspace} from "./fixture";

const token = `ghp_${"Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm9Nb8"}`;
const keyLines = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "k3Jq8Vb2Xw9Ls4Nd7Gh1Rt6Yp0Ze5Wc8Qm2Fa3Ub9Io7Kl4Jh6Tg", "Pq1Ow2Ie3Ur4Yt5Tr6Ew7Qa8Sd9Fg0Hj1Kl2Zx3Cv4Bn5Mm6Nn7", "Aa8Bb9Cc0Dd1Ee2Ff3Gg4Hh5Ii6Jj7Kk8Ll9Mm0Nn1Oo2Pp3Qq4Rr"];
const pem = ["-----BEGIN PRIVATE KEY-----", ...keyLines, "-----END PRIVATE KEY-----"];

/** Files a workspace should never show a model, and the one with secrets inside ordinary code. */
function addSecrets(ws: Workspace): void {
    ws.write(".env", `GITHUB_TOKEN=${token}\n`);
    ws.write(".npmrc", `//registry.npmjs.org/:_authToken=${token}\n`);
    ws.write("deploy/id_rsa", `${pem.join("\n")}\n`);
    ws.write("config/credentials.json", `{"zebracredential": "${token}"}\n`);
    ws.write("secrets.yaml", "zebrasecret: hunter22\n");
    ws.write("infra/prod.tfvars", "db_password = \"hunter22\"\n");
    ws.write(".hearthignore", "private/\n*.internal.ts\n");
    ws.write("private/payroll.ts", "export function payrollFormula(base: number): number {\n    return base * 1.07;\n}\n");
    ws.write("ts/src/util/keys.internal.ts", "export function internalKeyHelper(): string {\n    return \"k\";\n}\n");
    ws.write("py/.hearthignore", "pricing/rates_private.py\n");
    ws.write("py/pricing/rates_private.py", "def private_rate_table():\n    return {}\n");
    ws.write("ts/src/config.ts", [
        "export function connectDatabase(host: string): string {",
        `    const githubToken = "${token}";`,
        "    const password = \"s3cr3t!pw\";",
        "    return `postgres://app:${password}@${host}/db?t=${githubToken}`;",
        "}",
        "",
        "export const signingKey = `" + pem[0],
        ...keyLines,
        pem[5] + "`;",
        "",
        "export function sign(data: string): string {",
        "    return data + signingKey.length;",
        "}",
        ""
    ].join("\n"));
}

describe("context: secrets never reach a prompt", function () {
    this.timeout(120000);
    let ws: Workspace;
    let other: Workspace;
    let outside: string;
    let engine: ContextEngine;

    before(async () => {
        ws = copyFixture();
        other = copyFixture();
        addSecrets(ws);
        other.write(".hearthignore", "py/\n");
        outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-outside-"))).split(path.sep).join("/");
        fs.writeFileSync(`${outside}/notes.ts`, "export function outsideHelper(): number {\n    return 42;\n}\n");
        fs.writeFileSync(`${outside}/id_rsa`, `${pem.join("\n")}\n`);
        // Links inside the workspace: to a file outside it, and to a denied file inside it under an innocent name.
        fs.symlinkSync(`${outside}/notes.ts`, ws.file("ts/src/linkedNotes.ts"));
        fs.symlinkSync(ws.file("deploy/id_rsa"), ws.file("docs/key.txt"));
        engine = await ContextEngine.create(defaultOptions);
        await engine.indexFolders([ws.root, other.root]);
    });
    after(() => { ws.remove(); other.remove(); fs.rmSync(outside, {recursive: true, force: true}); });

    const rel = (p: string): string => path.posix.relative(ws.root, p);
    const indexed = (root: string): string[] =>
        [...engine.indexer.index.allFiles()].filter((f) => f.root === root).map((f) => path.posix.relative(root, f.path));
    const refusedPaths = (): string[] => [
        ".env", ".npmrc", "deploy/id_rsa", "config/credentials.json", "secrets.yaml", "infra/prod.tfvars", "private/payroll.ts",
        "ts/src/util/keys.internal.ts", "py/pricing/rates_private.py", "ignored/secret.ts", "ts/src/linkedNotes.ts", "docs/key.txt"
    ].map((p) => ws.file(p)).concat([`${outside}/notes.ts`, `${outside}/id_rsa`]);
    const assertClean = (result: PackResult): void => {
        const refused = new Set(refusedPaths());
        for (const s of result.snippets) {
            assert.ok(!refused.has(s.path), `${s.label} (${s.source}) must not be packed`);
            for (const secret of [token, "hunter22", "s3cr3t!pw", ...keyLines]) assert.ok(!s.text.includes(secret), `${s.label} holds a secret`);
        }
    };

    it("indexes no denied or .hearthignore'd file, in every folder by its own rules", () => {
        const files = indexed(ws.root);
        for (const left of ["config/credentials.json", "secrets.yaml", "private/payroll.ts", "ts/src/util/keys.internal.ts", "py/pricing/rates_private.py", "ts/src/linkedNotes.ts", "docs/key.txt"]) {
            assert.ok(!files.includes(left), `${left} is not indexed`);
        }
        for (const kept of ["ts/src/config.ts", "py/pricing/tax.py", "py/app.py", "ts/src/util/index.ts"]) assert.ok(files.includes(kept), `${kept} is indexed`);
        for (const name of ["payrollFormula", "internalKeyHelper", "private_rate_table", "outsideHelper"]) {
            assert.deepEqual(engine.indexer.index.definitionsNamed(name), [], `${name} is not indexed`);
        }
        // The second folder's .hearthignore leaves out its py/; the first folder's rules do not reach it.
        const otherFiles = indexed(other.root);
        assert.ok(!otherFiles.some((f) => f.startsWith("py/")), otherFiles.join(", "));
        assert.ok(otherFiles.includes("ts/src/main.ts") && otherFiles.includes("ts/src/util/keys.internal.ts") === false);
        assert.ok(indexed(ws.root).includes("py/app.py"), "the second folder's rules do not reach the first");
    });

    it("names why a file is refused: outside, denied, .hearthignore'd, or excluded unless it is being edited", () => {
        const policy = engine.policy;
        assert.equal(policy.refusal(`${outside}/notes.ts`), "outsideWorkspace");
        assert.equal(policy.refusal(ws.file("ts/src/linkedNotes.ts")), "outsideWorkspace", "a link counts where it points");
        assert.equal(policy.refusal(ws.file("docs/key.txt")), "denied", "a link to a key under an innocent name");
        assert.equal(policy.refusal(ws.file(".env")), "denied");
        assert.equal(policy.refusal(ws.file(".env"), true), "denied", "even while it is being edited");
        assert.equal(policy.refusal(ws.file("private/payroll.ts"), true), "hearthignore");
        assert.equal(policy.refusal(ws.file("py/pricing/rates_private.py")), "hearthignore", "a nested .hearthignore applies below its folder");
        assert.equal(policy.refusal(ws.file("ignored/secret.ts")), "excluded");
        assert.equal(policy.refusal(ws.file("ignored/secret.ts"), true), undefined);
        assert.equal(policy.refusal(ws.file(".env.example")), undefined);
        assert.equal(policy.refusal(ws.file("ts/src/config.ts")), undefined);
        assert.equal(policy.refusal(other.file("py/app.py")), "hearthignore");
        assert.equal(policy.refusal(other.file("private/payroll.ts")), undefined, "each folder has its own .hearthignore");
    });

    it("does not take a denied, ignored or linked file in through saves, links or unsaved text", async () => {
        ws.write("config/credentials.json", `{"zebracredential": "${token}", "more": 1}\n`);
        assert.equal(await engine.updateFile(ws.file("config/credentials.json")), "skipped");
        assert.equal(await engine.updateFile(ws.file("ts/src/linkedNotes.ts")), "skipped");
        assert.equal(await engine.renameFile(ws.file("ts/src/gone.ts"), ws.file("ts/src/linkedNotes.ts")), "skipped");
        assert.equal(await engine.indexer.syncText(ws.file("private/payroll.ts"), "export function typedIn() {}\n"), "skipped");
        assert.equal(await engine.indexer.syncText(`${outside}/notes.ts`, "export function typedOutside() {}\n"), "skipped");
        assert.deepEqual(engine.indexer.index.definitionsNamed("typedIn"), []);
        assert.deepEqual(engine.indexer.index.definitionsNamed("outsideHelper"), []);
    });

    it("packs nothing from refused open editors and recent edits, and still packs the allowed ones", async () => {
        const text = ws.read("ts/src/main.ts");
        const refused = refusedPaths();
        const result = await engine.contextForCursor({
            path: ws.file("ts/src/main.ts"), text, ...positionAfter(text, "total += area("), budgetTokens: 8192,
            openEditors: [...refused.map((p) => ({path: p, visibleStartLine: 0, visibleEndLine: 5})), {path: ws.file("rb/greeter.rb"), visibleStartLine: 0, visibleEndLine: 8}],
            recentEdits: [...refused.map((p) => ({path: p, startLine: 0, endLine: 1, at: Date.now()})), {path: ws.file("go/geo/geo.go"), startLine: 16, endLine: 17, at: Date.now()}]
        });
        assertClean(result);
        const sources = new Map(result.snippets.map((s) => [s.source, rel(s.path)]));
        assert.equal(sources.get("openEditor"), "rb/greeter.rb");
        assert.equal(sources.get("recentEdit"), "go/geo/geo.go");
        assert.ok(result.snippets.some((s) => s.source === "definition" && s.symbol === "area"), "retrieval itself still works");
    });

    it("gives no context to a cursor in a denied, .hearthignore'd or outside file", async () => {
        for (const file of [ws.file("secrets.yaml"), ws.file("private/payroll.ts"), `${outside}/notes.ts`, ws.file("ts/src/linkedNotes.ts"), ws.file(".env")]) {
            const text = fs.readFileSync(file, "utf8");
            const result = await engine.contextForCursor({path: file, text, line: 0, column: 3, budgetTokens: 4096, openEditors: [{path: ws.file("rb/greeter.rb")}]});
            assert.deepEqual(result.snippets.map((s) => s.label), [], file);
        }
    });

    it("a gitignored file being edited gets its own context, but never reaches another request", async () => {
        const file = ws.file("ignored/secret.ts");
        const text = ws.read("ignored/secret.ts");
        const own = await engine.contextForCursor({path: file, text, ...positionAfter(text, "return "), budgetTokens: 4096});
        assert.ok(own.snippets.some((s) => s.path === file && s.source === "scope"), own.snippets.map((s) => s.label).join(", "));
        const elsewhere = await engine.contextForQuestion({question: "What does `leakedSecret` return?", budgetTokens: 8192});
        assertClean(elsewhere);
    });

    it("a question never gets a refused active editor, its selection, or a refused file it names", async () => {
        const result = await engine.contextForQuestion({
            question: "What do `payrollFormula`, `internalKeyHelper`, `private_rate_table` and `outsideHelper` do? See credentials.json, secrets.yaml, id_rsa and .env",
            current: {path: ws.file("deploy/id_rsa"), text: ws.read("deploy/id_rsa"), line: 1, selection: {startLine: 0, endLine: 3}},
            openEditors: refusedPaths().map((p) => ({path: p})),
            budgetTokens: 16384
        });
        assertClean(result);
        assert.ok(!result.snippets.some((s) => s.source === "selection" || s.source === "currentFile"));
        assert.ok(result.snippets.length > 0, "the rest of the workspace still answers");
        for (const file of [`${outside}/notes.ts`, ws.file("ts/src/linkedNotes.ts")]) {
            const fromOutside = await engine.contextForQuestion({
                question: "explain this", current: {path: file, text: fs.readFileSync(file, "utf8"), line: 1, selection: {startLine: 0, endLine: 2}}, budgetTokens: 4096
            });
            assertClean(fromOutside);
        }
    });

    it("redacts secrets in a packed definition and keeps its line numbers true", async () => {
        const result = await engine.contextForQuestion({question: "How does `connectDatabase` build its URL?", budgetTokens: 8192});
        const snippet = result.snippets.find((s) => s.symbol === "connectDatabase");
        assert.ok(snippet, result.snippets.map((s) => s.label).join(", "));
        assert.equal(snippet.label, "ts/src/config.ts:1-5");
        const lines = snippet.text.split("\n");
        assert.equal(lines.length, snippet.endLine - snippet.startLine + 1);
        assert.equal(lines[1], "    const githubToken = \"[REDACTED:github-token]\";");
        assert.equal(lines[2], "    const password = \"[REDACTED:password]\";");
        const fileLines = ws.read("ts/src/config.ts").split("\n");
        assert.equal(lines[0], fileLines[snippet.startLine]);
        assert.equal(lines[4], fileLines[snippet.endLine]);
        assertClean(result);
    });

    it("redacts a key block even when a snippet starts inside it, and the lines after it stay in place", async () => {
        const file = ws.file("ts/src/config.ts");
        const fileLines = ws.read("ts/src/config.ts").split("\n");
        const firstKeyLine = fileLines.indexOf(keyLines[0]);
        const text = ws.read("ts/src/main.ts");
        const result = await engine.contextForCursor({
            path: ws.file("ts/src/main.ts"), text, ...positionAfter(text, "total += area("), budgetTokens: 8192,
            openEditors: [{path: file, visibleStartLine: firstKeyLine + 1, visibleEndLine: firstKeyLine + 8}]
        });
        const shown = result.snippets.find((s) => s.source === "openEditor");
        assert.ok(shown, result.snippets.map((s) => s.label).join(", "));
        assert.equal(shown.startLine, firstKeyLine + 1);
        const lines = shown.text.split("\n");
        assert.equal(lines.length, shown.endLine - shown.startLine + 1);
        const signLine = fileLines.indexOf("export function sign(data: string): string {");
        assert.equal(lines[signLine - shown.startLine], fileLines[signLine], "the function after the key is on its own line number");
        assertClean(result);
    });

    it("picks up a changed .hearthignore when the folders are crawled again, as a save of it triggers", async () => {
        assert.ok(isIgnoreFile(ws.file(".hearthignore")) && isIgnoreFile(ws.file("py/.gitignore")) && !isIgnoreFile(ws.file("ts/src/main.ts")));
        assert.ok(indexed(ws.root).includes("go/main.go"));
        ws.write(".hearthignore", "private/\n*.internal.ts\ngo/\n");
        await engine.indexFolders([ws.root, other.root]);
        assert.ok(!indexed(ws.root).some((f) => f.startsWith("go/")), "go/ is left out now");
        assert.equal(await engine.updateFile(ws.file("go/main.go")), "skipped");
        const text = ws.read("ts/src/main.ts");
        const result = await engine.contextForCursor({
            path: ws.file("ts/src/main.ts"), text, ...positionAfter(text, "total += area("), budgetTokens: 8192,
            openEditors: [{path: ws.file("go/geo/geo.go"), visibleStartLine: 0, visibleEndLine: 10}]
        });
        assert.ok(!result.snippets.some((s) => s.path.startsWith(ws.file("go/"))));
        ws.write(".hearthignore", "private/\n*.internal.ts\n");
        await engine.indexFolders([ws.root, other.root]);
        assert.ok(indexed(ws.root).includes("go/main.go"), "and back once the line is gone");
    });
});

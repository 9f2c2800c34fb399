// The workspace context engine inside the real extension host: the index worker indexes the fixture
// workspace, cursor and question retrieval answer through HearthApi.context, and a file created on disk
// is picked up by the file watcher.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {activateHearth} from "./helpers";

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

describe("workspace context", () => {
    const folder = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;

    it("indexes the workspace in a worker and finds a callee's definition in another file", async () => {
        const api = await activateHearth();
        await api.context.ready;
        const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), "src/shapes.ts"));
        const text = document.getText();
        const position = document.positionAt(text.indexOf("total += distance(") + "total += distance(".length);
        const result = await eventually("cursor context", async () => {
            const packed = await api.context.contextForCursor(document, position, 2048);
            return packed.snippets.length > 0 ? packed : undefined;
        });
        const definition = result.snippets.find((s) => s.source === "definition" && s.symbol === "distance");
        assert.ok(definition, `snippets: ${result.snippets.map((s) => s.label).join(", ")}`);
        assert.equal(definition.label, "src/geometry.ts:7-9");
        assert.ok(result.usedTokens <= 2048);
    });

    it("answers a question with the symbol it names, and sees a file created on disk", async () => {
        const api = await activateHearth();
        await api.context.ready;
        const named = await api.context.contextForQuestion("what does `centroid` return?", undefined, 4096);
        assert.ok(named.snippets.some((s) => s.label.startsWith("src/geometry.ts") && s.source === "namedSymbol"), named.snippets.map((s) => s.label).join(", "));

        const extra = vscode.Uri.joinPath(folder(), "src/contextProbe.ts");
        await vscode.workspace.fs.writeFile(extra, new TextEncoder().encode("export function hearthContextProbe(): number {\n    return 7;\n}\n"));
        try {
            await eventually("the new file in the index", async () => {
                const packed = await api.context.contextForQuestion("where is `hearthContextProbe` defined?", undefined, 4096);
                return packed.snippets.some((s) => s.label.startsWith("src/contextProbe.ts")) ? true : undefined;
            });
        } finally {
            await vscode.workspace.fs.delete(extra);
        }
    });
});

// Test-layout detection on fixture workspaces (test/fixtures/workspaces/layouts): where a new test file goes and
// with which framework, from the tests that exist and the manifests.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {detectTestLayout, type WorkspaceFiles} from "../../../src/refactor/testLayout";

const ROOT = path.resolve("test/fixtures/workspaces/layouts");

function workspace(name: string): WorkspaceFiles {
    const root = path.join(ROOT, name);
    const walk = (dir: string): string[] => fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name)).split(path.sep).join("/")]);
    return {files: walk(root), read: (rel) => { try { return fs.readFileSync(path.join(root, rel), "utf8"); } catch { return undefined; } }};
}

describe("test-layout detection", () => {
    it("mocha with tests mirrored under test/unit", () => {
        const layout = detectTestLayout(workspace("ts-mocha"), "src/geo/area.ts", "typescript");
        assert.equal(layout.framework, "mocha with node:assert");
        assert.equal(layout.testPath, "test/unit/geo/area.test.ts");
        assert.equal(layout.basis, "existing tests");
    });

    it("vitest with spec files beside the sources", () => {
        const layout = detectTestLayout(workspace("ts-vitest-colocated"), "src/lib/slug.ts", "typescript");
        assert.equal(layout.framework, "vitest");
        assert.equal(layout.testPath, "src/lib/slug.spec.ts");
        assert.match(layout.importHint, /vitest/);
    });

    it("pytest with tests/test_*.py", () => {
        const layout = detectTestLayout(workspace("py-pytest"), "pkg/stats.py", "python");
        assert.equal(layout.framework, "pytest");
        assert.equal(layout.testPath, "tests/test_stats.py");
    });

    it("unittest with *_test.py beside the module", () => {
        const layout = detectTestLayout(workspace("py-unittest-beside"), "app/greet.py", "python");
        assert.equal(layout.framework, "unittest");
        assert.equal(layout.testPath, "app/greet_test.py");
    });

    it("Go: *_test.go beside the source, testify from go.mod", () => {
        const layout = detectTestLayout(workspace("go-module"), "geo/area.go", "go");
        assert.equal(layout.testPath, "geo/area_test.go");
        assert.match(layout.framework, /testify/);
        assert.equal(layout.basis, "existing tests");
    });

    it("finds the existing test file for a source that has one", () => {
        const files = workspace("ts-mocha");
        const layout = detectTestLayout(files, "src/geo/units.ts", "typescript");
        assert.equal(layout.testPath, "test/unit/geo/units.test.ts");
        assert.ok(files.read(layout.testPath)?.includes("describe(\"unit\""));
    });

    it("falls back to conventions in a workspace without tests", () => {
        const empty: WorkspaceFiles = {files: ["src/a.ts", "lib/Main.java"], read: () => undefined};
        assert.deepEqual(
            [detectTestLayout(empty, "src/a.ts", "typescript").testPath, detectTestLayout(empty, "src/a.ts", "typescript").basis],
            ["src/a.test.ts", "convention"]);
        assert.equal(detectTestLayout({files: [], read: () => undefined}, "src/main/java/com/x/Shape.java", "java").testPath, "src/test/java/com/x/ShapeTest.java");
        assert.equal(detectTestLayout({files: [], read: () => undefined}, "src/geo.rs", "rust").testPath, "tests/geo.rs");
    });
});

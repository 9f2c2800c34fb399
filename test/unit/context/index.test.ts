// The workspace index: what it leaves out, how imports resolve across files, updates, and persistence.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, it} from "mocha";
import {ContextEngine} from "../../../src/context/engine";
import {shardOf, snapshotPath} from "../../../src/context/persistence";
import {copyFixture, defaultOptions, indexedEngine, type Workspace} from "./fixture";

describe("context: workspace index", function () {
    // Real parsing, worker threads and tokenizer loads: generous under a loaded machine (npm run test:unit uses 20 s).
    this.timeout(120000);
    let ws: Workspace;
    beforeEach(() => { ws = copyFixture(); });
    afterEach(() => ws.remove());

    const indexedPaths = (engine: ContextEngine): string[] =>
        [...engine.indexer.index.allFiles()].map((f) => path.posix.relative(ws.root, f.path)).sort();

    it("respects .gitignore, exclude globs and the size cap; skips binary, minified and generated files", async () => {
        const engine = await indexedEngine(ws, {exclude: ["**/docs"]});
        const paths = indexedPaths(engine);
        for (const left of ["ignored/secret.ts", "build.log", "big/huge.ts", "web/vendor.min.js", "web/bundle.js", "web/generated.ts", "data/blob.json", "docs/notes.txt"]) {
            assert.ok(!paths.includes(left), `${left} is not indexed`);
        }
        for (const kept of ["ts/src/main.ts", "py/app.py", "go/main.go", "README.md", "sh/run.sh"]) assert.ok(paths.includes(kept), `${kept} is indexed`);
        assert.equal(engine.indexer.index.definitionsNamed("leakedSecret").length, 0);
        assert.equal(engine.indexer.index.definitionsNamed("generatedThing").length, 0);
    });

    it("resolves each language's imports to the files that define them", async () => {
        const engine = await indexedEngine(ws);
        const targets = (rel: string): string[] => engine.indexer.index.importTargets(ws.file(rel)).flat().map((p) => path.posix.relative(ws.root, p));
        assert.deepEqual(targets("ts/src/main.ts"), ["ts/src/geometry.ts", "ts/src/util/index.ts"]);
        assert.deepEqual(targets("web/app.mjs"), ["web/format.js"]);
        assert.deepEqual(targets("py/app.py"), ["py/pricing/tax.py"]);
        assert.deepEqual(targets("py/pricing/report.py"), ["py/pricing/tax.py"]);
        assert.deepEqual(targets("go/main.go"), ["go/geo/geo.go"]);
        assert.deepEqual([...new Set(targets("rust/src/main.rs"))], ["rust/src/shapes.rs"]);
        assert.deepEqual(targets("java/com/acme/App.java"), ["java/com/acme/Inventory.java"]);
        assert.deepEqual(targets("c/main.c"), ["c/vec.h"]);
        assert.deepEqual(targets("cpp/main.cpp"), ["cpp/matrix.hpp"]);
        assert.deepEqual(targets("rb/main.rb"), ["rb/greeter.rb"]);
        assert.deepEqual(targets("php/index.php"), ["php/Cart.php"]);
        assert.deepEqual(targets("sh/run.sh"), ["sh/lib.sh"]);
        assert.deepEqual(targets("java/com/acme/Inventory.java"), [], "java.util is a library, not a workspace folder named util");
        assert.deepEqual([...engine.indexer.index.importersOf(ws.file("ts/src/util/index.ts"))].map((p) => path.posix.relative(ws.root, p)).sort(),
            ["ts/src/main.ts", "ts/src/view.tsx"]);
    });

    it("updates on save, create, delete and rename", async () => {
        const engine = await indexedEngine(ws);
        const index = engine.indexer.index;
        ws.write("ts/src/geometry.ts", `${ws.read("ts/src/geometry.ts")}\nexport function volume(side: number): number {\n    return side ** 3;\n}\n`);
        assert.equal(await engine.updateFile(ws.file("ts/src/geometry.ts")), "indexed");
        assert.equal(index.definitionsNamed("volume")[0]?.path, ws.file("ts/src/geometry.ts"));

        ws.write("py/pricing/discount.py", "def apply_discount(amount, pct):\n    return amount * (1 - pct)\n");
        assert.equal(await engine.updateFile(ws.file("py/pricing/discount.py")), "indexed");
        assert.equal(index.definitionsNamed("apply_discount").length, 1);

        fs.rmSync(ws.file("web/format.js"));
        assert.equal(engine.removeFile(ws.file("web/format.js")), true);
        assert.equal(index.definitionsNamed("formatPrice").length, 0);
        assert.deepEqual(index.importTargets(ws.file("web/app.mjs")), [[]], "the import no longer resolves");

        fs.renameSync(ws.file("go/geo"), ws.file("go/geometry"));
        await engine.renameFile(ws.file("go/geo"), ws.file("go/geometry"));
        assert.equal(index.definitionsNamed("Distance")[0]?.path, ws.file("go/geometry/geo.go"));
        assert.equal(index.get(ws.file("go/geo/geo.go")), undefined);

        // Import edges follow: a new importer, and an import that resolves once its module is created.
        ws.write("ts/src/extra.ts", "import {clamp} from \"./util\";\nexport const x = clamp(1, 0, 2);\n");
        await engine.updateFile(ws.file("ts/src/extra.ts"));
        assert.ok(index.importersOf(ws.file("ts/src/util/index.ts")).has(ws.file("ts/src/extra.ts")));
        ws.write("py/late_user.py", "from late_module import late_fn\n");
        await engine.updateFile(ws.file("py/late_user.py"));
        assert.deepEqual(index.importTargets(ws.file("py/late_user.py")), [[]]);
        ws.write("py/late_module.py", "def late_fn():\n    pass\n");
        await engine.updateFile(ws.file("py/late_module.py"));
        assert.deepEqual(index.importTargets(ws.file("py/late_user.py")), [[ws.file("py/late_module.py")]]);

        ws.write("ignored/new.ts", "export function stillIgnored() {}\n");
        assert.equal(await engine.updateFile(ws.file("ignored/new.ts")), "skipped");
        assert.equal(index.definitionsNamed("stillIgnored").length, 0);
    });

    it("persists the index so a restart re-parses only changed files", async () => {
        const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-index-store-"));
        try {
            const first = await ContextEngine.create({...defaultOptions, storageDir});
            const firstStats = await first.indexFolders([ws.root]);
            await first.save();
            assert.ok(fs.existsSync(snapshotPath(storageDir)));
            assert.equal(firstStats.reused, 0);

            // One file changes while "VS Code is closed"; another is touched without changing its content.
            ws.write("rb/greeter.rb", ws.read("rb/greeter.rb").replace("Hello", "Hi"));
            const touched = ws.file("c/vec.c");
            const later = new Date(Date.now() + 5000);
            fs.utimesSync(touched, later, later);

            const second = await ContextEngine.create({...defaultOptions, storageDir});
            const stats = await second.indexFolders([ws.root]);
            assert.equal(stats.reparsed, 1, "only the edited file is parsed again");
            assert.equal(stats.reused, firstStats.files - 1);
            assert.equal(stats.files, firstStats.files);
            assert.deepEqual(second.indexer.index.definitionsNamed("greet").map((r) => r.def.startLine), [4]);
            await second.save();

            // After a delete, saving rewrites only the shard that held the file; a restart no longer has it.
            const shardFiles = (): Map<string, number> => new Map(fs.readdirSync(storageDir).filter((f) => /^context-index-\d+\.json$/.test(f))
                .map((f) => [f, fs.statSync(path.join(storageDir, f)).mtimeMs]));
            const before = shardFiles();
            await new Promise((resolve) => setTimeout(resolve, 20));
            fs.rmSync(ws.file("php/index.php"));
            second.removeFile(ws.file("php/index.php"));
            await second.save();
            const after = shardFiles();
            const rewritten = [...after].filter(([f, mtime]) => before.get(f) !== mtime).map(([f]) => f);
            assert.deepEqual(rewritten, [`context-index-${shardOf(ws.file("php/index.php"))}.json`]);
            const third = await ContextEngine.create({...defaultOptions, storageDir});
            const thirdStats = await third.indexFolders([ws.root]);
            assert.equal(thirdStats.reparsed, 0);
            assert.equal(third.indexer.index.get(ws.file("php/index.php")), undefined);
        } finally {
            fs.rmSync(storageDir, {recursive: true, force: true});
        }
    });

    it("keeps files of every folder of a multi-root workspace apart", async () => {
        const other = copyFixture();
        try {
            const engine = await ContextEngine.create(defaultOptions);
            await engine.indexFolders([ws.root, other.root]);
            const roots = new Set(engine.indexer.index.definitionsNamed("compute_tax").map((r) => r.path));
            assert.deepEqual(roots, new Set([ws.file("py/pricing/tax.py"), other.file("py/pricing/tax.py")]));
            assert.equal(engine.displayPath(other.file("py/app.py")), "py/app.py");
            // Imports resolve within their own folder.
            assert.deepEqual(engine.indexer.index.importTargets(other.file("py/app.py")), [[], [other.file("py/pricing/tax.py")]]);
        } finally {
            other.remove();
        }
    });
});

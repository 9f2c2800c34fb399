// Where Generate Tests puts its tests and with which framework, detected from the workspace: the test files that
// already exist (their folder and naming) and the manifests that name a framework (package.json, pyproject.toml,
// requirements, go.mod, Cargo.toml, pom.xml/build.gradle). No vscode: the adapter lists the files.
import path from "node:path";
import type {ParsedLanguage} from "../context/languages";

export interface TestLayout {
    framework: string;
    /** Workspace-relative path of the test file for the source. */
    testPath: string;
    /** What the new file's imports need, for the prompt. */
    importHint: string;
    /** How the layout was found, for the log and the tests: "existing tests" or "convention". */
    basis: "existing tests" | "convention";
}

export interface WorkspaceFiles {
    /** Workspace-relative paths with `/` separators. */
    files: readonly string[];
    /** A workspace file's text, or undefined when it does not exist. */
    read(relative: string): string | undefined;
}

const testFilePatterns: Record<string, RegExp> = {
    js: /(^|\/)[^/]+\.(test|spec)\.[cm]?[jt]sx?$/,
    python: /(^|\/)(test_[^/]+|[^/]+_test)\.py$/,
    go: /_test\.go$/,
    rust: /(^|\/)tests\/[^/]+\.rs$/,
    java: /(^|\/)src\/test\/java\/.+Test\.java$/,
    csharp: /Tests?\.cs$/,
    ruby: /(_spec|_test)\.rb$/,
    php: /Test\.php$/,
    c: /(^|\/)tests?\/.+\.(c|cc|cpp)$/,
    bash: /\.bats$|(^|\/)tests?\/.+\.sh$/
};

export function detectTestLayout(workspace: WorkspaceFiles, sourcePath: string, language: ParsedLanguage | undefined): TestLayout {
    const source = sourcePath.split(path.sep).join("/");
    const dir = path.posix.dirname(source), ext = path.posix.extname(source), base = path.posix.basename(source, ext);
    switch (language) {
        case "typescript": case "tsx": case "javascript": return jsLayout(workspace, source, dir, base, ext);
        case "python": return pythonLayout(workspace, dir, base);
        case "go": {
            const testify = /github\.com\/stretchr\/testify/.test(workspace.read("go.mod") ?? "");
            return {framework: testify ? "Go's testing package and testify" : "Go's testing package", testPath: path.posix.join(dir, `${base}_test.go`),
                importHint: "the same package clause as the source", basis: workspace.files.some((f) => testFilePatterns.go.test(f)) ? "existing tests" : "convention"};
        }
        case "rust": {
            const crate = (workspace.read("Cargo.toml") ?? "").match(/^\s*name\s*=\s*"([^"]+)"/m)?.[1]?.replace(/-/g, "_") ?? "crate";
            const existing = workspace.files.some((f) => testFilePatterns.rust.test(f));
            return {framework: "Rust's built-in #[test]", testPath: `tests/${base}.rs`, importHint: `use ${crate}::…`, basis: existing ? "existing tests" : "convention"};
        }
        case "java": {
            const main = source.indexOf("src/main/java/");
            const rel = main >= 0 ? source.slice(main + "src/main/java/".length) : path.posix.basename(source);
            const junit4 = /<artifactId>junit<\/artifactId>|junit:junit:/.test((workspace.read("pom.xml") ?? "") + (workspace.read("build.gradle") ?? ""));
            return {framework: junit4 ? "JUnit 4" : "JUnit 5", testPath: path.posix.join(main >= 0 ? source.slice(0, main) : "", "src/test/java", path.posix.dirname(rel), `${base}Test.java`).replace(/^\//, ""),
                importHint: junit4 ? "org.junit.Test and org.junit.Assert" : "org.junit.jupiter.api", basis: workspace.files.some((f) => testFilePatterns.java.test(f)) ? "existing tests" : "convention"};
        }
        default: {
            const folder = workspace.files.some((f) => f.startsWith("tests/")) ? "tests" : "test";
            return {framework: frameworkFor(language), testPath: `${folder}/test_${base}${ext}`, importHint: `the source file ${source}`, basis: "convention"};
        }
    }
}

function jsLayout(workspace: WorkspaceFiles, source: string, dir: string, base: string, ext: string): TestLayout {
    const pkg = workspace.read("package.json") ?? "";
    const framework = /"vitest"/.test(pkg) ? "vitest" : /"jest"/.test(pkg) ? "jest" : /"mocha"/.test(pkg) ? "mocha with node:assert" : /node --test/.test(pkg) ? "node:test" : "node:test";
    const tests = workspace.files.filter((f) => testFilePatterns.js.test(f) && !f.includes("node_modules/"));
    const spec = tests.filter((f) => /\.spec\./.test(f)).length > tests.length / 2 ? "spec" : "test";
    const importHint = framework === "vitest" ? "import {describe, it, expect} from \"vitest\" and the source by a relative path"
        : framework === "jest" ? "jest's globals and the source by a relative path"
        : framework.startsWith("mocha") ? "import assert from \"node:assert/strict\" and the source by a relative path"
        : "import test from \"node:test\", assert from \"node:assert/strict\" and the source by a relative path";
    if (tests.length === 0) return {framework, testPath: path.posix.join(dir, `${base}.${spec}${ext}`), importHint, basis: "convention"};
    // Learn how tests mirror sources from the pairs that exist (src/geo/units.ts ↔ test/unit/geo/units.test.ts).
    const mapping = mirrorMapping(workspace.files, tests);
    if (mapping && (mapping.source === "" || source.startsWith(`${mapping.source}/`))) {
        const rest = mapping.source === "" ? dir : path.posix.dirname(source.slice(mapping.source.length + 1));
        return {framework, testPath: path.posix.join(mapping.tests, rest, `${base}.${spec}${ext}`), importHint, basis: "existing tests"};
    }
    // Otherwise a separate folder (test/…, tests/…, __tests__/…) when most tests live in one, else beside the source.
    const roots = tests.map((f) => /^(.*?)(^|\/)(test|tests|__tests__)\//.exec(f)).filter((m): m is RegExpExecArray => m !== null);
    if (roots.length * 2 > tests.length) {
        const root = mostCommon(roots.map((m) => m[0].replace(/\/$/, "")));
        return {framework, testPath: path.posix.join(root, `${base}.${spec}${ext}`), importHint, basis: "existing tests"};
    }
    return {framework, testPath: path.posix.join(dir, `${base}.${spec}${ext}`).replace(/^\.\//, ""), importHint, basis: "existing tests"};
}

function pythonLayout(workspace: WorkspaceFiles, dir: string, base: string): TestLayout {
    const manifests = ["pyproject.toml", "requirements.txt", "requirements-dev.txt", "setup.cfg", "tox.ini"].map((f) => workspace.read(f) ?? "").join("\n");
    const tests = workspace.files.filter((f) => testFilePatterns.python.test(f));
    const usesUnittest = tests.length > 0 && tests.every((f) => /import unittest|from unittest/.test(workspace.read(f) ?? ""));
    const pytest = /pytest/.test(manifests) || workspace.files.includes("conftest.py") || workspace.files.some((f) => f.endsWith("/conftest.py")) || !usesUnittest;
    const framework = pytest ? "pytest" : "unittest";
    const suffix = tests.length > 0 && tests.filter((f) => /_test\.py$/.test(f)).length > tests.length / 2;
    const name = suffix ? `${base}_test.py` : `test_${base}.py`;
    const folders = tests.map((f) => path.posix.dirname(f)).filter((d) => /(^|\/)tests?$/.test(d));
    const folder = folders.length > 0 ? mostCommon(folders) : tests.length > 0 ? dir : workspace.files.some((f) => f.startsWith("tests/")) ? "tests" : "tests";
    return {framework, testPath: path.posix.join(folder, name).replace(/^\.\//, ""), importHint: `the module under test (${path.posix.join(dir, base)})`,
        basis: tests.length > 0 ? "existing tests" : "convention"};
}

function frameworkFor(language: ParsedLanguage | undefined): string {
    switch (language) {
        case "csharp": return "xUnit";
        case "ruby": return "RSpec";
        case "php": return "PHPUnit";
        case "c": case "cpp": return "plain assert() checks in a main()";
        case "bash": return "bats";
        default: return "the language's usual test framework";
    }
}

/**
 * The source folder prefix and the test folder prefix that existing test/source pairs share, found by name
 * (`units.test.ts` ↔ `units.ts`) and the folders both paths end in; undefined when no test has a source.
 */
function mirrorMapping(files: readonly string[], tests: readonly string[]): {source: string; tests: string} | undefined {
    const byBase = new Map<string, string[]>();
    for (const f of files) {
        if (/\.(test|spec)\./.test(f)) continue;
        const key = path.posix.basename(f).replace(/\.[^.]+$/, "");
        byBase.set(key, [...(byBase.get(key) ?? []), f]);
    }
    const mappings: string[] = [];
    for (const test of tests) {
        const key = path.posix.basename(test).replace(/\.(test|spec)\.[^.]+$/, "");
        for (const source of byBase.get(key) ?? []) {
            const a = path.posix.dirname(source).split("/").filter((x) => x !== "."), b = path.posix.dirname(test).split("/").filter((x) => x !== ".");
            while (a.length > 0 && b.length > 0 && a[a.length - 1] === b[b.length - 1]) { a.pop(); b.pop(); }
            if (a.join("/") !== b.join("/")) mappings.push(JSON.stringify({source: a.join("/"), tests: b.join("/")}));
        }
    }
    return mappings.length > 0 ? JSON.parse(mostCommon(mappings)) as {source: string; tests: string} : undefined;
}

function mostCommon(values: readonly string[]): string {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0][0];
}

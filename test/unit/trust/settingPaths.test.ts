import assert from "node:assert/strict";
import type {HearthConfig} from "../../../src/config";
import {isAcceptedSettingPath, settingPathProblems} from "../../../src/runtime/models/settingPaths";

const paths = (overrides: Partial<Record<"model" | "download" | "drafter" | "server", string>>): Pick<HearthConfig, "model" | "drafter" | "llamaServer"> => ({
    model: {id: "auto", path: overrides.model ?? "", downloadDirectory: overrides.download ?? ""},
    drafter: {mode: "auto", path: overrides.drafter ?? "", maxDraftTokens: 8},
    llamaServer: {path: overrides.server ?? ""}
});

describe("trust/settingPaths", () => {
    it("accepts empty, home-relative and absolute paths", () => {
        for (const value of ["", "  ", "~", "~/models/a.gguf", "/opt/llama-server", " /x/y.gguf "]) assert.equal(isAcceptedSettingPath(value, "linux"), true, value);
        for (const value of ["C:\\models\\a.gguf", "d:/x", "\\\\server\\share\\a.gguf", "~\\models"]) assert.equal(isAcceptedSettingPath(value, "win32"), true, value);
    });

    it("refuses relative paths, which would resolve inside whatever folder the process runs in", () => {
        for (const value of ["bin/llama-server", "./bin/llama-server", "../evil", "model.gguf", "~user/x"]) assert.equal(isAcceptedSettingPath(value, "linux"), false, value);
        for (const value of ["bin\\llama-server.exe", "\\models\\a.gguf", "C:models"]) assert.equal(isAcceptedSettingPath(value, "win32"), false, value);
    });

    it("names each setting that breaks the rule", () => {
        assert.deepEqual(settingPathProblems(paths({model: "/m.gguf", server: "/usr/bin/llama-server"}), "linux"), []);
        const problems = settingPathProblems(paths({server: "./bin/llama-server", drafter: "d.gguf", download: "/ok"}), "linux");
        assert.equal(problems.length, 2);
        assert.match(problems[0], /^hearth\.drafter\.path must be an absolute path .*"d\.gguf"/);
        assert.match(problems[1], /^hearth\.llamaServer\.path must be an absolute path .*"\.\/bin\/llama-server"/);
    });
});

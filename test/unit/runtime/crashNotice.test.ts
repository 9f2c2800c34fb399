import assert from "node:assert/strict";
import type {CrashInfo} from "../../../src/runtime/client";
import {crashNotice} from "../../../src/runtime/crashNotice";

function crash(overrides: Partial<CrashInfo>): CrashInfo {
    return {exitCode: null, signal: "SIGSEGV", stderrTail: [], willRestart: true, restartDelayMs: 500, episodeCrashes: 1, ...overrides};
}

describe("crash notices", () => {
    it("warns once per episode while the runtime restarts", () => {
        const first = crashNotice(crash({episodeCrashes: 1}));
        assert.equal(first?.severity, "warning");
        assert.match(first!.text, /stopped unexpectedly and is restarting/);
        assert.equal(crashNotice(crash({episodeCrashes: 2})), undefined);
        assert.equal(crashNotice(crash({episodeCrashes: 4})), undefined);
    });

    it("says plainly that a hung runtime was restarted", () => {
        const notice = crashNotice(crash({signal: null, hungForMs: 30_000}));
        assert.match(notice!.text, /stopped responding for 30 s while working; it was restarted/);
    });

    it("gives one error with a restart offer when the client gives up, whatever the episode count", () => {
        const notice = crashNotice(crash({willRestart: false, restartDelayMs: undefined, episodeCrashes: 6}));
        assert.equal(notice?.severity, "error");
        assert.equal(notice?.offerRestart, true);
        assert.match(notice!.text, /keeps stopping and was not restarted/);
    });
});

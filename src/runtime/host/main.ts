// Runtime child-process entry point: binds RuntimeHost to this process's IPC channel. Anything that escapes
// is written to stderr (the client keeps the tail for the user) and ends the process, so the client restarts it.
import {RuntimeHost} from "./runtimeHost";
import {createEngine} from "./engines/index";
import {describeMachine} from "./machine";
import type {HostMessage} from "../protocol";

const host = new RuntimeHost(
    (message: HostMessage) => { if (process.connected) process.send?.(message); },
    createEngine,
    (code) => process.exit(code),
    describeMachine
);

process.on("message", (message) => host.receive(message));
// The extension host went away (closed window, crash): nothing is left to serve.
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (error) => {
    process.stderr.write(`uncaught exception in the runtime: ${error.stack ?? error.message}\n`);
    process.exit(1);
});
process.on("unhandledRejection", (reason) => {
    process.stderr.write(`unhandled rejection in the runtime: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
    process.exit(1);
});

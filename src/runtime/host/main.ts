// Runtime child-process entry point. Placeholder until the runtime issue lands: it answers a ping so the
// build has a real entry and the process wiring can be exercised.
process.on("message", (message: unknown) => {
    if (typeof message === "object" && message !== null && (message as {type?: string}).type === "ping") process.send?.({type: "pong"});
});

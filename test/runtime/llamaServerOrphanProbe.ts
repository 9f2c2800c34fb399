// Run by llamaServer.test.ts as a child process: starts a llama-server engine, prints the server's pid, then
// waits to be killed. The test SIGKILLs this process and checks the server does not outlive it.
import {createLlamaServerEngine, type LlamaServerEngine} from "../../src/runtime/host/engines/llamaServer";

async function main(): Promise<void> {
    const [modelPath] = process.argv.slice(2);
    const engine = await createLlamaServerEngine({
        engine: "llamaServer",
        modelPath,
        drafterMode: "off",
        maxDraftTokens: 4,
        contextSize: 512,
        gpu: "off",
        threads: 1
    }, () => undefined) as LlamaServerEngine;
    process.stdout.write(`server-pid ${engine.pid}\n`);
    setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});

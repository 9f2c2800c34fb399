// A two-turn chat on the generated gemma4 model through the real runtime process, with the prompt the chat view
// sends (src/chat/prompt.ts): the follow-up's prompt starts with the first turn's prompt and answer, so the runtime
// reuses their KV cache and reads only the new tokens. Both local engines; each finished request also reaches the
// client's finished-request event (what the token tax counts) with its feature and stats, and a cancelled one its
// cancelled-request event instead.
import assert from "node:assert/strict";
import path from "node:path";
import {addTurn, newConversation} from "../../src/chat/conversation";
import {buildChatMessages} from "../../src/chat/prompt";
import {RuntimeClient, type FinishedRequest} from "../../src/runtime/client";
import {findLlamaServerBinary} from "../../src/runtime/llamaServerBinary";
import type {EngineKind} from "../../src/config";
import type {LoadParams} from "../../src/runtime/protocol";
import {silentLogger} from "../../src/log";
import {ensureTestModels, testModelPath} from "../support/testModels";

const hostPath = path.resolve("dist/runtime-host.mjs");

const context = [
    "// src/args.ts:1-9",
    "export function parseArgs(argv: string[]): Record<string, string> {",
    "    const options: Record<string, string> = {};",
    "    for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, \"\")] = argv[i + 1];",
    "    return options;",
    "}"
].join("\n");

for (const engine of ["embedded", "llamaServer"] as const satisfies readonly EngineKind[]) {
    describe(`two-turn chat on the runtime (${engine})`, function () {
        let client: RuntimeClient;
        const finished: FinishedRequest[] = [];
        before(async function () {
            ensureTestModels();
            const params: LoadParams = {
                engine, modelPath: testModelPath("gemma4-target"), drafterMode: "off", maxDraftTokens: 8, contextSize: 4096, gpu: "off", threads: 1
            };
            if (engine === "llamaServer") {
                const binary = findLlamaServerBinary();
                assert.ok(binary.found, binary.found ? "" : binary.reason);
                params.llamaServerPath = binary.path;
            }
            client = new RuntimeClient({hostPath, log: silentLogger});
            client.onRequestFinished((request) => finished.push(request));
            await client.load(params);
        });
        after(async () => { await client?.dispose(); });

        it("reuses the first turn's KV cache for the follow-up, and reports each request as finished", async () => {
            const conversation = newConversation("c", 0);
            addTurn(conversation, {id: "1", display: "What does parseArgs return?", at: 0});
            const first = await client.chat({messages: buildChatMessages(conversation, context), maxTokens: 24, reasoning: false});
            assert.ok(first.stats.promptTokens > 60, `the first prompt holds the context: ${first.stats.promptTokens} tokens`);
            assert.ok(first.text.length > 0 && first.stats.generatedTokens > 0);

            conversation.turns[0].answer = first.text;
            conversation.turns[0].status = "done";
            addTurn(conversation, {id: "2", display: "And where is it called?", at: 1});
            const chunks: string[] = [];
            const second = await client.chat({messages: buildChatMessages(conversation, ""), maxTokens: 16, reasoning: false}, {
                onText: (text) => chunks.push(text), feature: "languageModel"
            });
            assert.equal(chunks.join(""), second.text);
            assert.ok(second.stats.promptTokens > first.stats.promptTokens);
            // The whole first prompt is reused, but for one thing on llama-server: Gemma 4's Jinja template opens the
            // turn to generate with an empty thinking block (`<|channel>thought\n<channel|>`, when thinking is off)
            // that it leaves out of earlier model turns, so those few tokens are read again there.
            const templateTail = engine === "llamaServer" ? 6 : 0;
            assert.ok(second.stats.reusedPromptTokens >= first.stats.promptTokens - templateTail,
                `reused ${second.stats.reusedPromptTokens} of ${second.stats.promptTokens} prompt tokens; the first prompt had ${first.stats.promptTokens}`);
            const evaluated = second.stats.promptTokens - second.stats.reusedPromptTokens;
            // What is new: the first answer, the follow-up question (7 tokens) and the turn markers around them.
            assert.ok(evaluated <= first.stats.generatedTokens + 24 + templateTail,
                `the follow-up read ${evaluated} new prompt tokens after a ${first.stats.generatedTokens}-token answer`);

            assert.deepEqual(finished.map((request) => [request.method, request.feature]), [["chat", "chat"], ["chat", "languageModel"]]);
            assert.deepEqual(finished[1].stats, second.stats);
        });

        it("reports no finished request for a cancelled one, and reports it as cancelled with what it had done", async () => {
            const before = finished.length;
            const cancelled: FinishedRequest[] = [];
            const stop = client.onRequestCancelled((request) => cancelled.push(request));
            const controller = new AbortController();
            const answer = client.chat({messages: [{role: "user", content: "Explain everything."}], maxTokens: 2000, reasoning: false}, {
                signal: controller.signal, onText: () => controller.abort(), feature: "refactor"
            });
            await assert.rejects(answer, (error: Error & {code?: string}) => error.code === "cancelled");
            assert.equal(finished.length, before);
            // The caller moved on at once; the process's late answer comes within a decode step or two. llama-server
            // gives its timings only at the end of a stream, so a cancelled one there reports nothing more.
            const deadline = Date.now() + (engine === "embedded" ? 10_000 : 1_500);
            while (cancelled.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
            stop();
            assert.equal(finished.length, before, "still not counted as finished");
            if (engine === "llamaServer") { assert.deepEqual(cancelled, []); return; }
            assert.deepEqual(cancelled.map((request) => [request.method, request.feature]), [["chat", "refactor"]]);
            const {stats} = cancelled[0];
            assert.ok(stats.promptTokens > 5 && stats.generatedTokens >= 1 && stats.generatedTokens < 2000, JSON.stringify(stats));
        });
    });
}

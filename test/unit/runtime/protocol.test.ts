// The IPC validators: every well-formed message of each kind passes, and a wrong field is refused with its
// path named, in both directions, and for each method's parameters.
import assert from "node:assert/strict";
import {
    clientMessageProblem, hostMessageProblem, isClientMessage, isHostMessage, paramsProblem,
    type ClientMessage, type HostMessage, type LoadParams, type Method, type Methods
} from "../../../src/runtime/protocol";

const load: LoadParams = {engine: "embedded", modelPath: "/m.gguf", drafterMode: "auto", maxDraftTokens: 8, contextSize: 0, gpu: "auto", threads: 0};

const goodParams: {[M in Method]: Array<Methods[M]["params"]>} = {
    load: [load, {...load, drafterPath: "/d.gguf", llamaServerPath: "/bin/llama-server", maxDraftTokens: 4.5},
        {...load, engine: "openaiCompatible", modelPath: "", endpoint: {url: "http://127.0.0.1:8080", model: "", apiKey: "k"}}],
    complete: [{context: "", prefix: "const a = ", suffix: ";\n", maxTokens: 64, stop: ["\n\n"]}],
    chat: [{messages: [{role: "system", content: "Be brief."}, {role: "user", content: "hi"}, {role: "assistant", content: "hello"}], maxTokens: 256, reasoning: true}],
    tokenCount: [{texts: ["a", ""]}, {texts: []}],
    status: [{}],
    machine: [{gpu: "off"}, {gpu: "cuda"}]
};

describe("protocol validation", function () {
    it("accepts every well-formed client message", function () {
        const messages: ClientMessage[] = [
            {kind: "hello", version: 1},
            {kind: "request", id: 1, method: "load", params: load},
            {kind: "cancel", id: 3},
            {kind: "shutdown"}
        ];
        for (const message of messages) assert.equal(clientMessageProblem(message), undefined, JSON.stringify(message));
        assert.ok(messages.every(isClientMessage));
    });

    it("refuses a malformed client message, naming what is wrong", function () {
        const cases: Array<[unknown, RegExp]> = [
            [undefined, /not an object/],
            [[{kind: "hello"}], /not an object/],
            [{kind: "helo", version: 1}, /unknown message kind "helo"/],
            [{version: 1}, /unknown message kind/],
            [{kind: "hello"}, /hello\.version/],
            [{kind: "request", id: -1, method: "load", params: {}}, /request\.id/],
            [{kind: "request", id: 1.5, method: "load", params: {}}, /request\.id/],
            [{kind: "request", id: 1, method: "toString", params: {}}, /request\.method/],
            [{kind: "cancel", id: null}, /cancel\.id/],
            [{kind: "toString"}, /unknown message kind/]
        ];
        for (const [message, problem] of cases) {
            assert.match(clientMessageProblem(message) ?? "accepted", problem, JSON.stringify(message));
            assert.equal(isClientMessage(message), false);
        }
    });

    it("accepts every well-formed host message", function () {
        const messages: HostMessage[] = [
            {kind: "hello", version: 1, pid: 1234},
            {kind: "chunk", id: 1, chunk: {text: "x"}},
            {kind: "result", id: 1, result: {counts: [1]}},
            {kind: "result", id: 1, result: null},
            {kind: "error", id: 1, error: {code: "badModel", message: "broken", path: "/m.gguf"}},
            {kind: "error", id: 1, error: {code: "cancelled", message: "The request was cancelled."}},
            {kind: "log", level: "warn", message: "careful"},
            {kind: "heartbeat", busy: 2}
        ];
        for (const message of messages) assert.equal(hostMessageProblem(message), undefined, JSON.stringify(message));
        assert.ok(messages.every(isHostMessage));
    });

    it("refuses a malformed host message, naming what is wrong", function () {
        const cases: Array<[unknown, RegExp]> = [
            [null, /not an object/],
            [{kind: "hello", version: 1}, /hello\.pid/],
            [{kind: "chunk", id: 1, chunk: "x"}, /chunk\.chunk is not an object/],
            [{kind: "chunk", id: 1, chunk: {text: 1}}, /chunk\.chunk\.text/],
            [{kind: "result", result: 1}, /result\.id/],
            [{kind: "error", id: 1, error: {code: "oops", message: "x"}}, /error\.error\.code/],
            [{kind: "error", id: 1, error: {code: "timeout"}}, /error\.error\.message/],
            [{kind: "error", id: 1, error: {code: "badModel", message: "x", path: 3}}, /error\.error\.path/],
            [{kind: "log", level: "debug", message: "x"}, /log\.level/],
            [{kind: "heartbeat", busy: -1}, /heartbeat\.busy/],
            [{kind: "heartbeat"}, /heartbeat\.busy/]
        ];
        for (const [message, problem] of cases) {
            assert.match(hostMessageProblem(message) ?? "accepted", problem, JSON.stringify(message));
            assert.equal(isHostMessage(message), false);
        }
    });

    it("accepts well-formed parameters for every method", function () {
        for (const [method, examples] of Object.entries(goodParams) as Array<[Method, unknown[]]>)
            for (const params of examples) assert.equal(paramsProblem(method, params), undefined, `${method} ${JSON.stringify(params)}`);
    });

    it("refuses malformed parameters field by field", function () {
        const cases: Array<[Method, unknown, RegExp]> = [
            ["load", undefined, /^params is not an object/],
            ["load", {...load, modelPath: undefined}, /params\.modelPath is not a string/],
            ["load", {...load, drafterMode: "fast"}, /params\.drafterMode is not one of auto, mtp/],
            ["load", {...load, gpu: "tpu"}, /params\.gpu/],
            ["load", {...load, threads: Number.NaN}, /params\.threads/],
            ["load", {...load, maxDraftTokens: "8"}, /params\.maxDraftTokens/],
            ["load", {...load, drafterPath: 1}, /params\.drafterPath/],
            ["load", {...load, endpoint: {url: "http://x", model: "m", apiKey: 1}}, /params\.endpoint\.apiKey/],
            ["complete", {context: "", prefix: "x", suffix: "", maxTokens: -1, stop: []}, /params\.maxTokens/],
            ["complete", {context: "", prefix: "x", maxTokens: 1, stop: []}, /params\.suffix/],
            ["complete", {context: "", prefix: "x", suffix: "", maxTokens: 1, stop: "\n"}, /params\.stop is not an array/],
            ["chat", {messages: [{role: "user"}], maxTokens: 1, reasoning: false}, /params\.messages\[0\]\.content/],
            ["chat", {messages: [], maxTokens: 1, reasoning: "no"}, /params\.reasoning is not a boolean/],
            ["tokenCount", {texts: [1]}, /params\.texts\[0\]/],
            ["machine", {gpu: 1}, /params\.gpu/],
            ["status", [], /params is not an object/]
        ];
        for (const [method, params, problem] of cases) assert.match(paramsProblem(method, params) ?? "accepted", problem, `${method} ${JSON.stringify(params)}`);
    });
});

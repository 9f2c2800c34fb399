// GGUF writer → reader round trip, model facts, and every refusal of a malformed file.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {ByteBuilder, GgufWriter, kv} from "../../scripts/testModels/gguf";
import {f32Bytes, fromHalf, randomF16, toHalf} from "../../scripts/testModels/tensorData";
import {dequantizeQ4_0, dequantizeQ8_0, quantizeQ4_0, quantizeQ8_0, randomQuantized} from "../../scripts/testModels/quantize";
import {
    DEFAULT_GGUF_LIMITS, GGUF_MAGIC, GgmlType, GgufFormatError, GgufValueType, getArray, getInteger, getNumber, getString,
    modelFactsFromHeader, readGgufHeaderFromBuffer, readGgufHeaderFromFile, readModelFacts, type GgufErrorCode, type GgufReadLimits
} from "../../src/runtime/models/gguf/index";

const tokens = ["<pad>", "<eos>", "<bos>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "a", "b", "é", "▁x"];

function sampleWriter(options: {architecture?: string, tokens?: string[]} = {}): GgufWriter {
    const arch = options.architecture ?? "gemma4";
    const w = new GgufWriter()
        .set("general.architecture", kv.str(arch))
        .set("general.name", kv.str("sample ✓"))
        .set(`${arch}.context_length`, kv.u32(4096))
        .set(`${arch}.embedding_length`, kv.u32(8))
        .set(`${arch}.block_count`, kv.u32(2))
        .set(`${arch}.attention.layer_norm_rms_epsilon`, kv.f32(1e-6))
        .set(`${arch}.attention.sliding_window_pattern`, kv.bools([true, false]))
        .set("general.size", kv.u64(12345678901234n))
        .set("sample.i32s", kv.i32s([-1, 0, 2147483647]))
        .set("sample.f32s", kv.f32s([0.5, -2]))
        .set("sample.signed", kv.i32(-7))
        .set("sample.flag", kv.bool(true))
        .set("tokenizer.ggml.model", kv.str("gemma4"))
        .set("tokenizer.ggml.tokens", kv.strings(options.tokens ?? tokens))
        .set("tokenizer.ggml.bos_token_id", kv.u32(2))
        .set("tokenizer.ggml.fim_pre_token_id", kv.u32(3))
        .set("tokenizer.ggml.fim_suf_token_id", kv.u32(4))
        .set("tokenizer.ggml.fim_mid_token_id", kv.u32(5))
        .set("tokenizer.chat_template", kv.str("{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}"));
    if (arch === "gemma4-assistant") w.set(`${arch}.embedding_length_out`, kv.u32(16));
    w.addTensor({name: "token_embd.weight", dims: [8, (options.tokens ?? tokens).length], type: GgmlType.F16, data: () => randomF16(8 * (options.tokens ?? tokens).length, 1)})
        .addTensor({name: "output_norm.weight", dims: [8], type: GgmlType.F32, data: () => f32Bytes(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]))})
        .addTensor({name: "blk.0.odd.weight", dims: [3], type: GgmlType.F32, data: () => f32Bytes(Float32Array.from([9, 9, 9]))});
    return w;
}

let dir: string;
const written = new Map<string, Uint8Array>();
function writeSample(name: string, w: GgufWriter = sampleWriter()): string {
    const file = path.join(dir, name);
    w.write(file);
    written.set(name, fs.readFileSync(file));
    return file;
}

function assertRefused(bytes: Uint8Array, code: GgufErrorCode, pattern?: RegExp): GgufFormatError {
    let caught: unknown;
    try { readGgufHeaderFromBuffer(bytes); } catch (error) { caught = error; }
    assert.ok(caught instanceof GgufFormatError, `expected a GgufFormatError (${code}), got ${String(caught)}`);
    assert.equal(caught.code, code, caught.message);
    if (pattern) assert.match(caught.message, pattern);
    return caught;
}

/** A hand-built header: magic, version, counts, then whatever `body` appends. */
function header(body: (b: ByteBuilder) => void, {version = 3, tensors = 0n, keys = 1n} = {}): Uint8Array {
    const b = new ByteBuilder().u32(GGUF_MAGIC).u32(version).u64(tensors).u64(keys);
    body(b);
    return b.bytes();
}

/** Offset just past the last tensor info: the smallest prefix the reader accepts. */
function headerEnd(bytes: Uint8Array): number {
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
        try { readGgufHeaderFromBuffer(bytes.subarray(0, cut)); return cut; } catch { /* still truncated */ }
    }
    throw new Error("no prefix parses");
}

describe("GGUF writer and reader", () => {
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-gguf-")); });
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it("round-trips metadata of every written type", () => {
        const h = readGgufHeaderFromFile(writeSample("round.gguf"));
        assert.equal(h.version, 3);
        assert.equal(getString(h, "general.name"), "sample ✓");
        assert.equal(getInteger(h, "gemma4.context_length"), 4096);
        assert.equal(h.metadata.get("gemma4.context_length")?.type, GgufValueType.Uint32);
        assert.ok(Math.abs(getNumber(h, "gemma4.attention.layer_norm_rms_epsilon")! - 1e-6) < 1e-12);
        assert.equal(h.metadata.get("general.size")?.value, 12345678901234n);
        assert.equal(getInteger(h, "general.size"), 12345678901234);
        assert.equal(getInteger(h, "sample.signed"), -7);
        assert.equal(h.metadata.get("sample.flag")?.value, true);
        assert.deepEqual(getArray(h, "sample.i32s")?.items, [-1, 0, 2147483647]);
        assert.deepEqual(getArray(h, "sample.f32s")?.items, [0.5, -2]);
        assert.deepEqual(getArray(h, "gemma4.attention.sliding_window_pattern")?.items, [true, false]);
        assert.deepEqual(getArray(h, "tokenizer.ggml.tokens")?.items, tokens);
        assert.throws(() => getString(h, "gemma4.context_length"), (e: unknown) => e instanceof GgufFormatError && e.code === "wrong-type");
    });

    it("places tensor data at aligned offsets the reader reports, and the file ends where the last tensor does", () => {
        const file = writeSample("tensors.gguf");
        const bytes = written.get("tensors.gguf")!;
        const h = readGgufHeaderFromFile(file);
        assert.deepEqual(h.tensors.map((t) => [t.name, t.dims, t.type]), [
            ["token_embd.weight", [8, tokens.length], GgmlType.F16], ["output_norm.weight", [8], GgmlType.F32], ["blk.0.odd.weight", [3], GgmlType.F32]
        ]);
        assert.equal(h.dataOffset % h.alignment, 0);
        for (const t of h.tensors) assert.equal(t.offset % BigInt(h.alignment), 0n);
        assert.equal(h.expectedFileSize, bytes.byteLength);
        const norm = h.tensors[1];
        const at = h.dataOffset + Number(norm.offset);
        assert.deepEqual([...new Float32Array(Uint8Array.from(bytes.subarray(at, at + 32)).buffer)], [1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it("reads a header larger than its read window (a 200k-token vocabulary)", () => {
        const big = Array.from({length: 200_000}, (_, i) => `tok_${i}_${"x".repeat(i % 7)}`);
        const h = readGgufHeaderFromFile(writeSample("big.gguf", sampleWriter({tokens: big})));
        assert.deepEqual(getArray(h, "tokenizer.ggml.tokens")?.items, big);
        assert.equal(h.tensors[0].dims[1], big.length);
        assert.equal(h.expectedFileSize, written.get("big.gguf")!.byteLength);
    });

    it("converts float32 to float16 with round-to-nearest", () => {
        for (const value of [0, 1, -2, 0.5, 65504, 1e-7, 3.14159, -0.0001]) {
            assert.ok(Math.abs(fromHalf(toHalf(value)) - value) <= Math.abs(value) * 1e-3 + 6e-8, `${value}`);
        }
        assert.equal(fromHalf(toHalf(1e6)), Infinity);
    });

    it("reports model facts: architecture, vocabulary fingerprint, FIM ids, chat template, expected size", () => {
        const facts = readModelFacts(writeSample("facts.gguf"));
        assert.equal(facts.architecture, "gemma4");
        assert.equal(facts.contextLength, 4096);
        assert.equal(facts.vocabSize, tokens.length);
        assert.match(facts.vocabFingerprint, /^[0-9a-f]{64}$/);
        assert.deepEqual(facts.fimTokens, {prefix: 3, suffix: 4, middle: 5});
        assert.equal(facts.bosTokenId, 2);
        assert.equal(facts.hasChatTemplate, true);
        assert.equal(facts.isMtpDrafter, false);
        assert.equal(facts.truncated, false);
        assert.equal(facts.expectedFileSize, facts.fileSize);
        assert.equal(facts.parameterCount, 8 * tokens.length + 8 + 3);
        assert.equal(facts.controlCharacters, undefined);

        const other = modelFactsFromHeader(readGgufHeaderFromFile(writeSample("other.gguf", sampleWriter({tokens: [...tokens.slice(0, -1), "▁y"]}))));
        assert.notEqual(other.vocabFingerprint, facts.vocabFingerprint);
    });

    it("reports what drafters are judged by: MTP drafter, its target's width, the vocabulary fingerprint", () => {
        // The judging itself is models/validate.ts's (test/unit/models/validate.test.ts).
        const target = readModelFacts(writeSample("target.gguf"));
        const drafter = readModelFacts(writeSample("assistant.gguf", sampleWriter({architecture: "gemma4-assistant"})));
        assert.equal(target.isMtpDrafter, false);
        assert.equal(target.mtpTargetEmbeddingLength, undefined);
        assert.equal(drafter.isMtpDrafter, true);
        assert.equal(drafter.mtpTargetEmbeddingLength, 16);
        const foreign = readModelFacts(writeSample("foreign.gguf", sampleWriter({architecture: "llama", tokens: ["<unk>", "<s>", "</s>", "x"]})));
        assert.notEqual(foreign.vocabFingerprint, target.vocabFingerprint);
        const sameVocab = readModelFacts(writeSample("draft.gguf", sampleWriter({architecture: "llama"})));
        assert.equal(sameVocab.vocabFingerprint, target.vocabFingerprint);
        assert.deepEqual([sameVocab.bosTokenId, sameVocab.eosTokenId, sameVocab.eotTokenId], [2, undefined, undefined]);
    });

    it("detects a file truncated inside its tensor data", () => {
        const bytes = written.get("facts.gguf") ?? fs.readFileSync(writeSample("facts.gguf"));
        const file = path.join(dir, "cut.gguf");
        fs.writeFileSync(file, bytes.subarray(0, bytes.byteLength - 5));
        const facts = readModelFacts(file);
        assert.equal(facts.truncated, true);
        assert.equal(facts.expectedFileSize, bytes.byteLength);
        assert.equal(facts.fileSize, bytes.byteLength - 5);
    });

    it("reads an unchanged file once, and a file rewritten in place again", () => {
        const bytes = written.get("facts.gguf") ?? fs.readFileSync(writeSample("facts.gguf"));
        const file = path.join(dir, "rewritten.gguf");
        fs.writeFileSync(file, bytes);
        const first = readModelFacts(file);
        assert.equal(readModelFacts(file), first, "an unchanged file's facts are served from the first read");
        fs.writeFileSync(file, bytes.subarray(0, bytes.byteLength - 5));
        const after = readModelFacts(file);
        assert.notEqual(after, first);
        assert.equal(after.truncated, true);
        fs.rmSync(file);
        assert.throws(() => readModelFacts(file), (e: unknown) => e instanceof GgufFormatError && e.message.includes(file));
    });

    it("refuses every truncation of the header with a 'truncated' error naming the offset", () => {
        const bytes = written.get("round.gguf")!;
        // Every cut before the end of the last tensor info (later cuts only shorten the alignment padding or the data).
        const infoEnd = headerEnd(bytes);
        for (let cut = 0; cut < infoEnd; cut += 1) {
            const error = assertRefused(bytes.subarray(0, cut), "truncated");
            assert.match(error.message, /offset \d+/);
        }
    });

    it("refuses a bad magic, an unsupported version and an empty file", () => {
        assertRefused(new TextEncoder().encode("GGML and more bytes here"), "bad-magic", /not a GGUF file/);
        assertRefused(header(() => {}, {version: 1}), "unsupported-version", /version 1/);
        assertRefused(header(() => {}, {version: 99}), "unsupported-version");
        assertRefused(new Uint8Array(0), "truncated");
    });

    it("refuses absurd counts and lengths before allocating anything", () => {
        assertRefused(header(() => {}, {tensors: 1n << 40n, keys: 0n}), "absurd-count", /tensor count/);
        assertRefused(header(() => {}, {tensors: 0n, keys: 1n << 62n}), "absurd-count", /key count/);
        const padding = new Uint8Array(64);
        assertRefused(header((b) => b.u64(1n << 40n).raw(padding)), "absurd-length", /key #0/);
        assertRefused(header((b) => b.string("k").u32(GgufValueType.String).u64(1n << 50n).raw(padding)), "absurd-length");
        assertRefused(header((b) => b.string("k").u32(GgufValueType.Array).u32(GgufValueType.Uint32).u64(1n << 60n).raw(padding)), "absurd-count", /item count/);
        // Plausible by the limits, impossible for this file's size: reported as truncation.
        assertRefused(header((b) => b.string("k").u32(GgufValueType.Array).u32(GgufValueType.Uint64).u64(1000n)), "truncated", /hold at most/);
        assertRefused(header(() => {}, {tensors: 1000n, keys: 0n}), "truncated");
    });

    it("refuses unknown value types, bad UTF-8, duplicate keys and deep array nesting", () => {
        assertRefused(header((b) => b.string("k").u32(13).u32(0)), "bad-value-type", /unknown value type 13/);
        assertRefused(header((b) => b.string("k").u32(GgufValueType.Array).u32(77).u64(1n)), "bad-value-type");
        assertRefused(header((b) => b.string("k").u32(GgufValueType.Bool).u8(7)), "bad-value-type");
        assertRefused(header((b) => b.u64(2n).raw(Uint8Array.from([0xc3, 0x28])).u32(GgufValueType.Uint8).u8(1)), "bad-string");
        assertRefused(header((b) => b.string("k").u32(GgufValueType.Uint8).u8(1).string("k").u32(GgufValueType.Uint8).u8(2), {keys: 2n}), "duplicate", /"k" appears twice/);
        assertRefused(header((b) => {
            b.string("k").u32(GgufValueType.Array).u32(GgufValueType.Array).u64(1n).u32(GgufValueType.Array).u64(1n).u32(GgufValueType.Uint8).u64(1n).u8(0);
        }), "bad-value-type", /nests arrays/);
        assertRefused(header((b) => b.string("general.alignment").u32(GgufValueType.Uint32).u32(24)), "wrong-type", /power-of-two/);
    });

    it("refuses tensor infos with impossible shapes, types or offsets", () => {
        const tensor = (dims: bigint[], type: number, offset: bigint) => header((b) => {
            b.string("t").u32(dims.length);
            for (const d of dims) b.u64(d);
            b.u32(type).u64(offset);
            b.raw(new Uint8Array(64));
        }, {tensors: 1n, keys: 0n});
        assertRefused(tensor([1n, 1n, 1n, 1n, 1n], 0, 0n), "absurd-count", /5 dimensions/);
        assertRefused(tensor([0n], 0, 0n), "bad-tensor", /dimension 0 = 0/);
        assertRefused(tensor([1n << 40n, 1n << 40n], 0, 0n), "bad-tensor", /elements/);
        assertRefused(tensor([4n], 1000, 0n), "bad-tensor", /type 1000/);
        assertRefused(tensor([4n], 0, 7n), "bad-tensor", /not aligned/);
        assertRefused(tensor([33n], GgmlType.Q8_0, 0n), "bad-tensor", /block of 32/);
        const twice = header((b) => {
            for (let i = 0; i < 2; i++) b.string("t").u32(1).u64(4n).u32(0).u64(0n);
            b.raw(new Uint8Array(64));
        }, {tensors: 2n, keys: 0n});
        assertRefused(twice, "duplicate", /tensor "t"/);
    });

    it("keeps the whole header within a budget of bytes and items, refusing before it allocates", () => {
        const small = (limits: Partial<GgufReadLimits>, bytes: Uint8Array) => {
            let caught: unknown;
            try { readGgufHeaderFromBuffer(bytes, limits); } catch (error) { caught = error; }
            assert.ok(caught instanceof GgufFormatError && caught.code === "over-budget", `expected over-budget, got ${String(caught)}`);
            return caught;
        };
        // Every string within the per-value limit, together past the header's: refused at the string that crosses it.
        const strings = header((b) => { for (let i = 0; i < 8; i++) b.string(`k${i}`).u32(GgufValueType.String).string("x".repeat(1000)); }, {keys: 8n});
        assert.equal(readGgufHeaderFromBuffer(strings, {maxHeaderBytes: 16384}).metadata.size, 8);
        assert.match(small({maxHeaderBytes: 4096}, strings).message, /past 4096 bytes/);
        // Arrays within the per-array limit, together past the item budget: refused at the count, before the items.
        const arrays = header((b) => { for (let i = 0; i < 3; i++) b.string(`a${i}`).u32(GgufValueType.Array).u32(GgufValueType.Uint8).u64(400n).raw(new Uint8Array(400)); }, {keys: 3n});
        assert.equal(readGgufHeaderFromBuffer(arrays, {maxTotalItems: 1203}).metadata.size, 3);
        const refused = small({maxTotalItems: 1000}, arrays);
        assert.match(refused.message, /items of "a2" brings the header past 1000 items/);
        // Counts that the file could hold and no budget allows.
        assert.match(small({maxTotalItems: 10}, header((b) => b.raw(new Uint8Array(20 * 13)), {tensors: 0n, keys: 20n})).message, /20 keys/);
        assert.match(small({maxHeaderBytes: 64}, header((b) => b.raw(new Uint8Array(1000)), {tensors: 0n, keys: 60n})).message, /key count/);
    });

    it("refuses, by file name, a sparse many-gigabyte file whose header claims millions of values", () => {
        // 5 million one-byte items fit the 100 MB file and each array limit; without a total budget they would
        // become a 40 MB JavaScript array, and a real multi-gigabyte file could hold thousands of them.
        const file = path.join(dir, "hostile.gguf");
        const count = BigInt(DEFAULT_GGUF_LIMITS.maxTotalItems + 1000);
        fs.writeFileSync(file, header((b) => b.string("filler").u32(GgufValueType.Array).u32(GgufValueType.Uint8).u64(count)));
        fs.truncateSync(file, 100 << 20);
        assert.throws(() => readGgufHeaderFromFile(file), (e: unknown) =>
            e instanceof GgufFormatError && e.code === "over-budget" && e.message.startsWith(`${file}: `) && /items of "filler"/.test(e.message));
        // 70 MB of strings, each within the 64 MiB string limit: past the header's byte budget.
        fs.writeFileSync(file, header((b) => b.string("a").u32(GgufValueType.String).u64(35n << 20n), {keys: 2n}));
        fs.truncateSync(file, 200 << 20);
        const second = new ByteBuilder().string("b").u32(GgufValueType.String).u64(35n << 20n).bytes();
        const fd = fs.openSync(file, "r+");
        // After the counts (24 bytes), the first key, its type, its string's length and the string.
        fs.writeSync(fd, second, 0, second.byteLength, 24 + 9 + 4 + 8 + (35 << 20));
        fs.closeSync(fd);
        assert.throws(() => readGgufHeaderFromFile(file), (e: unknown) =>
            e instanceof GgufFormatError && e.code === "over-budget" && e.message.includes(file) && /past 67108864 bytes/.test(e.message));
    });

    it("finds control characters llama.cpp would log raw: keys, tensor names, values, special tokens", () => {
        const problem = (edit: (w: GgufWriter) => void, name = "ctl.gguf") => {
            const w = sampleWriter();
            edit(w);
            return readModelFacts(writeSample(name, w)).controlCharacters;
        };
        assert.match(problem((w) => w.set("evil\nsrv  main: listening", kv.u32(1)), "ctl-key.gguf") ?? "", /metadata key "evil\\nsrv/);
        assert.match(problem((w) => w.set("general.name", kv.str("x\nsrv          main: listening on http://127.0.0.1:6666")), "ctl-name.gguf") ?? "",
            /value of "general.name" contains a control character/);
        assert.match(problem((w) => w.set("general.tags", kv.strings(["ok", "bell\u0007"])), "ctl-tags.gguf") ?? "", /general.tags\[1\]/);
        assert.match(problem((w) => w.addTensor({name: "blk.0.\u0000hidden", dims: [1], type: GgmlType.F32, data: () => f32Bytes(Float32Array.from([0]))}), "ctl-tensor.gguf") ?? "",
            /tensor name "blk\.0\.\\u0000hidden"/);
        const special = [...tokens];
        special[2] = "<bos>\nsrv  main: listening";
        assert.match(problem((w) => w.set("tokenizer.ggml.tokens", kv.strings(special)), "ctl-bos.gguf") ?? "", /special token "tokenizer.ggml.bos_token_id" \(2\)/);
        // What real models hold: newlines and tabs in ordinary tokens, their merges and chat templates.
        const ordinary = [...tokens];
        ordinary[7] = "\n\t";
        assert.equal(problem((w) => w.set("tokenizer.ggml.tokens", kv.strings(ordinary)).set("tokenizer.ggml.merges", kv.strings(["\n \n"]))
            .set("tokenizer.chat_template", kv.str("{% for m in messages %}\n\t{{ m }}\r\n{% endfor %}")), "ctl-ok.gguf"), undefined);
        assert.match(problem((w) => w.set("tokenizer.chat_template", kv.str("{{ x }}\u001b[2J")), "ctl-template.gguf") ?? "", /chat_template/);
    });

    it("keeps a leading byte-order mark in text, as llama.cpp does (Gemma 4 has \"\\uFEFF//\" beside \"//\")", () => {
        const withBom = [...tokens.slice(0, -1), "\uFEFFa"];
        const h = readGgufHeaderFromFile(writeSample("bom.gguf", sampleWriter({tokens: withBom})));
        assert.deepEqual(getArray(h, "tokenizer.ggml.tokens")?.items, withBom);
        const facts = modelFactsFromHeader(h);
        assert.equal(facts.nativeAbort, undefined, "\\uFEFFa and a are two tokens");
    });

    it("names what would make llama.cpp abort instead of refusing: duplicate tokens, impossible hyperparameters", () => {
        const abort = (edit: (w: GgufWriter) => void, name: string) => {
            const w = sampleWriter();
            edit(w);
            return modelFactsFromHeader(readGgufHeaderFromFile(writeSample(name, w))).nativeAbort;
        };
        assert.equal(abort(() => {}, "abort-none.gguf"), undefined);
        const twice = [...tokens];
        twice[7] = twice[6];
        assert.match(abort((w) => w.set("tokenizer.ggml.tokens", kv.strings(twice)), "abort-dup.gguf") ?? "", /holds the token "a" twice \(ids 6 and 7\)/);
        // llama.cpp reads tokens as C strings: "a\0b" is "a" to it.
        twice[7] = "a\u0000b";
        assert.match(abort((w) => w.set("tokenizer.ggml.tokens", kv.strings(twice)), "abort-nul.gguf") ?? "", /twice \(ids 6 and 7\)/);
        assert.match(abort((w) => w.set("gemma4.block_count", kv.u32(0)), "abort-layers.gguf") ?? "", /"gemma4.block_count" is 0/);
        assert.match(abort((w) => w.set("gemma4.block_count", kv.u32(600)), "abort-layers-many.gguf") ?? "", /1 to 512 layers/);
        assert.match(abort((w) => w.set("gemma4.attention.head_count", kv.u32(0)), "abort-heads.gguf") ?? "", /head_count" is 0/);
        assert.match(abort((w) => w.set("gemma4.attention.head_count", kv.u32(8)), "abort-wide.gguf") ?? "", /leaves heads of 1 of "gemma4.embedding_length" \(8\)/);
        assert.equal(abort((w) => w.set("gemma4.attention.head_count", kv.u32(64)).set("gemma4.attention.key_length", kv.u32(4)).set("gemma4.attention.value_length", kv.u32(4)), "abort-wide-ok.gguf"), undefined);
        assert.match(abort((w) => w.set("gemma4.attention.key_length", kv.u32(1)), "abort-head-1.gguf") ?? "", /"gemma4.attention.key_length" is 1/);
        assert.match(abort((w) => w.set("gemma4.attention.head_count", kv.u32(2)).set("gemma4.rope.dimension_count", kv.u32(6)), "abort-rope-dims.gguf") ?? "",
            /"gemma4.rope.dimension_count" \(6\) exceeds the head size \(4\)/);
        assert.match(abort((w) => w.set("gemma4.block_count", kv.u32(4)).set("gemma4.attention.shared_kv_layers", kv.u32(3)), "abort-shared.gguf") ?? "", /only 1 of its 4 layers/);
        assert.match(abort((w) => w.set("gemma4.expert_count", kv.u32(8)), "abort-experts.gguf") ?? "", /8 experts but routes to none/);
        assert.match(abort((w) => w.set("gemma4.feed_forward_length", kv.u32s([16, 0])), "abort-ff-layer.gguf") ?? "", /"gemma4.feed_forward_length" is 0 for layer 1/);
        assert.match(abort((w) => w.set("gemma4.rope.scaling.type", kv.str("warp")), "abort-rope.gguf") ?? "", /RoPE scaling type "warp"/);
        assert.match(abort((w) => w.addTensor({name: "blk.1.attn_norm.weight", dims: [8], type: GgmlType.F16, data: () => randomF16(8, 2)}), "abort-f16-norm.gguf") ?? "",
            /tensor "blk.1.attn_norm.weight" is a vector of type F16/);
        assert.match(abort((w) => w.set("gemma4.attention.layer_norm_rms_epsilon", kv.f32(Number.NaN)), "abort-eps.gguf") ?? "", /epsilon" is NaN/);
        assert.match(abort((w) => w.set("gemma4.attention.key_length", kv.u32(4)).set("gemma4.rope.dimension_count", kv.u32(3)), "abort-rope-odd.gguf") ?? "",
            /"gemma4.rope.dimension_count" is 3; RoPE needs pairs/);
        assert.match(abort((w) => w.set("gemma4.attention.key_length", kv.u32(4)).set("gemma4.rope.dimension_count", kv.u32(0)), "abort-rope-none.gguf") ?? "",
            /"gemma4.rope.dimension_count" is 0; RoPE needs pairs/);
        // Recurrent models have no attention heads at all.
        assert.equal(modelFactsFromHeader(readGgufHeaderFromFile(writeSample("mamba.gguf", sampleWriter({architecture: "mamba"}).set("mamba.attention.head_count", kv.u32(0))))).nativeAbort, undefined);
    });

    it("never fails with anything but a GgufFormatError on corrupted headers", () => {
        const original = written.get("round.gguf")!;
        const end = headerEnd(original);
        let seed = 12345;
        const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
        let refused = 0;
        for (let round = 0; round < 400; round++) {
            const bytes = original.slice();
            for (let k = 0; k < 1 + (round % 4); k++) bytes[next() % end] = next() & 0xff;
            try {
                readGgufHeaderFromBuffer(bytes);
            } catch (error) {
                assert.ok(error instanceof GgufFormatError, `round ${round}: ${String(error)}`);
                refused++;
            }
        }
        assert.ok(refused > 0);
    });
});

describe("GGUF quantized tensor types (Q8_0, Q4_0)", () => {
    let qdir: string;
    before(() => { qdir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-gguf-q-")); });
    after(() => fs.rmSync(qdir, {recursive: true, force: true}));

    it("quantizes Q8_0 as ggml does: f16 scale amax/127, then 32 int8 rounded half away from zero", () => {
        // amax 63.5 gives d = 0.5 exactly; ±0.25 sit halfway between quants and must round away from zero.
        const values = Float32Array.from({length: 32}, (_, j) => [63.5, -63.5, 0.25, -0.25, 0, 1, -1.5][j] ?? (j - 16) * 0.5);
        const bytes = quantizeQ8_0(values);
        assert.equal(bytes.byteLength, 34);
        assert.equal(bytes[0] | (bytes[1] << 8), toHalf(0.5));
        const quants = [...new Int8Array(bytes.buffer, 2, 32)];
        assert.deepEqual(quants.slice(0, 7), [127, -127, 1, -1, 0, 2, -3]);
        assert.deepEqual(quants.slice(7), Array.from({length: 25}, (_, i) => (i + 7 - 16)));
        const back = dequantizeQ8_0(bytes);
        values.forEach((v, j) => assert.ok(Math.abs(back[j] - v) <= 0.25, `value ${j}: ${v} came back as ${back[j]}`));
        assert.deepEqual([...dequantizeQ8_0(quantizeQ8_0(new Float32Array(64)))], new Array(64).fill(0));
    });

    it("quantizes Q4_0 as ggml does: scale max/−8, element j in the low nibble and j+16 in the high nibble of byte j", () => {
        // The largest magnitude is −4, so d = 0.5 and a value v becomes the nibble trunc(v/0.5 + 8.5), at most 15.
        const values = Float32Array.from({length: 32}, (_, j) => j === 0 ? -4 : j === 16 ? 3.5 : j === 17 ? 3.9 : j === 1 ? 0.2 : 0);
        const bytes = quantizeQ4_0(values);
        assert.equal(bytes.byteLength, 18);
        assert.equal(bytes[0] | (bytes[1] << 8), toHalf(0.5));
        assert.equal(bytes[2], 0 | (15 << 4), "element 0 → nibble 0, element 16 → nibble 15");
        assert.equal(bytes[3], 8 | (15 << 4), "element 1 (0.2) → nibble 8, element 17 (3.9) clamps to 15");
        for (let j = 2; j < 16; j++) assert.equal(bytes[2 + j], 0x88, `byte ${j} holds two zeros`);
        const back = dequantizeQ4_0(bytes);
        assert.equal(back[0], -4);
        assert.equal(back[16], 3.5);
        assert.equal(back[17], 3.5);
        assert.equal(back[5], 0);
    });

    it("refuses to quantize a length that is not whole blocks", () => {
        assert.throws(() => quantizeQ8_0(new Float32Array(33)), /multiple of 32/);
        assert.throws(() => quantizeQ4_0(new Float32Array(16)), /multiple of 32/);
    });

    it("draws random quantized weights deterministically, small and finite", () => {
        for (const type of [GgmlType.Q8_0, GgmlType.Q4_0] as const) {
            const a = randomQuantized(type, 4096, 7);
            assert.deepEqual(a, randomQuantized(type, 4096, 7));
            assert.notDeepEqual(a, randomQuantized(type, 4096, 8));
            const values = type === GgmlType.Q8_0 ? dequantizeQ8_0(a) : dequantizeQ4_0(a);
            assert.equal(values.length, 4096);
            assert.ok(values.every((v) => Number.isFinite(v) && Math.abs(v) <= 2 ** -4), `${GgmlType[type]} values stay within 2^-4`);
            assert.ok(new Set(values).size > 8, `${GgmlType[type]} values vary`);
        }
    });

    it("writes quantized tensors at aligned offsets with their block sizes, and the reader expects the file's exact size", () => {
        const q8 = quantizeQ8_0(Float32Array.from({length: 64 * 3}, (_, i) => Math.sin(i)));
        const q4 = quantizeQ4_0(Float32Array.from({length: 96 * 2}, (_, i) => Math.cos(i)));
        const w = new GgufWriter().set("general.architecture", kv.str("llama"))
            .addTensor({name: "a.weight", dims: [64, 3], type: GgmlType.Q8_0, data: () => q8})
            .addTensor({name: "b.weight", dims: [3], type: GgmlType.F32, data: () => f32Bytes(Float32Array.from([1, 2, 3]))})
            .addTensor({name: "c.weight", dims: [96, 2], type: GgmlType.Q4_0, data: () => q4});
        const file = path.join(qdir, "quantized.gguf");
        w.write(file);
        const bytes = fs.readFileSync(file);
        const h = readGgufHeaderFromFile(file);
        assert.deepEqual(h.tensors.map((t) => [t.name, t.type, Number(t.byteSize)]), [
            ["a.weight", GgmlType.Q8_0, 6 * 34], ["b.weight", GgmlType.F32, 12], ["c.weight", GgmlType.Q4_0, 6 * 18]
        ]);
        for (const t of h.tensors) assert.equal(t.offset % BigInt(h.alignment), 0n);
        assert.equal(h.expectedFileSize, bytes.byteLength);
        const at = (name: string) => h.dataOffset + Number(h.tensors.find((t) => t.name === name)!.offset);
        assert.deepEqual(bytes.subarray(at("a.weight"), at("a.weight") + q8.byteLength), Buffer.from(q8));
        assert.deepEqual(bytes.subarray(at("c.weight"), at("c.weight") + q4.byteLength), Buffer.from(q4));
    });

    it("refuses a quantized tensor whose rows do not split into blocks, and data of the wrong size", () => {
        assert.throws(() => new GgufWriter().addTensor({name: "x", dims: [48, 2], type: GgmlType.Q8_0, data: () => new Uint8Array(0)}),
            /rows of 48 do not split into Q8_0 blocks of 32/);
        const w = new GgufWriter().set("general.architecture", kv.str("llama"))
            .addTensor({name: "short.weight", dims: [32, 2], type: GgmlType.Q4_0, data: () => new Uint8Array(35)});
        assert.throws(() => w.write(path.join(qdir, "short.gguf")), /produced 35 bytes, expected 36/);
        assert.ok(!fs.existsSync(path.join(qdir, "short.gguf")), "no half-written file is left");
    });
});

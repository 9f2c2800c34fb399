// GGUF writer → reader round trip, model facts, and every refusal of a malformed file.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {ByteBuilder, GgufWriter, kv} from "../../scripts/testModels/gguf";
import {f32Bytes, fromHalf, randomF16, toHalf} from "../../scripts/testModels/tensorData";
import {
    GGUF_MAGIC, GgmlType, GgufFormatError, GgufValueType, assertUsableAsDrafter, assertUsableAsMainModel, getArray, getInteger,
    getNumber, getString, modelFactsFromHeader, readGgufHeaderFromBuffer, readGgufHeaderFromFile, readModelFacts,
    type GgufErrorCode
} from "../../src/runtime/models/gguf/index";

const tokens = ["<pad>", "<eos>", "<bos>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "a", "b", "é", "▁x"];

function sampleWriter(options: {architecture?: string, tokens?: string[]} = {}): GgufWriter {
    const arch = options.architecture ?? "gemma4";
    const w = new GgufWriter()
        .set("general.architecture", kv.str(arch))
        .set("general.name", kv.str("sample ✓"))
        .set(`${arch}.context_length`, kv.u32(4096))
        .set(`${arch}.embedding_length`, kv.u32(8))
        .set(`${arch}.block_count`, kv.u32(1))
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
        assertUsableAsMainModel(facts);

        const other = modelFactsFromHeader(readGgufHeaderFromFile(writeSample("other.gguf", sampleWriter({tokens: [...tokens.slice(0, -1), "▁y"]}))));
        assert.notEqual(other.vocabFingerprint, facts.vocabFingerprint);
    });

    it("refuses an MTP drafter as the main model, and drafters with another vocabulary or target width", () => {
        const target = readModelFacts(writeSample("target.gguf"));
        const drafter = readModelFacts(writeSample("assistant.gguf", sampleWriter({architecture: "gemma4-assistant"})));
        assert.equal(drafter.isMtpDrafter, true);
        assert.equal(drafter.mtpTargetEmbeddingLength, 16);
        assert.throws(() => assertUsableAsMainModel(drafter), (e: unknown) => e instanceof GgufFormatError && e.code === "incompatible" && /MTP drafter/.test(e.message));
        assert.throws(() => assertUsableAsDrafter(target, drafter), (e: unknown) => e instanceof GgufFormatError && /hidden size 16/.test(e.message));
        const foreign = readModelFacts(writeSample("foreign.gguf", sampleWriter({architecture: "llama", tokens: ["<unk>", "<s>", "</s>", "x"]})));
        assert.throws(() => assertUsableAsDrafter(target, foreign), (e: unknown) => e instanceof GgufFormatError && /vocabulary differs/.test(e.message));
        const sameVocab = readModelFacts(writeSample("draft.gguf", sampleWriter({architecture: "llama"})));
        assertUsableAsDrafter(target, sameVocab);
    });

    it("detects a file truncated inside its tensor data", () => {
        const bytes = written.get("facts.gguf") ?? fs.readFileSync(writeSample("facts.gguf"));
        const file = path.join(dir, "cut.gguf");
        fs.writeFileSync(file, bytes.subarray(0, bytes.byteLength - 5));
        const facts = readModelFacts(file);
        assert.equal(facts.truncated, true);
        assert.equal(facts.expectedFileSize, bytes.byteLength);
        assert.throws(() => assertUsableAsMainModel(facts, file), (e: unknown) => e instanceof GgufFormatError && e.code === "truncated" && e.message.includes(file));
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

// Mutated GGUF headers for the fuzz test (test/runtime/ggufFuzz.test.ts): the layout of a well-formed header with
// the offset of every field, and mutants of it — byte flips, truncation, huge counts and lengths, wrong types,
// other array lengths, duplicate keys, control characters, odd hyperparameters and tensor infos. A mutant is a
// header plus a file size: the rest of the file is zeros, written sparse, so a mutant costs a few kilobytes of disk
// whatever size it claims (llama.cpp reads tensor data without judging it, so zeros load as well as weights do).
import fs from "node:fs";
import {ByteBuilder} from "../../scripts/testModels/gguf";
import {GGUF_SCALAR_SIZE, GgufValueType, alignUp, readGgufHeaderFromFile} from "../../src/runtime/models/gguf";
import {mulberry32} from "../../bench/stats";

export interface KvLayout {
    key: string;
    start: number;
    typeAt: number;
    valueAt: number;
    end: number;
    type: GgufValueType;
    /** Arrays: their item type and where the item count sits. */
    itemType?: GgufValueType;
    countAt?: number;
    count?: number;
    /** Strings (values, or items of a string array): where each length field sits and how long the text is. */
    strings: {lengthAt: number, length: number}[];
}

export interface TensorLayout {
    name: string;
    start: number;
    nDimsAt: number;
    dims: number[];
    typeAt: number;
    offsetAt: number;
    end: number;
}

export interface HeaderLayout {
    /** The header region of the original file: [0, dataOffset). */
    bytes: Uint8Array;
    kvs: KvLayout[];
    tensors: TensorLayout[];
    /** End of the last tensor info. */
    infoEnd: number;
    dataOffset: number;
    alignment: number;
    fileSize: number;
}

export interface Mutant {
    kind: string;
    detail: string;
    /** What the mutation changed, without incidental detail (which item of an array, which byte of a text): equal signatures load alike. */
    signature: string;
    header: Uint8Array;
    /** The whole file's size; bytes past the header are zeros. */
    size: number;
}

/** Reads the layout of a well-formed GGUF (the generated test models). */
export function readLayout(file: string): HeaderLayout {
    const header = readGgufHeaderFromFile(file);
    const bytes = new Uint8Array(header.dataOffset);
    const fd = fs.openSync(file, "r");
    try {
        fs.readSync(fd, bytes, 0, bytes.byteLength, 0);
    } finally {
        fs.closeSync(fd);
    }
    const view = new DataView(bytes.buffer);
    let at = 24;
    const u32 = () => { const v = view.getUint32(at, true); at += 4; return v; };
    const u64 = () => { const v = Number(view.getBigUint64(at, true)); at += 8; return v; };
    const str = () => { const lengthAt = at; const length = u64(); const text = new TextDecoder().decode(bytes.subarray(at, at + length)); at += length; return {lengthAt, length, text}; };
    const kvs: KvLayout[] = [];
    for (let i = 0; i < header.metadata.size; i++) {
        const start = at;
        const key = str().text;
        const typeAt = at;
        const type = u32() as GgufValueType;
        const valueAt = at;
        const kv: KvLayout = {key, start, typeAt, valueAt, end: 0, type, strings: []};
        if (type === GgufValueType.String) {
            const s = str();
            kv.strings.push({lengthAt: s.lengthAt, length: s.length});
        } else if (type === GgufValueType.Array) {
            kv.itemType = u32() as GgufValueType;
            kv.countAt = at;
            kv.count = u64();
            for (let j = 0; j < kv.count; j++) {
                if (kv.itemType === GgufValueType.String) {
                    const s = str();
                    kv.strings.push({lengthAt: s.lengthAt, length: s.length});
                } else {
                    at += GGUF_SCALAR_SIZE[kv.itemType]!;
                }
            }
        } else {
            at += GGUF_SCALAR_SIZE[type]!;
        }
        kv.end = at;
        kvs.push(kv);
    }
    const tensors: TensorLayout[] = [];
    for (let i = 0; i < header.tensors.length; i++) {
        const start = at;
        const name = str().text;
        const nDimsAt = at;
        const nDims = u32();
        const dims: number[] = [];
        for (let d = 0; d < nDims; d++) dims.push(u64());
        const typeAt = at;
        at += 4;
        const offsetAt = at;
        at += 8;
        tensors.push({name, start, nDimsAt, dims, typeAt, offsetAt, end: at});
    }
    return {bytes, kvs, tensors, infoEnd: at, dataOffset: header.dataOffset, alignment: header.alignment, fileSize: header.fileSize};
}

/** Writes a mutant as a sparse file. */
export function writeMutant(file: string, mutant: Mutant): void {
    fs.writeFileSync(file, mutant.header.subarray(0, Math.min(mutant.header.byteLength, mutant.size)));
    if (mutant.size > mutant.header.byteLength) fs.truncateSync(file, mutant.size);
}

/** A small deterministic PRNG (the benchmarks' mulberry32), so a failing mutant can be made again from its seed. */
export const random = mulberry32;

const HUGE_FILE = 16 * 2 ** 30;

/** `count` mutants of `layout`, of every kind in turn. */
export function makeMutants(layout: HeaderLayout, count: number, seed: number): Mutant[] {
    const rand = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const int = (below: number) => Math.floor(rand() * below);
    const tail = layout.fileSize - layout.dataOffset;
    const copy = () => layout.bytes.slice();
    const same = (kind: string, detail: string, header: Uint8Array, size = layout.fileSize, signature = detail): Mutant =>
        ({kind, detail, signature: `${kind}: ${signature}`, header, size});
    /** Replaces bytes [from, to) of the header with `bytes`, re-padding so tensor data starts at an aligned offset. */
    const splice = (from: number, to: number, bytes: Uint8Array, patch?: (out: DataView) => void): Uint8Array => {
        const infoEnd = layout.infoEnd - (to - from) + bytes.byteLength;
        const dataOffset = Number(alignUp(BigInt(infoEnd), layout.alignment));
        const out = new Uint8Array(dataOffset);
        out.set(layout.bytes.subarray(0, from));
        out.set(bytes, from);
        out.set(layout.bytes.subarray(to, layout.infoEnd), from + bytes.byteLength);
        patch?.(new DataView(out.buffer));
        return out;
    };
    const sizeFor = (header: Uint8Array) => header.byteLength + tail;
    const setU64 = (bytes: Uint8Array, at: number, value: bigint) => new DataView(bytes.buffer).setBigUint64(at, value, true);
    const setU32 = (bytes: Uint8Array, at: number, value: number) => new DataView(bytes.buffer).setUint32(at, value >>> 0, true);
    // Hyperparameters and token ids: general.* (file type, quantization version) only names things.
    const scalars = layout.kvs.filter((kv) => kv.type !== GgufValueType.String && kv.type !== GgufValueType.Array && !kv.key.startsWith("general."));
    const arrays = layout.kvs.filter((kv) => kv.type === GgufValueType.Array);

    const mutators: Array<() => Mutant> = [
        // Byte flips anywhere in the header.
        () => {
            const bytes = copy();
            const flips = 1 + int(4);
            const where: number[] = [];
            for (let i = 0; i < flips; i++) {
                const at = int(layout.infoEnd);
                bytes[at] ^= 1 + int(255);
                where.push(at);
            }
            return same("byte flip", `at ${where.join(", ")}`, bytes);
        },
        // Truncation: mostly inside the header, sometimes inside the tensor data.
        () => {
            const cut = rand() < 0.8 ? int(layout.infoEnd) : layout.dataOffset + int(tail);
            return same("truncation", `cut at ${cut}`, layout.bytes.slice(0, Math.min(cut, layout.dataOffset)), cut);
        },
        // Huge counts and lengths, in a file large enough (sparse) that only the limits and the budget stop them.
        () => {
            const fields: {at: number, what: string, value: number}[] = [
                {at: 8, what: "tensor count", value: layout.tensors.length},
                {at: 16, what: "key count", value: layout.kvs.length},
                ...layout.kvs.map((kv) => ({at: kv.start, what: `key length of ${kv.key}`, value: kv.key.length})),
                ...arrays.map((kv) => ({at: kv.countAt!, what: `item count of ${kv.key}`, value: kv.count!})),
                ...layout.kvs.flatMap((kv) => kv.strings.slice(0, 3).map((s) => ({at: s.lengthAt, what: `string length in ${kv.key}`, value: s.length}))),
                ...layout.tensors.map((t) => ({at: t.start, what: `name length of ${t.name}`, value: t.name.length}))
            ];
            const field = pick(fields);
            const value = pick([2n ** 64n - 1n, 2n ** 63n, 2n ** 40n, 2n ** 32n + 1n, 2n ** 31n, 5n << 20n, 40n << 20n, BigInt(field.value) * 1000n, BigInt(field.value + 1), 0n]);
            const bytes = copy();
            setU64(bytes, field.at, value);
            return same("huge count", `${field.what} ${field.value} → ${value}`, bytes, layout.fileSize + HUGE_FILE);
        },
        // Wrong types: the type field alone, or a well-formed value of another type.
        () => {
            const kv = pick(layout.kvs);
            if (rand() < 0.4) {
                const bytes = copy();
                const type = int(16);
                setU32(bytes, kv.typeAt, type);
                return same("wrong type", `type of ${kv.key} ${kv.type} → ${type}`, bytes);
            }
            const value = new ByteBuilder();
            const choice = int(9);
            switch (choice) {
                case 0: value.u32(GgufValueType.String).string(String(int(5000))); break;
                case 1: value.u32(GgufValueType.Float32).f32(pick([0, -1, 1e30, Number.NaN, 0.5])); break;
                case 2: value.u32(GgufValueType.Uint8).u8(int(256)); break;
                case 3: value.u32(GgufValueType.Int32).i32(pick([-1, -2147483648, 7])); break;
                case 4: value.u32(GgufValueType.Bool).u8(1); break;
                case 5: value.u32(GgufValueType.Uint64).u64(pick([0n, 2n ** 63n, 123n])); break;
                case 6: value.u32(GgufValueType.Array).u32(GgufValueType.Uint32).u64(2n).u32(1).u32(2); break;
                case 7: value.u32(GgufValueType.Array).u32(GgufValueType.String).u64(1n).string("x"); break;
                default: value.u32(GgufValueType.Int64).i64(-1n); break;
            }
            const header = splice(kv.typeAt, kv.end, value.bytes());
            return same("wrong type", `${kv.key} (type ${kv.type}) rewritten as value kind ${choice}`, header, sizeFor(header));
        },
        // Array lengths: the count field alone, or a well-formed array with fewer or more items.
        () => {
            const kv = arrays.length > 0 ? pick(arrays) : pick(layout.kvs);
            if (kv.countAt === undefined) return makeMutants(layout, 1, seed + 1)[0];
            if (rand() < 0.5) {
                const bytes = copy();
                const count = pick([0, 1, kv.count! - 1, kv.count! + 1, kv.count! * 2, Math.floor(kv.count! / 2)]);
                setU64(bytes, kv.countAt, BigInt(Math.max(0, count)));
                return same("array length", `count of ${kv.key} ${kv.count} → ${count} (items unchanged)`, bytes);
            }
            // Keep a prefix of the items, or repeat the last one: the array stays well-formed, its length changes.
            const itemsAt = kv.countAt + 8;
            const itemSize = kv.itemType === GgufValueType.String ? undefined : GGUF_SCALAR_SIZE[kv.itemType!]!;
            const itemEnd = (index: number) => itemSize !== undefined ? itemsAt + index * itemSize : kv.strings[index].lengthAt + 8 + kv.strings[index].length;
            const itemStart = (index: number) => itemSize !== undefined ? itemsAt + index * itemSize : kv.strings[index].lengthAt;
            let body: Uint8Array;
            let newCount: number;
            if (kv.count! > 1 && rand() < 0.5) {
                newCount = int(kv.count!);
                body = layout.bytes.slice(itemsAt, newCount === 0 ? itemsAt : itemEnd(newCount - 1));
            } else {
                const extra = 1 + int(kv.count! === 0 ? 3 : 64);
                newCount = kv.count! + extra;
                const last = kv.count! > 0 ? layout.bytes.slice(itemStart(kv.count! - 1), itemEnd(kv.count! - 1)) : new Uint8Array(itemSize ?? 8);
                const b = new ByteBuilder().raw(layout.bytes.subarray(itemsAt, kv.end));
                for (let i = 0; i < extra; i++) b.raw(last);
                body = b.bytes();
            }
            const value = new ByteBuilder().u64(BigInt(newCount)).raw(body).bytes();
            const header = splice(kv.countAt, kv.end, value);
            return same("array length", `${kv.key} with ${newCount} items instead of ${kv.count}`, header, sizeFor(header));
        },
        // Duplicate keys: a key renamed to another of the same length, or an entry given twice.
        () => {
            const kv = pick(layout.kvs);
            const partner = layout.kvs.find((other) => other !== kv && other.key.length === kv.key.length);
            if (partner !== undefined && rand() < 0.5) {
                const bytes = copy();
                bytes.set(new TextEncoder().encode(partner.key), kv.start + 8);
                return same("duplicate key", `${kv.key} renamed ${partner.key}`, bytes);
            }
            const entry = layout.bytes.slice(kv.start, kv.end);
            const header = splice(kv.end, kv.end, entry, (out) => out.setBigUint64(16, BigInt(layout.kvs.length + 1), true));
            return same("duplicate key", `${kv.key} given twice`, header, sizeFor(header));
        },
        // Control characters in keys, string values, tensor names and the special tokens' texts.
        () => {
            const bytes = copy();
            const char = pick([0x0a, 0x0d, 0x00, 0x1b, 0x7f, 0x09, 0x08]);
            const targets: {at: number, length: number, what: string}[] = [
                ...layout.kvs.map((kv) => ({at: kv.start + 8, length: kv.key.length, what: `key ${kv.key}`})),
                ...layout.kvs.filter((kv) => kv.type === GgufValueType.String).map((kv) => ({at: kv.strings[0].lengthAt + 8, length: kv.strings[0].length, what: `value of ${kv.key}`})),
                ...layout.tensors.map((t) => ({at: t.start + 8, length: t.name.length, what: `tensor ${t.name}`})),
                ...specialTokenTexts(layout)
            ].filter((target) => target.length > 0);
            const target = pick(targets);
            const offset = int(target.length);
            bytes[target.at + offset] = char;
            return same("control character", `0x${char.toString(16)} at ${offset} in ${target.what}`, bytes, layout.fileSize, `0x${char.toString(16)} in ${target.what}`);
        },
        // Hyperparameters and other integers: zero, one, huge, negative, off by one.
        () => {
            const kv = scalars.length > 0 ? pick(scalars) : pick(layout.kvs);
            const size = GGUF_SCALAR_SIZE[kv.type];
            if (size === undefined) return makeMutants(layout, 1, seed + 2)[0];
            const bytes = copy();
            const view = new DataView(bytes.buffer);
            const original = size === 8 ? Number(view.getBigUint64(kv.valueAt, true)) : size === 4 ? view.getUint32(kv.valueAt, true) : size === 2 ? view.getUint16(kv.valueAt, true) : view.getUint8(kv.valueAt);
            if (kv.type === GgufValueType.Float32) {
                const value = pick([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e38, 1e-38]);
                view.setFloat32(kv.valueAt, value, true);
                return same("value", `${kv.key} → ${value}`, bytes);
            }
            const value = pick([0, 1, 2, 3, original + 1, Math.max(0, original - 1), original * 2, Math.floor(original / 2), 0xffffffff, 0x7fffffff, 65536, int(70000)]);
            if (size === 8) view.setBigUint64(kv.valueAt, BigInt(value), true);
            else if (size === 4) view.setUint32(kv.valueAt, value >>> 0, true);
            else if (size === 2) view.setUint16(kv.valueAt, value & 0xffff, true);
            else view.setUint8(kv.valueAt, value & 0xff);
            return same("value", `${kv.key} ${original} → ${value}`, bytes);
        },
        // Items of numeric arrays (per-layer hyperparameters, token types, scores).
        () => {
            // Token types and per-layer arrays; token scores are only weights of the tokenizer.
            const numeric = arrays.filter((kv) => kv.itemType !== GgufValueType.String && kv.count! > 0 && kv.key !== "tokenizer.ggml.scores");
            if (numeric.length === 0) return makeMutants(layout, 1, seed + 3)[0];
            const kv = pick(numeric);
            const size = GGUF_SCALAR_SIZE[kv.itemType!]!;
            const bytes = copy();
            const view = new DataView(bytes.buffer);
            const index = int(kv.count!);
            const at = kv.countAt! + 8 + index * size;
            const value = pick([0, 1, 0xff, 0x7fffffff, 0xffffffff, int(2000)]);
            if (kv.itemType === GgufValueType.Float32) view.setFloat32(at, pick([Number.NaN, -1e30, 1e30, 0]), true);
            else if (size === 4) view.setUint32(at, value >>> 0, true);
            else if (size === 8) view.setBigUint64(at, BigInt(value), true);
            else if (size === 2) view.setUint16(at, value & 0xffff, true);
            else view.setUint8(at, value & 1);
            return same("array item", `${kv.key}[${index}] → ${value}`, bytes, layout.fileSize, `${kv.key}[*] → ${value}`);
        },
        // Tensor infos: dimensions, dimension counts, types and offsets.
        () => {
            const tensor = pick(layout.tensors);
            const other = pick(layout.tensors);
            const bytes = copy();
            const view = new DataView(bytes.buffer);
            const field = int(4);
            if (field === 0 && tensor.dims.length > 0) {
                const d = int(tensor.dims.length);
                const value = pick([0, 1, 2 ** 40, tensor.dims[d] * 2, Math.max(1, Math.floor(tensor.dims[d] / 2)), tensor.dims[d] + 32, other.dims[0] ?? 1]);
                view.setBigUint64(tensor.nDimsAt + 4 + 8 * d, BigInt(value), true);
                return same("tensor info", `${tensor.name} dimension ${d} ${tensor.dims[d]} → ${value}`, bytes);
            }
            if (field === 1) {
                const value = pick([0, 1, 2, 3, 4, 5, 0xffffffff]);
                view.setUint32(tensor.nDimsAt, value, true);
                return same("tensor info", `${tensor.name} dimension count ${tensor.dims.length} → ${value}`, bytes);
            }
            if (field === 2) {
                const value = pick([0, 1, 2, 8, 12, 14, 16, 19, 24, 27, 30, 31, 36, 39, 41, 42, 43, 99, 0xffffffff]);
                view.setUint32(tensor.typeAt, value, true);
                return same("tensor info", `${tensor.name} type → ${value}`, bytes);
            }
            const current = view.getBigUint64(tensor.offsetAt, true);
            const otherOffset = view.getBigUint64(other.offsetAt, true);
            const value = pick([0n, 1n, current + 32n, current + BigInt(layout.alignment) * 1000n, otherOffset, 2n ** 62n, BigInt(layout.fileSize)]);
            view.setBigUint64(tensor.offsetAt, value, true);
            return same("tensor info", `${tensor.name} offset ${current} → ${value}`, bytes);
        }
    ];

    // How often each mutator runs in a round of 20: structure more than values, which mostly load alike.
    const weights = [3, 2, 2, 2, 2, 2, 2, 2, 1, 2];
    const schedule = weights.flatMap((weight, index) => Array.from({length: weight}, () => mutators[index]));
    const mutants: Mutant[] = [];
    for (let i = 0; i < count; i++) mutants.push(schedule[i % schedule.length]());
    return mutants;
}

/** Where the texts of the tokens a `tokenizer.ggml.*_token_id` names sit (llama.cpp logs them while loading). */
function specialTokenTexts(layout: HeaderLayout): {at: number, length: number, what: string}[] {
    const tokens = layout.kvs.find((kv) => kv.key === "tokenizer.ggml.tokens");
    if (tokens === undefined) return [];
    const view = new DataView(layout.bytes.buffer);
    return layout.kvs.filter((kv) => /_token_id$/.test(kv.key) && kv.type === GgufValueType.Uint32).flatMap((kv) => {
        const id = view.getUint32(kv.valueAt, true);
        const text = tokens.strings[id];
        return text === undefined ? [] : [{at: text.lengthAt + 8, length: text.length, what: `token ${id} (${kv.key})`}];
    });
}

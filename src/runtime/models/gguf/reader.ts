// GGUF header reader: magic, version, metadata and tensor infos, without touching tensor data.
// Every length and count is checked against the bytes the file still has before anything is allocated, and
// the header as a whole against a total budget of bytes and items: a many-gigabyte file could otherwise hold
// millions of values that each pass their own limit and together exhaust the heap. A corrupt or hostile file
// fails fast with a GgufFormatError instead of hanging or exhausting memory.
import {BufferSource, FileSource, type ByteSource} from "./byteSource";
import {
    GGML_TYPE_LAYOUT, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_SCALAR_SIZE, GGUF_SUPPORTED_VERSIONS, GgufValueType,
    alignUp, ggmlTensorBytes
} from "./constants";
import {GgufFormatError} from "./errors";

export type GgufScalar = number | bigint | boolean | string;
export interface GgufArray {
    readonly itemType: GgufValueType;
    readonly items: GgufValue[];
}
export type GgufValue = GgufScalar | GgufArray;

export interface GgufMetadataEntry {
    readonly type: GgufValueType;
    readonly value: GgufValue;
}

export interface GgufTensorInfo {
    readonly name: string;
    /** ggml order: dims[0] is the contiguous (row) dimension. */
    readonly dims: number[];
    readonly type: number;
    /** Offset from the start of the tensor data section. */
    readonly offset: bigint;
    readonly elementCount: bigint;
    /** Undefined when the tensor type is one this reader has no size for. */
    readonly byteSize: bigint | undefined;
}

export interface GgufHeader {
    readonly version: number;
    readonly metadata: ReadonlyMap<string, GgufMetadataEntry>;
    readonly tensors: readonly GgufTensorInfo[];
    readonly alignment: number;
    /** File offset where tensor data begins. */
    readonly dataOffset: number;
    /** Smallest file size that holds every tensor; undefined when a tensor type is unknown. */
    readonly expectedFileSize: number | undefined;
    readonly fileSize: number;
}

export interface GgufReadLimits {
    maxTensors: number;
    maxKeys: number;
    maxKeyLength: number;
    maxStringLength: number;
    maxArrayItems: number;
    maxDims: number;
    /** Total budget: bytes of the whole header, from the magic to the end of the last tensor info. */
    maxHeaderBytes: number;
    /** Total budget: metadata keys, tensor infos and array items together. */
    maxTotalItems: number;
}

/**
 * The largest real header we know, Gemma 4's vocabulary (llama.cpp's models/ggml-vocab-gemma-4.gguf), is 15.8 MB
 * with 1.3 million items; the budgets leave about four and three times that. Within them the parsed header
 * takes at most a few hundred megabytes of heap, however large the file.
 */
export const DEFAULT_GGUF_LIMITS: Readonly<GgufReadLimits> = {
    maxTensors: 1 << 20,
    maxKeys: 1 << 16,
    maxKeyLength: 1 << 16,
    maxStringLength: 64 << 20,
    maxArrayItems: 1 << 24,
    maxDims: 4,
    maxHeaderBytes: 64 << 20,
    maxTotalItems: 4 << 20
};

const MAX_ARRAY_NESTING = 2;
/** The read window starts small (most headers are a few kilobytes) and doubles up to 1 MiB for vocabularies. */
const FIRST_WINDOW_BYTES = 1 << 16;
const MAX_WINDOW_BYTES = 1 << 20;
/** Keeps a leading byte-order mark: it is part of the text (Gemma 4 has "\uFEFF//" beside "//" as another token). */
const utf8 = new TextDecoder("utf-8", {fatal: true, ignoreBOM: true});

/** Sequential reader over a ByteSource through a bounded window, keeping the header's total budget. */
class Cursor {
    private window: Uint8Array = new Uint8Array(0);
    private windowStart = 0;
    private view: DataView = new DataView(this.window.buffer);
    private windowBytes = FIRST_WINDOW_BYTES;
    offset = 0;
    /** Keys, tensor infos and array items counted so far (see GgufReadLimits.maxTotalItems). */
    private items = 0;

    constructor(private readonly source: ByteSource, private readonly path: string | undefined, private readonly limits: GgufReadLimits) {}

    get remaining(): number {
        return this.source.size - this.offset;
    }

    /** Header bytes the budget still allows from the current offset. */
    private get budgetLeft(): number {
        return Math.max(0, this.limits.maxHeaderBytes - this.offset);
    }

    fail(code: ConstructorParameters<typeof GgufFormatError>[0], message: string, offset = this.offset): never {
        throw new GgufFormatError(code, message, offset, this.path);
    }

    /** Counts `n` more items against the total budget, before anything is allocated for them. */
    spend(n: number, what: string, at = this.offset): void {
        this.items += n;
        if (this.items > this.limits.maxTotalItems) {
            this.fail("over-budget", `${what} brings the header past ${this.limits.maxTotalItems} items (keys, tensors and array items together), ` +
                `more than any real model has`, at);
        }
    }

    /** Makes `length` bytes at the current offset available in the window; returns their position in it. */
    private take(length: number, what: string): number {
        if (length > this.remaining) {
            this.fail("truncated", `truncated at offset ${this.offset}: ${what} needs ${length} bytes, the file has ${this.remaining} left`);
        }
        if (length > this.budgetLeft) this.overBudget(what);
        const end = this.offset + length;
        if (this.offset < this.windowStart || end > this.windowStart + this.window.byteLength) {
            const size = Math.min(Math.max(length, this.windowBytes), this.source.size - this.offset);
            this.windowBytes = Math.min(this.windowBytes * 2, MAX_WINDOW_BYTES);
            const bytes = this.source.read(this.offset, size);
            this.window = bytes;
            this.windowStart = this.offset;
            this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
        const at = this.offset - this.windowStart;
        this.offset = end;
        return at;
    }

    // `take` may move the window, so the view is read only after it returns.
    u8(what: string): number { const at = this.take(1, what); return this.view.getUint8(at); }
    i8(what: string): number { const at = this.take(1, what); return this.view.getInt8(at); }
    u16(what: string): number { const at = this.take(2, what); return this.view.getUint16(at, true); }
    i16(what: string): number { const at = this.take(2, what); return this.view.getInt16(at, true); }
    u32(what: string): number { const at = this.take(4, what); return this.view.getUint32(at, true); }
    i32(what: string): number { const at = this.take(4, what); return this.view.getInt32(at, true); }
    f32(what: string): number { const at = this.take(4, what); return this.view.getFloat32(at, true); }
    f64(what: string): number { const at = this.take(8, what); return this.view.getFloat64(at, true); }
    u64(what: string): bigint { const at = this.take(8, what); return this.view.getBigUint64(at, true); }
    i64(what: string): bigint { const at = this.take(8, what); return this.view.getBigInt64(at, true); }

    /**
     * A uint64 count, refused before anything is allocated for it: above `max` no real model goes, and each
     * item takes at least `minItemBytes`, so a count the rest of the file cannot hold means truncation.
     */
    count(what: string, max: number, minItemBytes: number): number {
        const at = this.offset;
        const value = this.u64(what);
        if (value > BigInt(max)) this.fail("absurd-count", `${what} is ${value}, more than the ${max} any real model has`, at);
        const fits = Math.floor(this.remaining / minItemBytes);
        if (value > BigInt(fits)) {
            this.fail("truncated", `truncated after offset ${at}: ${what} is ${value}, but the ${this.remaining} bytes left hold at most ${fits}`, at);
        }
        if (value > BigInt(Math.floor(this.budgetLeft / minItemBytes))) this.overBudget(`${what} (${value})`, at);
        return Number(value);
    }

    private overBudget(what: string, at = this.offset): never {
        return this.fail("over-budget", `${what} would take the header past ${this.limits.maxHeaderBytes} bytes, ` +
            `more than any real model's`, at);
    }

    string(what: string, maxLength: number): string {
        const at = this.offset;
        const length = this.u64(`length of ${what}`);
        if (length > BigInt(maxLength)) this.fail("absurd-length", `${what} claims ${length} bytes (limit ${maxLength})`, at);
        const n = Number(length);
        const start = this.take(n, what);
        try {
            return utf8.decode(this.window.subarray(start, start + n));
        } catch {
            return this.fail("bad-string", `${what} is not valid UTF-8`, at);
        }
    }
}

export function readGgufHeaderFromBuffer(bytes: Uint8Array, limits: Partial<GgufReadLimits> = {}): GgufHeader {
    return readGgufHeader(new BufferSource(bytes), undefined, limits);
}

export function readGgufHeaderFromFile(path: string, limits: Partial<GgufReadLimits> = {}): GgufHeader {
    const source = new FileSource(path);
    try {
        return readGgufHeader(source, path, limits);
    } finally {
        source.close();
    }
}

export function readGgufHeader(source: ByteSource, path: string | undefined, partialLimits: Partial<GgufReadLimits> = {}): GgufHeader {
    const limits = {...DEFAULT_GGUF_LIMITS, ...partialLimits};
    const cursor = new Cursor(source, path, limits);

    if (source.size < 4) cursor.fail("truncated", `truncated at offset 0: ${source.size} bytes is too short for a GGUF magic`);
    const magic = cursor.u32("magic");
    if (magic !== GGUF_MAGIC) {
        const text = [0, 8, 16, 24].map((shift) => (magic >>> shift) & 0xff).map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : "."));
        cursor.fail("bad-magic", `bad magic "${text.join("")}" (0x${magic.toString(16).padStart(8, "0")}): not a GGUF file`, 0);
    }
    const version = cursor.u32("version");
    if (!GGUF_SUPPORTED_VERSIONS.includes(version)) {
        cursor.fail("unsupported-version", `unsupported GGUF version ${version} (supported: ${GGUF_SUPPORTED_VERSIONS.join(", ")})`, 4);
    }
    // A tensor info takes at least 8+4+4+8 bytes and a key/value at least 8+4+1: both counts are bounded by file size too.
    const tensorCount = cursor.count("tensor count", limits.maxTensors, 24);
    const keyCount = cursor.count("metadata key count", limits.maxKeys, 13);
    cursor.spend(tensorCount + keyCount, `${tensorCount} tensors and ${keyCount} keys`, 8);

    const metadata = new Map<string, GgufMetadataEntry>();
    for (let i = 0; i < keyCount; i++) {
        const keyOffset = cursor.offset;
        const key = cursor.string(`key #${i}`, limits.maxKeyLength);
        if (metadata.has(key)) cursor.fail("duplicate", `metadata key "${key}" appears twice`, keyOffset);
        const typeOffset = cursor.offset;
        const type = cursor.u32(`type of "${key}"`);
        metadata.set(key, {type, value: readValue(cursor, type, key, limits, 0, typeOffset)});
    }

    const alignment = readAlignment(metadata, cursor);
    const tensors: GgufTensorInfo[] = [];
    const names = new Set<string>();
    for (let i = 0; i < tensorCount; i++) {
        const infoOffset = cursor.offset;
        const tensor = readTensorInfo(cursor, i, limits, alignment);
        if (names.has(tensor.name)) cursor.fail("duplicate", `tensor "${tensor.name}" appears twice`, infoOffset);
        names.add(tensor.name);
        tensors.push(tensor);
    }

    const dataOffset = Number(alignUp(BigInt(cursor.offset), alignment));
    let dataEnd: bigint | undefined = 0n;
    for (const tensor of tensors) {
        if (tensor.byteSize === undefined) { dataEnd = undefined; break; }
        const end = tensor.offset + tensor.byteSize;
        if (end > dataEnd) dataEnd = end;
    }
    // Without tensors there is no data section to align to (llama.cpp's vocabulary-only files end at the header).
    const expectedFileSize = tensors.length === 0 ? cursor.offset : dataEnd === undefined ? undefined : dataOffset + Number(dataEnd);
    return {version, metadata, tensors, alignment, dataOffset, expectedFileSize, fileSize: source.size};
}

/** Read once: the switch below runs for every value (under tsx each use of an imported enum is a getter call). */
const Type = GgufValueType;

function readValue(cursor: Cursor, type: number, key: string, limits: GgufReadLimits, depth: number, typeOffset: number): GgufValue {
    switch (type) {
        case Type.Uint8: return cursor.u8(key);
        case Type.Int8: return cursor.i8(key);
        case Type.Uint16: return cursor.u16(key);
        case Type.Int16: return cursor.i16(key);
        case Type.Uint32: return cursor.u32(key);
        case Type.Int32: return cursor.i32(key);
        case Type.Float32: return cursor.f32(key);
        case Type.Float64: return cursor.f64(key);
        case Type.Uint64: return cursor.u64(key);
        case Type.Int64: return cursor.i64(key);
        case Type.Bool: {
            const at = cursor.offset;
            const byte = cursor.u8(key);
            if (byte > 1) cursor.fail("bad-value-type", `"${key}" is a bool holding ${byte}`, at);
            return byte === 1;
        }
        case Type.String: return cursor.string(`value of "${key}"`, limits.maxStringLength);
        case Type.Array: {
            if (depth >= MAX_ARRAY_NESTING) cursor.fail("bad-value-type", `"${key}" nests arrays deeper than ${MAX_ARRAY_NESTING}`, typeOffset);
            const itemTypeOffset = cursor.offset;
            const itemType = cursor.u32(`item type of "${key}"`);
            const itemSize = itemType === Type.String ? 8 : itemType === Type.Array ? 12 : GGUF_SCALAR_SIZE[itemType as GgufValueType];
            if (itemSize === undefined) cursor.fail("bad-value-type", `"${key}" is an array of unknown value type ${itemType}`, itemTypeOffset);
            const countOffset = cursor.offset;
            const length = cursor.count(`item count of "${key}"`, limits.maxArrayItems, itemSize);
            cursor.spend(length, `the ${length} items of "${key}"`, countOffset);
            const items: GgufValue[] = new Array(length);
            if (itemType === Type.String) {
                // The common case by far (vocabularies, merges), read without the per-value dispatch.
                const what = `an item of "${key}"`;
                for (let i = 0; i < length; i++) items[i] = cursor.string(what, limits.maxStringLength);
            } else {
                for (let i = 0; i < length; i++) items[i] = readValue(cursor, itemType, key, limits, depth + 1, itemTypeOffset);
            }
            return {itemType, items};
        }
        default:
            return cursor.fail("bad-value-type", `"${key}" has unknown value type ${type}`, typeOffset);
    }
}

function readAlignment(metadata: ReadonlyMap<string, GgufMetadataEntry>, cursor: Cursor): number {
    const entry = metadata.get("general.alignment");
    if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT;
    const value = entry.value;
    if (entry.type !== GgufValueType.Uint32 || typeof value !== "number" || value === 0 || (value & (value - 1)) !== 0) {
        return cursor.fail("wrong-type", `general.alignment must be a power-of-two uint32, got ${String(value)}`, 0);
    }
    return value;
}

function readTensorInfo(cursor: Cursor, index: number, limits: GgufReadLimits, alignment: number): GgufTensorInfo {
    const start = cursor.offset;
    const name = cursor.string(`name of tensor #${index}`, limits.maxKeyLength);
    const dimCount = cursor.u32(`dimension count of "${name}"`);
    if (dimCount > limits.maxDims) cursor.fail("absurd-count", `tensor "${name}" has ${dimCount} dimensions (at most ${limits.maxDims})`, start);
    const dims: number[] = [];
    let elementCount = 1n;
    for (let d = 0; d < dimCount; d++) {
        const dim = cursor.u64(`dimension ${d} of "${name}"`);
        if (dim === 0n || dim > BigInt(Number.MAX_SAFE_INTEGER)) cursor.fail("bad-tensor", `tensor "${name}" has dimension ${d} = ${dim}`, start);
        elementCount *= dim;
        if (elementCount > 1n << 50n) cursor.fail("bad-tensor", `tensor "${name}" claims ${elementCount}+ elements`, start);
        dims.push(Number(dim));
    }
    const type = cursor.u32(`type of "${name}"`);
    if (type > 255) cursor.fail("bad-tensor", `tensor "${name}" has type ${type}, no ggml type is that large`, start);
    const offset = cursor.u64(`offset of "${name}"`);
    if (offset % BigInt(alignment) !== 0n) cursor.fail("bad-tensor", `tensor "${name}" data offset ${offset} is not aligned to ${alignment}`, start);
    const layout = GGML_TYPE_LAYOUT[type];
    if (layout !== undefined && dims.length > 0 && dims[0] % layout.blockSize !== 0) {
        cursor.fail("bad-tensor", `tensor "${name}" row of ${dims[0]} is not a multiple of its type's block of ${layout.blockSize}`, start);
    }
    return {name, dims, type, offset, elementCount, byteSize: ggmlTensorBytes(type, elementCount)};
}

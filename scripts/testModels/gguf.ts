// GGUF writer for generated test models: typed metadata, tensor infos with aligned offsets, and tensor data
// produced one tensor at a time (so a 100 MB model never sits in memory twice).
import fs from "node:fs";
import {
    GGML_TYPE_LAYOUT, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_WRITE_VERSION, GgmlType, GgufValueType, alignUp, ggmlTensorBytes
} from "../../src/runtime/models/gguf/constants";

export type MetadataValue =
    | {type: GgufValueType.Uint8 | GgufValueType.Int8 | GgufValueType.Uint16 | GgufValueType.Int16 | GgufValueType.Uint32 | GgufValueType.Int32 | GgufValueType.Float32 | GgufValueType.Float64, value: number}
    | {type: GgufValueType.Uint64 | GgufValueType.Int64, value: bigint}
    | {type: GgufValueType.Bool, value: boolean}
    | {type: GgufValueType.String, value: string}
    | {type: GgufValueType.Array, itemType: GgufValueType.String, value: readonly string[]}
    | {type: GgufValueType.Array, itemType: GgufValueType.Bool, value: readonly boolean[]}
    | {type: GgufValueType.Array, itemType: Exclude<GgufValueType, GgufValueType.String | GgufValueType.Bool | GgufValueType.Array | GgufValueType.Uint64 | GgufValueType.Int64>, value: readonly number[]};

export const kv = {
    u32: (value: number): MetadataValue => ({type: GgufValueType.Uint32, value}),
    i32: (value: number): MetadataValue => ({type: GgufValueType.Int32, value}),
    f32: (value: number): MetadataValue => ({type: GgufValueType.Float32, value}),
    u64: (value: bigint): MetadataValue => ({type: GgufValueType.Uint64, value}),
    bool: (value: boolean): MetadataValue => ({type: GgufValueType.Bool, value}),
    str: (value: string): MetadataValue => ({type: GgufValueType.String, value}),
    strings: (value: readonly string[]): MetadataValue => ({type: GgufValueType.Array, itemType: GgufValueType.String, value}),
    bools: (value: readonly boolean[]): MetadataValue => ({type: GgufValueType.Array, itemType: GgufValueType.Bool, value}),
    i32s: (value: readonly number[]): MetadataValue => ({type: GgufValueType.Array, itemType: GgufValueType.Int32, value}),
    u32s: (value: readonly number[]): MetadataValue => ({type: GgufValueType.Array, itemType: GgufValueType.Uint32, value}),
    f32s: (value: readonly number[]): MetadataValue => ({type: GgufValueType.Array, itemType: GgufValueType.Float32, value})
};

export interface TensorSpec {
    name: string;
    /** ggml order: dims[0] is the contiguous dimension (a matrix {n_in, n_out} stores n_out rows of n_in). */
    dims: number[];
    /** Block-quantized types need dims[0] to be a multiple of their block (32 values). */
    type: GgmlType.F32 | GgmlType.F16 | GgmlType.BF16 | GgmlType.Q8_0 | GgmlType.Q4_0;
    /** Produces the tensor's bytes, exactly byteSize long; called once, while the file is written. */
    data: () => Uint8Array;
}

export class GgufWriter {
    private readonly metadata = new Map<string, MetadataValue>();
    private readonly tensors: TensorSpec[] = [];
    readonly alignment = GGUF_DEFAULT_ALIGNMENT;

    set(key: string, value: MetadataValue): this {
        this.metadata.set(key, value);
        return this;
    }

    get(key: string): MetadataValue | undefined {
        return this.metadata.get(key);
    }

    keys(): string[] {
        return [...this.metadata.keys()];
    }

    addTensor(spec: TensorSpec): this {
        if (this.tensors.some((t) => t.name === spec.name)) throw new Error(`tensor ${spec.name} added twice`);
        if (spec.dims.length === 0 || spec.dims.length > 4 || spec.dims.some((d) => !Number.isInteger(d) || d <= 0)) {
            throw new Error(`tensor ${spec.name} has bad dims [${spec.dims.join(", ")}]`);
        }
        const blockSize = GGML_TYPE_LAYOUT[spec.type].blockSize;
        if (spec.dims[0] % blockSize !== 0) {
            throw new Error(`tensor ${spec.name}: rows of ${spec.dims[0]} do not split into ${GgmlType[spec.type]} blocks of ${blockSize}`);
        }
        this.tensors.push(spec);
        return this;
    }

    tensorSpecs(): readonly TensorSpec[] {
        return this.tensors;
    }

    parameterCount(): number {
        return this.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
    }

    /** Writes the file to `path` (through a temporary file, so a crash never leaves a half-written model). */
    write(path: string): number {
        const header = new ByteBuilder();
        header.u32(GGUF_MAGIC).u32(GGUF_WRITE_VERSION).u64(BigInt(this.tensors.length)).u64(BigInt(this.metadata.size));
        for (const [key, value] of this.metadata) {
            header.string(key);
            writeValue(header, value);
        }
        let offset = 0n;
        const sizes: number[] = [];
        for (const tensor of this.tensors) {
            header.string(tensor.name).u32(tensor.dims.length);
            for (const dim of tensor.dims) header.u64(BigInt(dim));
            header.u32(tensor.type).u64(offset);
            const size = ggmlTensorBytes(tensor.type, BigInt(tensor.dims.reduce((a, b) => a * b, 1)))!;
            sizes.push(Number(size));
            offset = alignUp(offset + size, this.alignment);
        }
        const headerBytes = header.bytes();
        const dataStart = Number(alignUp(BigInt(headerBytes.byteLength), this.alignment));

        const temporary = `${path}.${process.pid}.tmp`;
        const fd = fs.openSync(temporary, "w");
        try {
            fs.writeSync(fd, headerBytes);
            let position = headerBytes.byteLength;
            const pad = (to: number) => {
                if (to > position) fs.writeSync(fd, new Uint8Array(to - position));
                position = to;
            };
            pad(dataStart);
            this.tensors.forEach((tensor, i) => {
                const data = tensor.data();
                if (data.byteLength !== sizes[i]) throw new Error(`tensor ${tensor.name}: produced ${data.byteLength} bytes, expected ${sizes[i]}`);
                fs.writeSync(fd, data);
                position += data.byteLength;
                if (i < this.tensors.length - 1) pad(dataStart + Number(alignUp(BigInt(position - dataStart), this.alignment)));
            });
            fs.closeSync(fd);
            fs.renameSync(temporary, path);
            return position;
        } catch (error) {
            try { fs.closeSync(fd); } catch { /* already closed */ }
            fs.rmSync(temporary, {force: true});
            throw error;
        }
    }
}

function writeValue(out: ByteBuilder, value: MetadataValue): void {
    out.u32(value.type);
    if (value.type === GgufValueType.Array) {
        out.u32(value.itemType).u64(BigInt(value.value.length));
        for (const item of value.value) writeScalar(out, value.itemType, item);
    } else {
        writeScalar(out, value.type, value.value);
    }
}

function writeScalar(out: ByteBuilder, type: GgufValueType, value: number | bigint | boolean | string): void {
    switch (type) {
        case GgufValueType.Uint8: out.u8(value as number); break;
        case GgufValueType.Int8: out.i8(value as number); break;
        case GgufValueType.Uint16: out.u16(value as number); break;
        case GgufValueType.Int16: out.i16(value as number); break;
        case GgufValueType.Uint32: out.u32(value as number); break;
        case GgufValueType.Int32: out.i32(value as number); break;
        case GgufValueType.Float32: out.f32(value as number); break;
        case GgufValueType.Float64: out.f64(value as number); break;
        case GgufValueType.Uint64: out.u64(value as bigint); break;
        case GgufValueType.Int64: out.i64(value as bigint); break;
        case GgufValueType.Bool: out.u8(value ? 1 : 0); break;
        case GgufValueType.String: out.string(value as string); break;
        default: throw new Error(`cannot write value type ${type}`);
    }
}

/** Growable little-endian byte buffer; also used by tests to hand-craft malformed files. */
export class ByteBuilder {
    private buffer = new Uint8Array(1 << 16);
    private view = new DataView(this.buffer.buffer);
    length = 0;

    private reserve(n: number): number {
        if (this.length + n > this.buffer.byteLength) {
            const bigger = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + n));
            bigger.set(this.buffer.subarray(0, this.length));
            this.buffer = bigger;
            this.view = new DataView(bigger.buffer);
        }
        const at = this.length;
        this.length += n;
        return at;
    }

    // `reserve` may replace the buffer, so the view is read only after it returns.
    u8(v: number): this { const at = this.reserve(1); this.view.setUint8(at, v); return this; }
    i8(v: number): this { const at = this.reserve(1); this.view.setInt8(at, v); return this; }
    u16(v: number): this { const at = this.reserve(2); this.view.setUint16(at, v, true); return this; }
    i16(v: number): this { const at = this.reserve(2); this.view.setInt16(at, v, true); return this; }
    u32(v: number): this { const at = this.reserve(4); this.view.setUint32(at, v, true); return this; }
    i32(v: number): this { const at = this.reserve(4); this.view.setInt32(at, v, true); return this; }
    f32(v: number): this { const at = this.reserve(4); this.view.setFloat32(at, v, true); return this; }
    f64(v: number): this { const at = this.reserve(8); this.view.setFloat64(at, v, true); return this; }
    u64(v: bigint): this { const at = this.reserve(8); this.view.setBigUint64(at, v, true); return this; }
    i64(v: bigint): this { const at = this.reserve(8); this.view.setBigInt64(at, v, true); return this; }

    raw(bytes: Uint8Array): this {
        const at = this.reserve(bytes.byteLength);
        this.buffer.set(bytes, at);
        return this;
    }

    string(s: string): this {
        const bytes = new TextEncoder().encode(s);
        return this.u64(BigInt(bytes.byteLength)).raw(bytes);
    }

    bytes(): Uint8Array {
        return this.buffer.slice(0, this.length);
    }
}

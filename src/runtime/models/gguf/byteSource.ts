// Random-access byte sources for the GGUF reader: a file read in bounded windows, or a buffer in memory.
import fs from "node:fs";
import {GgufFormatError} from "./errors";

export interface ByteSource {
    readonly size: number;
    /** Reads exactly `length` bytes at `offset`; the caller has already checked the range against `size`. */
    read(offset: number, length: number): Uint8Array;
    close(): void;
}

export class BufferSource implements ByteSource {
    readonly size: number;

    constructor(private readonly bytes: Uint8Array) {
        this.size = bytes.byteLength;
    }

    read(offset: number, length: number): Uint8Array {
        return this.bytes.subarray(offset, offset + length);
    }

    close(): void {}
}

export class FileSource implements ByteSource {
    readonly size: number;
    private readonly fd: number;

    constructor(readonly path: string) {
        try {
            this.fd = fs.openSync(path, "r");
            this.size = fs.fstatSync(this.fd).size;
        } catch (error) {
            throw new GgufFormatError("io", `cannot open: ${(error as Error).message}`, undefined, path);
        }
    }

    read(offset: number, length: number): Uint8Array {
        const bytes = new Uint8Array(length);
        let done = 0;
        while (done < length) {
            const n = fs.readSync(this.fd, bytes, done, length - done, offset + done);
            if (n === 0) throw new GgufFormatError("truncated", `file ended while reading at offset ${offset + done}`, offset + done, this.path);
            done += n;
        }
        return bytes;
    }

    close(): void {
        fs.closeSync(this.fd);
    }
}

// Every way a GGUF file can be refused, as one error type with a machine-readable code.

export type GgufErrorCode =
    | "io"                  // the file could not be opened or read
    | "bad-magic"           // not a GGUF file at all
    | "unsupported-version" // a GGUF version this reader does not know
    | "truncated"           // the file ends before the header (or the tensor data) does
    | "absurd-count"        // a count (tensors, keys, array items, dimensions) no real model has
    | "absurd-length"       // a string length no real model has
    | "over-budget"         // the header as a whole is larger (bytes or items) than any real model's
    | "bad-value-type"      // an unknown metadata value type
    | "bad-string"          // a string that is not valid UTF-8
    | "duplicate"           // a key or tensor name given twice
    | "bad-tensor"          // a tensor whose type, shape or offset cannot be right
    | "missing-key"         // a required metadata key is absent
    | "wrong-type"          // a metadata key holds a value of the wrong type
    | "incompatible";       // a valid file that cannot be used for the requested role

export class GgufFormatError extends Error {
    override readonly name = "GgufFormatError";

    constructor(
        readonly code: GgufErrorCode,
        message: string,
        /** Byte offset in the file where the problem was found, when it has one. */
        readonly offset?: number,
        readonly path?: string
    ) {
        super(path === undefined ? message : `${path}: ${message}`);
    }
}

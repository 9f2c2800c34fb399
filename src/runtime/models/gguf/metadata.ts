// Typed access to GGUF metadata values: each getter names the key and the type it expected when it fails.
import {GgufValueType} from "./constants";
import {GgufFormatError} from "./errors";
import type {GgufArray, GgufHeader} from "./reader";

const INTEGER_TYPES = new Set<GgufValueType>([
    GgufValueType.Uint8, GgufValueType.Int8, GgufValueType.Uint16, GgufValueType.Int16, GgufValueType.Uint32,
    GgufValueType.Int32, GgufValueType.Uint64, GgufValueType.Int64
]);

export function getString(header: GgufHeader, key: string): string | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined) return undefined;
    if (entry.type !== GgufValueType.String) throw wrongType(key, "a string", entry.type);
    return entry.value as string;
}

/** An integer value of any width, as a number; refuses values beyond 2^53. */
export function getInteger(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined) return undefined;
    if (!INTEGER_TYPES.has(entry.type)) throw wrongType(key, "an integer", entry.type);
    const value = entry.value as number | bigint;
    if (typeof value === "bigint") {
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
            throw new GgufFormatError("wrong-type", `"${key}" is ${value}, too large to be meaningful`);
        }
        return Number(value);
    }
    return value;
}

export function getNumber(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined) return undefined;
    if (entry.type === GgufValueType.Float32 || entry.type === GgufValueType.Float64) return entry.value as number;
    return getInteger(header, key);
}

export function getArray(header: GgufHeader, key: string): GgufArray | undefined {
    const entry = header.metadata.get(key);
    if (entry === undefined) return undefined;
    if (entry.type !== GgufValueType.Array) throw wrongType(key, "an array", entry.type);
    return entry.value as GgufArray;
}

export function getStringArray(header: GgufHeader, key: string): string[] | undefined {
    const array = getArray(header, key);
    if (array === undefined) return undefined;
    if (array.itemType !== GgufValueType.String) throw wrongType(key, "an array of strings", array.itemType);
    return array.items as string[];
}

export function requireString(header: GgufHeader, key: string): string {
    const value = getString(header, key);
    if (value === undefined) throw new GgufFormatError("missing-key", `required key "${key}" is missing`);
    return value;
}

function wrongType(key: string, expected: string, actual: number): GgufFormatError {
    return new GgufFormatError("wrong-type", `"${key}" should be ${expected}, but has value type ${GgufValueType[actual] ?? actual}`);
}

// Reads a zip's central directory (a VSIX is one): each entry's name, size and the Unix mode its maker
// recorded, which VS Code's installer restores. Enough for the packaging checks; no extraction.
import fs from "node:fs";

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** @returns {Map<string, {size: number, mode: number}>} entries by path inside the zip */
export function zipListing(file) {
    const zip = fs.readFileSync(file);
    // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
    let end = -1;
    for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
        if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) { end = at; break; }
    }
    if (end < 0) throw new Error(`${file} is not a zip: no end-of-central-directory record`);
    const count = zip.readUInt16LE(end + 10);
    const entries = new Map();
    for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
        if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${file}: central directory entry ${i} is damaged`);
        const nameLength = zip.readUInt16LE(at + 28), extraLength = zip.readUInt16LE(at + 30), commentLength = zip.readUInt16LE(at + 32);
        const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
        entries.set(name, {size: zip.readUInt32LE(at + 24), mode: zip.readUInt32LE(at + 38) >>> 16});
        at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}

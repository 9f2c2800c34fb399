// Whether a TCP port on 127.0.0.1 is listened on by a given process, from Linux's /proc. llama-server's port is
// read from its log, and its log repeats text from the model file (a chat template's parse error quotes the
// template): before anything is sent to the port, the socket itself must be the server's.
import fs from "node:fs";

/** TCP state LISTEN in /proc/net/tcp. */
const LISTEN = "0A";

/**
 * true when `pid` holds the socket listening on 127.0.0.1:`port`, false when another process does or none
 * listens, undefined where /proc cannot tell (not Linux).
 */
export function listensOn(pid: number, port: number): boolean | undefined {
    let table: string;
    try {
        table = fs.readFileSync("/proc/net/tcp", "utf8");
    } catch {
        return undefined;
    }
    // local_address is the IPv4 address in host byte order (little-endian here), then the port, both in hex.
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
    const inodes = new Set<string>();
    for (const line of table.split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[1] === local && fields[3] === LISTEN) inodes.add(fields[9]);
    }
    if (inodes.size === 0) return false;
    let descriptors: string[];
    try {
        descriptors = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
        return undefined;
    }
    return descriptors.some((fd) => {
        try {
            const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
            return inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? "");
        } catch {
            return false;
        }
    });
}

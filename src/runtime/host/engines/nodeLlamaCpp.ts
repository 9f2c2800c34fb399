// node-llama-cpp is ESM-only with top-level await, so CommonJS callers (mocha and tsx in this package) cannot
// `require` it: every value import goes through this one dynamic import. Type-only imports stay static.
export type NodeLlamaCpp = typeof import("node-llama-cpp");

let loaded: Promise<NodeLlamaCpp> | undefined;

export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
    loaded ??= import("node-llama-cpp");
    return loaded;
}

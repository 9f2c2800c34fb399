// `npm run bench -- NAME [--repo PATH] [...]`: runs bench/NAME.ts. Each benchmark prints what it likes and,
// as its very last line, one JSON object with the keys its issue names.
import path from "node:path";
import fs from "node:fs";

export interface BenchArgs {
    /** Repository to measure on (`--repo PATH`); each benchmark has its own default. */
    repo?: string;
    /** Every `--key value` / `--flag` given, for benchmark-specific options. */
    options: Record<string, string | true>;
}

export type Benchmark = (args: BenchArgs) => Promise<Record<string, unknown>>;

function parse(argv: string[]): {name: string, args: BenchArgs} {
    const [name, ...rest] = argv;
    const options: Record<string, string | true> = {};
    for (let i = 0; i < rest.length; i++) {
        const key = rest[i];
        if (!key.startsWith("--")) throw new Error(`unexpected argument ${key}`);
        const next = rest[i + 1];
        if (next !== undefined && !next.startsWith("--")) { options[key.slice(2)] = next; i++; }
        else options[key.slice(2)] = true;
    }
    const repo = typeof options.repo === "string" ? path.resolve(options.repo) : undefined;
    return {name, args: {repo, options}};
}

async function main(): Promise<void> {
    const available = fs.readdirSync(__dirname).filter((f) => f.endsWith(".ts") && f !== "run.ts").map((f) => f.slice(0, -3));
    const {name, args} = parse(process.argv.slice(2));
    if (!name || !available.includes(name)) {
        console.error(`usage: npm run bench -- NAME [--repo PATH]\nbenchmarks: ${available.join(", ")}`);
        process.exit(2);
    }
    const module = await import(`./${name}.ts`) as {default: Benchmark};
    const result = await module.default(args);
    console.log(JSON.stringify(result));
    process.exit(0); // native handles (llama, workers) must not keep the process alive after the result
}

// tsx runs this file as CommonJS (package.json has no "type": "module"): no top-level await, no import.meta.
main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
});

// `npm run models [-- --force] [--dir PATH]`: generates the test models into test/fixtures/models/ unless they are up to date.
import {generateTestModels} from "./generate";

try {
    const dirAt = process.argv.indexOf("--dir");
    const dir = dirAt >= 0 ? process.argv[dirAt + 1] : undefined;
    if (dirAt >= 0 && dir === undefined) throw new Error("--dir needs a path");
    generateTestModels({force: process.argv.includes("--force"), dir, log: (line) => console.log(line)});
} catch (error) {
    console.error(`npm run models failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
}

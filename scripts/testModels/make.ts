// `npm run models [-- --force]`: generates the test models into test/fixtures/models/ unless they are up to date.
import {generateTestModels} from "./generate";

try {
    generateTestModels({force: process.argv.includes("--force"), log: (line) => console.log(line)});
} catch (error) {
    console.error(`npm run models failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
}

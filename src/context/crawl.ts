// Lists the files of a workspace folder worth indexing: ignore rules prune whole folders before they are read.
import fs from "node:fs";
import path from "node:path";
import {IgnoreRules} from "./ignoreRules";
import {languageOf} from "./languages";

export async function crawl(root: string, rules: IgnoreRules, visit: (file: string) => void): Promise<void> {
    const pending = [root];
    while (pending.length > 0) {
        const dir = pending.pop()!;
        let entries: fs.Dirent[];
        try {
            entries = await fs.promises.readdir(dir, {withFileTypes: true});
        } catch {
            continue; // unreadable or vanished folder: nothing to index there
        }
        for (const entry of entries) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                if (!rules.isIgnored(full, true)) pending.push(full);
            } else if (entry.isFile() && languageOf(entry.name) !== undefined && !rules.isIgnored(full, false)) {
                visit(full);
            }
        }
    }
}

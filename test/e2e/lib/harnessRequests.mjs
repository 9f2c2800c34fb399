// What a case inside the extension host cannot do itself (click in the workbench, take a screenshot), it
// asks the harness for: it writes `<id>.request.json` ({action, args}) into the control folder, and the
// harness, which holds the Playwright page, answers with `<id>.done.json` ({ok, result} or {ok: false, error}).
import fs from "node:fs";
import path from "node:path";

/** Polls `dir` for requests and runs them one at a time on `page`; returns a function that stops polling. */
export function serveHarnessRequests(dir, page, actions, log) {
    fs.mkdirSync(dir, {recursive: true});
    const handled = new Set();
    let busy = false;
    const poll = async () => {
        if (busy) return;
        busy = true;
        try {
            for (const name of fs.readdirSync(dir).filter((entry) => entry.endsWith(".request.json")).sort()) {
                if (handled.has(name)) continue;
                handled.add(name);
                const id = name.slice(0, -".request.json".length);
                // Answered already, by the serving of an earlier stage of the same run.
                if (fs.existsSync(path.join(dir, `${id}.done.json`))) continue;
                let answer;
                try {
                    const {action, args} = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
                    const run = actions[action];
                    if (!run) throw new Error(`the harness has no action "${action}"`);
                    log(`[harness] ${action} ${JSON.stringify(args ?? {})}`);
                    answer = {ok: true, result: await run(page, args ?? {}) ?? null};
                } catch (error) {
                    answer = {ok: false, error: String(error?.stack ?? error)};
                }
                // Written whole, then renamed, so the case never reads half an answer.
                const done = path.join(dir, `${id}.done.json`);
                fs.writeFileSync(`${done}.tmp`, JSON.stringify(answer));
                fs.renameSync(`${done}.tmp`, done);
            }
        } finally {
            busy = false;
        }
    };
    // Often: a keystroke asked for must come while a streamed answer is still under way.
    const timer = setInterval(() => void poll(), 25);
    return () => clearInterval(timer);
}

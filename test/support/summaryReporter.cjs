// Mocha reporter: the spec reporter's output, plus one JSON line of counts appended to the file named by
// HEARTH_TEST_SUMMARY, so scripts/runAllTests.mjs can sum every suite into one closing line.
const fs = require("node:fs");
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const file = process.env.HEARTH_TEST_SUMMARY;
            if (!file) return;
            const {passes, failures, pending} = runner.stats;
            const suite = process.env.HEARTH_TEST_SUITE ?? "mocha";
            fs.appendFileSync(file, JSON.stringify({suite, passes, failures, pending}) + "\n");
        });
    }
}
module.exports = SummaryReporter;

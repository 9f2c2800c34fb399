// package.json is where VS Code learns what Hearth does in an untrusted workspace and which settings a
// workspace may not set; these checks keep it in step with editor/settings.ts and with the commands.
import assert from "node:assert/strict";
import fs from "node:fs";

const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
const properties = manifest.contributes.configuration.properties as Record<string, {scope?: string}>;
const settingsSource = fs.readFileSync("src/editor/settings.ts", "utf8");
const machineSettings = JSON.parse(`[${/MACHINE_SETTINGS = \[([^\]]*)\]/.exec(settingsSource)![1]}]`).map((key: string) => `hearth.${key}`) as string[];

describe("trust/manifest", () => {
    it("supports untrusted workspaces in a limited way, and says what is held back", () => {
        const untrusted = manifest.capabilities?.untrustedWorkspaces;
        assert.equal(untrusted?.supported, "limited");
        assert.match(untrusted.description, /Restricted Mode/);
        assert.deepEqual([...untrusted.restrictedConfigurations].sort(), [...machineSettings].sort());
    });

    it("gives machine scope to exactly the settings settings.ts reads from user settings only", () => {
        assert.ok(machineSettings.length >= 8, machineSettings.join(", "));
        const machine = Object.keys(properties).filter((key) => properties[key].scope === "machine");
        assert.deepEqual(machine.sort(), [...machineSettings].sort());
    });

    it("has no setting naming a path, a folder, the engine or an endpoint outside machine scope", () => {
        const risky = Object.keys(properties).filter((key) => /(\.path|Directory|\.url|\.engine|^hearth\.endpoint\.|^hearth\.model\.)/.test(key));
        assert.ok(risky.length >= 7);
        for (const key of risky) assert.equal(properties[key].scope, "machine", key);
    });

    it("has a walkthrough whose steps exist on disk, name real commands, and call no built feature unbuilt", () => {
        const [walkthrough] = manifest.contributes.walkthroughs;
        const commands = new Set([...manifest.contributes.commands.map((c: {command: string}) => c.command), "hearth.chat.focus", "workbench.trust.manage"]);
        const titles = walkthrough.steps.map((step: {title: string}) => step.title);
        assert.ok(titles.some((title: string) => /model/i.test(title)));
        for (const step of walkthrough.steps as Array<{title: string, description: string, media: {markdown?: string}}>) {
            assert.ok(step.media.markdown && fs.existsSync(step.media.markdown), `${step.title}: ${step.media.markdown}`);
            for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(command), `${step.title}: ${command}`);
        }
        // Every feature is built now: no step may still say it is not.
        for (const [feature, built] of [[/completion/i, true], [/chat/i, true], [/refactor/i, true]] as const) {
            const step = walkthrough.steps.find((candidate: {title: string}) => feature.test(candidate.title));
            assert.ok(step, `a step for ${feature}`);
            if (built) assert.doesNotMatch(`${step.title} ${step.description}`, /not built yet|not available/);
            else assert.match(step.title, /not built yet/);
        }
    });
});

// The user's say-so before Hearth's first request to an endpoint off this machine: code (and the API key)
// go there, so the origin is named in a modal question, and the answer is remembered in the user's global
// state (not settings, which a workspace or settings sync could write). Loopback endpoints need no question.
import * as vscode from "vscode";
import {checkEndpointUrl, needsConfirmation} from "../runtime/endpointPolicy";

const CONFIRMED_KEY = "hearth.endpoint.confirmedOrigins";

export type EndpointDecision = {ok: true, origin: string} | {ok: false, reason: string};

export class EndpointConsent {
    /** Origins the user declined in this window: not asked again until the window reloads. */
    private readonly declined = new Set<string>();
    /** One question per origin at a time, however many loads wait for it. */
    private readonly asking = new Map<string, Promise<boolean>>();

    constructor(private readonly state: vscode.Memento) {}

    /** Whether Hearth may talk to the endpoint at `url`, asking the user first where needed. */
    async allow(url: string): Promise<EndpointDecision> {
        const checked = checkEndpointUrl(url);
        if (!checked.ok) return checked;
        if (!needsConfirmation(checked, this.confirmed())) return {ok: true, origin: checked.origin};
        const refused: EndpointDecision = {
            ok: false,
            reason: `Hearth did not connect to ${checked.origin}: you have not allowed it to send your code there. ` +
                `Reload the window to be asked again, or set "hearth.engine" to "embedded" to keep your code on this machine.`
        };
        if (this.declined.has(checked.origin)) return refused;
        let question = this.asking.get(checked.origin);
        if (question === undefined) {
            question = this.ask(checked.origin).finally(() => this.asking.delete(checked.origin));
            this.asking.set(checked.origin, question);
        }
        if (!await question) {
            this.declined.add(checked.origin);
            return refused;
        }
        return {ok: true, origin: checked.origin};
    }

    private confirmed(): string[] {
        return this.state.get<string[]>(CONFIRMED_KEY, []);
    }

    private async ask(origin: string): Promise<boolean> {
        const allow = "Send My Code There";
        const choice = await vscode.window.showWarningMessage(
            `Hearth is about to send your code, and the API key stored for it, to ${origin}.`,
            {modal: true, detail: `"hearth.endpoint.url" in your user settings names this endpoint. Allow only a server you trust; Hearth will not ask again for this origin.`},
            allow
        );
        if (choice !== allow) return false;
        await this.state.update(CONFIRMED_KEY, [...new Set([...this.confirmed(), origin])]);
        return true;
    }
}

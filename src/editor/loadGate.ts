// What stands between the settings and a load request: workspace trust (nothing loads in Restricted Mode),
// settings that are wrong (told to the user once, not just logged), the user's consent for an endpoint off
// this machine, and that endpoint's own API key. RuntimeService calls the result for every (re)load.
import * as vscode from "vscode";
import type {HearthConfig} from "../config";
import type {LoadResolution} from "../runtime/models/loadResolver";
import type {EndpointConsent} from "./endpointConsent";
import {withEndpointKey} from "./endpointKey";
import type {OutputLog} from "./outputLog";
import {RESTRICTED_NOTICE, type WorkspaceTrust} from "./trust";

export interface LoadGateOptions {
    trust: WorkspaceTrust;
    resolve: (config: HearthConfig) => Promise<LoadResolution>;
    consent: EndpointConsent;
    secrets: vscode.SecretStorage;
    log: OutputLog;
}

export function createLoadGate(options: LoadGateOptions): (config: HearthConfig) => Promise<LoadResolution> {
    const told = new Set<string>();
    const tell = (message: string): void => {
        if (told.has(message)) return;
        told.add(message);
        options.log.warn(message);
        void vscode.window.showWarningMessage(`Hearth: ${message}`, "Open Settings")
            .then((choice) => { if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "hearth"); });
    };
    return async (config) => {
        // Checked first, before settings or disk are even looked at: in Restricted Mode nothing starts.
        if (!options.trust.trusted) return {missing: RESTRICTED_NOTICE};
        const resolved = await options.resolve(config);
        if ("missing" in resolved) {
            if (resolved.problem) tell(resolved.missing);
            return resolved;
        }
        if (resolved.engine !== "openaiCompatible" || resolved.endpoint === undefined) return resolved;
        const decision = await options.consent.allow(resolved.endpoint.url);
        if (!decision.ok) {
            // The user has just answered the question; the log keeps the reason without asking again.
            options.log.warn(decision.reason);
            return {missing: decision.reason};
        }
        return withEndpointKey(options.secrets, resolved, decision.origin);
    };
}

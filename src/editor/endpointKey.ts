// The API key of a user-configured OpenAI-compatible endpoint, kept in VS Code's SecretStorage (never in
// settings, which sync and show in plain text), one key per origin: a key is sent only to the origin it was
// stored for, so changing hearth.endpoint.url can never carry it to another host. It reaches the runtime
// process only inside a load request.
import * as vscode from "vscode";
import {apiKeySecretName, checkEndpointUrl} from "../runtime/endpointPolicy";
import type {LoadParams} from "../runtime/protocol";

/** Where versions before per-origin keys kept the one key. */
const LEGACY_SECRET = "hearth.endpoint.apiKey";

/**
 * Adds the key stored for `origin` to a load request for the endpoint engine. The caller passes the origin
 * it checked (and the user allowed); a request for any other origin gets no key.
 */
export async function withEndpointKey(secrets: vscode.SecretStorage, params: LoadParams, origin: string): Promise<LoadParams> {
    if (params.engine !== "openaiCompatible" || params.endpoint === undefined) return params;
    const checked = checkEndpointUrl(params.endpoint.url);
    if (!checked.ok || checked.origin !== origin) return params;
    const apiKey = await secrets.get(apiKeySecretName(origin)) ?? await adoptLegacyKey(secrets, origin);
    return apiKey ? {...params, endpoint: {...params.endpoint, apiKey}} : params;
}

/**
 * A key stored before keys had an origin was always sent to whatever URL was configured; it now belongs to
 * the first origin the user allowed, and nowhere else.
 */
async function adoptLegacyKey(secrets: vscode.SecretStorage, origin: string): Promise<string | undefined> {
    const legacy = await secrets.get(LEGACY_SECRET);
    if (!legacy) return undefined;
    await secrets.store(apiKeySecretName(origin), legacy);
    await secrets.delete(LEGACY_SECRET);
    return legacy;
}

/** `hearth.setEndpointApiKey`: asks for the key of the configured endpoint's origin (empty removes it); returns whether anything changed. */
export async function promptForEndpointKey(secrets: vscode.SecretStorage, endpointUrl: string): Promise<boolean> {
    const checked = checkEndpointUrl(endpointUrl);
    if (!checked.ok) {
        void vscode.window.showErrorMessage(`Hearth stores an API key for the endpoint in your user settings' "hearth.endpoint.url": ${checked.reason}`, "Open Settings")
            .then((choice) => { if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "hearth.endpoint.url"); });
        return false;
    }
    const value = await vscode.window.showInputBox({
        title: `Hearth: API Key for ${checked.origin}`,
        prompt: `The key for ${checked.origin}. Hearth sends it to this origin only. Leave empty to remove the stored key.`,
        password: true,
        ignoreFocusOut: true
    });
    if (value === undefined) return false;
    const name = apiKeySecretName(checked.origin);
    if (value.trim() === "") await secrets.delete(name);
    else await secrets.store(name, value.trim());
    void vscode.window.setStatusBarMessage(value.trim() === "" ? `Hearth: API key for ${checked.origin} removed` : `Hearth: API key for ${checked.origin} stored`, 3000);
    return true;
}

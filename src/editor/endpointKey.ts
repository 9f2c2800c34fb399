// The API key of a user-configured OpenAI-compatible endpoint, kept in VS Code's SecretStorage (never in
// settings, which sync and show in plain text). It reaches the runtime process only inside a load request.
import * as vscode from "vscode";
import type {LoadParams} from "../runtime/protocol";

const SECRET = "hearth.endpoint.apiKey";

/** Adds the stored key to a load request for the endpoint engine; other requests pass through unchanged. */
export async function withEndpointKey(secrets: vscode.SecretStorage, params: LoadParams): Promise<LoadParams> {
    if (params.engine !== "openaiCompatible" || params.endpoint === undefined) return params;
    const apiKey = await secrets.get(SECRET);
    return apiKey ? {...params, endpoint: {...params.endpoint, apiKey}} : params;
}

/** `hearth.setEndpointApiKey`: asks for the key (empty removes it); returns whether anything changed. */
export async function promptForEndpointKey(secrets: vscode.SecretStorage): Promise<boolean> {
    const value = await vscode.window.showInputBox({
        title: "Hearth: Endpoint API Key",
        prompt: "The key for the OpenAI-compatible endpoint in \"hearth.endpoint.url\". Leave empty to remove the stored key.",
        password: true,
        ignoreFocusOut: true
    });
    if (value === undefined) return false;
    if (value.trim() === "") await secrets.delete(SECRET);
    else await secrets.store(SECRET, value.trim());
    void vscode.window.setStatusBarMessage(value.trim() === "" ? "Hearth: endpoint API key removed" : "Hearth: endpoint API key stored", 3000);
    return true;
}

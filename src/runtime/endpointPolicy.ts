// Which OpenAI-compatible endpoint URLs Hearth may talk to, and which key goes where. No vscode: the runtime
// host enforces the same rules as the extension, so a load request that skipped the editor is refused too.
// Code and the API key cross the network here, so: plain http only to this machine (loopback), never
// credentials inside the URL, and the key belongs to one origin (scheme, host, port) only.

export type EndpointCheck =
    | {ok: true, origin: string, baseUrl: string, loopback: boolean}
    | {ok: false, reason: string};

/**
 * Whether `hostname` (as URL.hostname gives it: IPv6 in brackets) names this machine. Only literal
 * loopback addresses and the reserved `localhost` names count: a name that resolves to 127.0.0.1 today
 * may resolve elsewhere tomorrow.
 */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
    if (host === "localhost" || host.endsWith(".localhost")) return true;
    // URL writes every IPv6 form of loopback as "::1".
    if (host === "::1") return true;
    const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
    const v4 = mapped ?? host;
    const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
    if (octets) return Number(octets[1]) === 127 && octets.slice(1).every((part) => Number(part) <= 255);
    // URL normalises "::ffff:127.0.0.1" to "::ffff:7f00:1".
    const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    return mappedHex !== null && (parseInt(mappedHex[1], 16) >> 8) === 127;
}

/** Checks `hearth.endpoint.url` and names its origin and the base URL requests are made under. */
export function checkEndpointUrl(raw: string): EndpointCheck {
    const text = raw.trim();
    if (text === "") return {ok: false, reason: "hearth.endpoint.url is empty: set the endpoint's URL, or choose another engine."};
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return {ok: false, reason: `hearth.endpoint.url is not a URL: ${text}`};
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        return {ok: false, reason: `hearth.endpoint.url must start with https:// (or http:// for this machine), not ${url.protocol}//.`};
    if (url.username !== "" || url.password !== "")
        return {ok: false, reason: `hearth.endpoint.url contains a user name or password; remove it and store the key with "Hearth: Set Endpoint API Key…".`};
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol === "http:" && !loopback)
        return {ok: false, reason: `hearth.endpoint.url uses plain http:// to ${url.host}, which would send your code and API key unencrypted: use https://. (http:// is accepted only for this machine: localhost, 127.0.0.1, [::1].)`};
    url.hash = "";
    url.search = "";
    // Accept both "https://host:port" and "https://host:port/v1".
    const baseUrl = url.toString().replace(/\/+$/, "").replace(/\/v1$/, "");
    return {ok: true, origin: url.origin, baseUrl, loopback};
}

/** The SecretStorage entry that holds the key for one origin. */
export function apiKeySecretName(origin: string): string {
    return `hearth.endpoint.apiKey:${origin}`;
}

/**
 * A key from the environment (for scripts and benchmarks): `HEARTH_ENDPOINT_API_KEY`, sent only to the
 * origin `HEARTH_ENDPOINT_API_KEY_ORIGIN` names, so a changed URL cannot carry it elsewhere.
 */
export function environmentApiKeyFor(origin: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
    const key = env.HEARTH_ENDPOINT_API_KEY?.trim();
    const keyOrigin = env.HEARTH_ENDPOINT_API_KEY_ORIGIN?.trim();
    if (!key || !keyOrigin) return undefined;
    const named = checkEndpointUrl(keyOrigin);
    return named.ok && named.origin === origin ? key : undefined;
}

/** Whether talking to this endpoint needs the user's say-so first: any origin off this machine, once. */
export function needsConfirmation(check: Extract<EndpointCheck, {ok: true}>, confirmedOrigins: readonly string[]): boolean {
    return !check.loopback && !confirmedOrigins.includes(check.origin);
}

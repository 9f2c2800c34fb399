// The one small HTTP client both server-backed engines use (llama-server on 127.0.0.1, a user's
// OpenAI-compatible endpoint): JSON requests and Server-Sent-Event streams, cancelled through an AbortSignal.
// Aborting closes the connection, which is how llama-server learns to stop generating.
import {RuntimeError} from "../../protocol";

export interface HttpClientOptions {
    baseUrl: string;
    /** Sent as `Authorization: Bearer …` when set. */
    apiKey?: string;
    /** Longest wait for response headers (the server may queue a request behind another). */
    timeoutMs?: number;
}

export class HttpError extends Error {
    constructor(readonly status: number, readonly body: string, url: string) {
        super(`${url} answered HTTP ${status}: ${summarizeErrorBody(body)}`);
        this.name = "HttpError";
    }
}

export class HttpClient {
    readonly baseUrl: string;

    constructor(private readonly options: HttpClientOptions) {
        this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    }

    async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
        const response = await this.send("GET", path, undefined, signal);
        return await response.json() as T;
    }

    async postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
        const response = await this.send("POST", path, body, signal);
        return await response.json() as T;
    }

    /** POSTs `body` and calls `onEvent` with each SSE `data:` payload parsed as JSON, until `[DONE]` or the end. */
    async postSse(path: string, body: unknown, signal: AbortSignal, onEvent: (data: unknown) => void): Promise<void> {
        const response = await this.send("POST", path, body, signal, "text/event-stream");
        if (!response.body) throw new RuntimeError("engineFailed", `${this.baseUrl}${path} returned no body.`);
        const decoder = new TextDecoder();
        let pending = "";
        let dataLines: string[] = [];
        const dispatch = (): boolean => {
            if (dataLines.length === 0) return true;
            const payload = dataLines.join("\n");
            dataLines = [];
            if (payload.trim() === "[DONE]") return false;
            let parsed: unknown;
            try {
                parsed = JSON.parse(payload);
            } catch {
                throw new RuntimeError("engineFailed", `${this.baseUrl}${path} sent an unreadable event: ${payload.slice(0, 200)}`);
            }
            const error = (parsed as {error?: unknown}).error;
            if (error !== undefined) throw new RuntimeError("engineFailed", `${this.baseUrl}${path} failed: ${summarizeErrorBody(JSON.stringify(error))}`);
            onEvent(parsed);
            return true;
        };
        const reader = response.body.getReader();
        try {
            for (;;) {
                let chunk: ReadableStreamReadResult<Uint8Array>;
                try {
                    chunk = await reader.read();
                } catch (error) {
                    if (signal.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
                    throw new RuntimeError("engineFailed", `${this.baseUrl}${path}: the stream broke off: ${describeFetchError(error)}`);
                }
                const {done, value} = chunk;
                if (done) break;
                pending += decoder.decode(value, {stream: true});
                let newline: number;
                while ((newline = pending.indexOf("\n")) >= 0) {
                    const line = pending.slice(0, newline).replace(/\r$/, "");
                    pending = pending.slice(newline + 1);
                    if (line === "") {
                        if (!dispatch()) return;
                    } else if (line.startsWith("data:")) {
                        dataLines.push(line.slice(line.startsWith("data: ") ? 6 : 5));
                    } else if (line.startsWith("error:")) {
                        // llama-server reports a failure inside a stream as `error: {json}`.
                        throw new RuntimeError("engineFailed", `${this.baseUrl}${path} failed: ${summarizeErrorBody(line.slice(6))}`);
                    }
                    // Comments (": ping") and other fields are ignored.
                }
            }
            if (pending.startsWith("data:")) dataLines.push(pending.slice(5).trim());
            dispatch();
        } finally {
            // Closes the connection when we stop early (cancellation, an error thrown by onEvent).
            await reader.cancel().catch(() => undefined);
        }
    }

    private async send(method: string, path: string, body: unknown, signal?: AbortSignal, accept = "application/json"): Promise<Response> {
        const url = `${this.baseUrl}${path}`;
        const headers: Record<string, string> = {accept};
        if (body !== undefined) headers["content-type"] = "application/json";
        if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
        // The time limit covers waiting for the headers only: a long generation may stream for minutes after.
        const controller = new AbortController();
        const timeoutMs = this.options.timeoutMs ?? 120_000;
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
        const onAbort = (): void => controller.abort();
        signal?.addEventListener("abort", onAbort, {once: true});
        if (signal?.aborted) controller.abort();
        let response: Response;
        try {
            // A redirect would carry the API key and the code to wherever the endpoint points it: never follow one.
            const init = {method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal, redirect: "error" as const};
            response = await fetch(url, init).catch(async (error: unknown) => {
                // A kept-alive connection the server closed just as we reused it: nothing reached the server,
                // so sending once more on a fresh connection is safe.
                if (!isStaleConnection(error) || controller.signal.aborted) throw error;
                return await fetch(url, init);
            });
        } catch (error) {
            signal?.removeEventListener("abort", onAbort);
            if (signal?.aborted) throw new RuntimeError("cancelled", "The request was cancelled.");
            if (timedOut) throw new RuntimeError("timeout", `${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
            throw new RuntimeError("engineFailed", `Could not reach ${url}: ${describeFetchError(error)}`);
        } finally {
            clearTimeout(timer);
        }
        if (!response.ok) throw new HttpError(response.status, await response.text().catch(() => ""), url);
        return response;
    }
}

function isStaleConnection(error: unknown): boolean {
    const code = (error as {cause?: {code?: string}}).cause?.code;
    return code === "UND_ERR_SOCKET" || code === "ECONNRESET";
}

/** fetch() hides the socket error (ECONNREFUSED …) in `cause`; that is the part worth showing. */
export function describeFetchError(error: unknown): string {
    const cause = (error as {cause?: {code?: string, message?: string}}).cause;
    if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
    // A refused redirect says so only in its cause.
    if (cause?.message) return cause.message;
    return error instanceof Error ? error.message : String(error);
}

function summarizeErrorBody(body: string): string {
    try {
        const parsed = JSON.parse(body) as {error?: {message?: string} | string, message?: string};
        const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message ?? parsed.message;
        if (message) return message;
    } catch {
        // not JSON: show it as text
    }
    return body.trim().slice(0, 300) || "(empty body)";
}

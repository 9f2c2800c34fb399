// Replaces high-confidence secrets in text bound for a prompt with an inert marker, `[REDACTED:kind]`: private-key
// blocks, tokens whose prefix names their issuer, credentials in URLs and connection strings, and literal values
// assigned to names such as `password`, `apiKey` or `client_secret`. Only the secret itself is replaced and every
// newline is kept, so a snippet's line range still points at the same lines. Running it twice changes nothing.
import path from "node:path";

export interface RedactionResult {
    text: string;
    /** Kinds of what was replaced, in order of the rules that found them. */
    kinds: string[];
}

export function redactionMarker(kind: string): string {
    return `[REDACTED:${kind}]`;
}

/**
 * Code: an unquoted value is an expression (`password = read_password()`, `token: config.token`), so only quoted
 * literals are secrets. Config and prose (YAML, INI, .properties, shell, Markdown): unquoted values are literals.
 */
export type RedactionMode = "code" | "config";

const codeExtensions = new Set([
    ".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".py", ".pyi", ".go", ".rs", ".java", ".c", ".h", ".cc",
    ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".inl", ".cs", ".rb", ".rake", ".php", ".kt", ".kts", ".swift", ".scala",
    ".lua", ".pl", ".r", ".dart", ".ex", ".exs", ".erl", ".hs", ".ml", ".clj", ".fs", ".m", ".mm", ".zig", ".nim",
    ".jl", ".ps1", ".gradle", ".groovy", ".vue", ".svelte", ".tf", ".hcl"
]);

export function redactionModeOf(filePath: string): RedactionMode {
    return codeExtensions.has(path.extname(filePath).toLowerCase()) ? "code" : "config";
}

/** Redacts `text` as the file `filePath` would be (its extension decides the mode); config mode without one. */
export function redactSecrets(text: string, filePath?: string): string {
    return redact(text, filePath ? redactionModeOf(filePath) : "config").text;
}

interface TokenRule {
    kind: string;
    /** Literal text every match contains: a rule runs only on text holding one (most text holds none). */
    hints: readonly string[];
    re: RegExp;
    /** Extra check on the matched token, for shapes a plain word could take. */
    accept?: (token: string) => boolean;
}

const mixedCase = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s);
const looksRandom = (s: string): boolean => /\d/.test(s) || mixedCase(s);

/** Tokens recognised by their issuer's prefix and shape. Order matters only where one prefix extends another. */
const tokenRules: readonly TokenRule[] = [
    {
        kind: "aws-access-key", hints: ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA"],
        re: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g
    },
    {kind: "github-token", hints: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g},
    {kind: "github-token", hints: ["github_pat_"], re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g},
    {kind: "gitlab-token", hints: ["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glsoat-"], re: /\bgl(?:pat|dt|rt|ptt|cbt|ft|soat)-[A-Za-z0-9_-]{20,}/g},
    {kind: "slack-token", hints: ["xox"], re: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g},
    {kind: "slack-webhook", hints: ["hooks.slack.com"], re: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{8,}/g},
    {kind: "stripe-key", hints: ["_live_", "_test_"], re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g},
    {kind: "stripe-key", hints: ["whsec_"], re: /\bwhsec_[A-Za-z0-9]{24,}\b/g},
    {kind: "anthropic-key", hints: ["sk-ant-"], re: /\bsk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,}/g},
    {kind: "openai-key", hints: ["sk-"], re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}/g, accept: (t) => /\d/.test(t) && mixedCase(t)},
    {kind: "google-api-key", hints: ["AIza"], re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g},
    {kind: "google-oauth-token", hints: ["ya29."], re: /\bya29\.[0-9A-Za-z_-]{30,}/g},
    {kind: "google-client-secret", hints: ["GOCSPX-"], re: /\bGOCSPX-[0-9A-Za-z_-]{20,}/g},
    {kind: "npm-token", hints: ["npm_"], re: /\bnpm_[A-Za-z0-9]{36}\b/g},
    {kind: "pypi-token", hints: ["pypi-AgEIcHlwaS5vcmc"], re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}/g},
    {kind: "huggingface-token", hints: ["hf_"], re: /\bhf_[A-Za-z0-9]{34,}\b/g, accept: mixedCase},
    {kind: "sendgrid-key", hints: ["SG."], re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g},
    {kind: "digitalocean-token", hints: ["dop_v1_", "doo_v1_", "dor_v1_"], re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g},
    {kind: "shopify-token", hints: ["shpat_", "shpca_", "shppa_", "shpss_"], re: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g},
    {kind: "jwt", hints: ["eyJ"], re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g}
];

/**
 * A private key up to its END line (no other BEGIN in between); without one (the text was cut inside the key),
 * its header and base64 lines, as far as they go.
 */
const privateKeyBlock =
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:(?:(?!-----BEGIN )[\s\S])*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:\\n[A-Za-z0-9+/=]+)+|(?:\r?\n[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: [^\r\n]*)?[ \t]*(?=\r?\n|$))*)/g;
/** `Authorization: Bearer <token>`: the scheme stays, the credential goes. */
const authHeader = /\b(?:Bearer|Basic|Token)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/g;
/** `scheme://user:password@host`: user and password go, scheme and host stay. */
const urlCredentials = /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^\s:/@"'`<>]*:[^\s@/"'`<>]+)@/g;

/**
 * Every rule below needs a name holding one of these words (`password`, `api_key`, `client_secret`, `token`,
 * `Pwd`, `AccountKey`…), so they run only on the lines that hold one, and never across lines.
 */
const secretWordHint = /pass|pwd|secret|key|token|cred/gi;
/** `…;Password=x;…` in connection strings (ADO.NET, ODBC, Azure storage), inside a string literal or not. */
const connectionStringValue = /(?<=[;"'][ \t]*)(Password|Pwd|AccountKey|SharedAccessKey)[ \t]*=[ \t]*([^;"'\s]+)/gi;
/** `--password=value` on a command line, in a script or a string that holds one. */
const cliFlag = /(?<![\w-])--?([A-Za-z][\w-]*)=(?!["'`])([^\s"'`;&|)]+)/g;
/** A name (maybe quoted), an optional type annotation, `=`/`:`/`:=`/`=>`, and a quoted literal. */
const quotedAssignment =
    /(?<![\w$.])(["']?)([A-Za-z_$][\w$.-]*)\1\]?(?:[ \t]*:[ \t]*[A-Za-z_][\w.<>[\]|?]*)?[ \t]*(?::=|=>|=|:)[ \t]*(["'`])((?:\\.|(?!\3)[^\\])*)\3/g;
/** Config and prose only: `name = value` or `name: value` with a bare value ending the line or a field. */
const bareAssignment =
    /(?<![\w$.])(["']?)([A-Za-z_$][\w$.-]*)\1[ \t]*(?:=|:)(?![=:/])[ \t]*([^\s"'`,;&#<>(){}[\]|]+)(?=[ \t]*(?:$|#|;|,|&|"|'|\/\/))/g;
/** `<password>value</password>` (Maven settings, XML configs). */
const xmlElement = /<([A-Za-z_][\w.-]*)>([^<]+)<\/\1>/g;
/** `key="ApiKey" value="…"` (.NET app settings). */
const keyValueAttributes = /\bkey[ \t]*=[ \t]*"([^"]+)"[ \t]+value[ \t]*=[ \t]*"([^"]*)"/gi;

export function redact(text: string, mode: RedactionMode = "config"): RedactionResult {
    const kinds: string[] = [];
    const mark = (kind: string): string => { kinds.push(kind); return redactionMarker(kind); };

    let out = text;
    if (out.includes("PRIVATE KEY")) {
        // A key block keeps its newlines, so the lines after it do not move.
        out = out.replace(privateKeyBlock, (block) => {
            const key = block.trimEnd();
            return mark("private-key") + "\n".repeat(key.split("\n").length - 1) + block.slice(key.length);
        });
    }
    for (const rule of tokenRules) {
        if (!rule.hints.some((hint) => out.includes(hint))) continue;
        out = out.replace(rule.re, (token) => rule.accept && !rule.accept(token) ? token : mark(rule.kind));
    }
    out = out.replace(authHeader, (match, token: string) =>
        /[\d=+/]/.test(token) && !isPlaceholder(token) ? match.slice(0, match.length - token.length) + mark("auth-header") : match);
    if (out.includes("://")) {
        out = out.replace(urlCredentials, (match, userInfo: string) => {
            const password = userInfo.slice(userInfo.indexOf(":") + 1);
            return isPlaceholder(password) || password.length < 3 ? match : match.slice(0, match.length - userInfo.length - 1) + mark("url-credentials") + "@";
        });
    }
    return {text: mapLinesWith(out, secretWordHint, (line) => redactAssignments(line, mode, mark)), kinds};
}

/** Named credentials on one line: connection strings, flags, `name = "literal"`, bare config values, XML. */
function redactAssignments(line: string, mode: RedactionMode, mark: (kind: string) => string): string {
    let out = line.replace(connectionStringValue, (match, name: string, value: string) =>
        isPlaceholder(value) ? match : match.slice(0, match.length - value.length) + mark(/key/i.test(name) ? "azure-storage-key" : "password"));
    out = out.replace(cliFlag, (match, name: string, value: string) => {
        const kind = secretKind(name);
        return kind && strongEnough(kind, value) ? match.slice(0, match.length - value.length) + mark(kind) : match;
    });
    out = out.replace(quotedAssignment, (match, _q: string, name: string, quote: string, value: string) => {
        const kind = secretKind(name);
        if (!kind || !strongEnough(kind, value)) return match;
        return match.slice(0, match.length - value.length - quote.length) + mark(kind) + quote;
    });
    if (mode === "config") {
        out = out.replace(bareAssignment, (match, _q: string, name: string, value: string) => {
            const kind = secretKind(name);
            if (!kind || !strongEnough(kind, value)) return match;
            return match.slice(0, match.length - value.length) + mark(kind);
        });
    }
    out = out.replace(xmlElement, (match, tag: string, value: string) => {
        const kind = secretKind(tag);
        return kind && strongEnough(kind, value.trim()) ? `<${tag}>${mark(kind)}</${tag}>` : match;
    });
    return out.replace(keyValueAttributes, (match, name: string, value: string) => {
        const kind = secretKind(name);
        return kind && strongEnough(kind, value) ? match.slice(0, match.length - value.length - 1) + mark(kind) + "\"" : match;
    });
}

/** `text` with each line that `hint` matches passed through `fn` (which must keep it one line); others as they are. */
function mapLinesWith(text: string, hint: RegExp, fn: (line: string) => string): string {
    let out = "", done = 0;
    hint.lastIndex = 0;
    for (let m = hint.exec(text); m; m = hint.exec(text)) {
        const start = text.lastIndexOf("\n", m.index) + 1;
        const newline = text.indexOf("\n", m.index);
        const end = newline < 0 ? text.length : newline;
        out += text.slice(done, start) + fn(text.slice(start, end));
        done = end;
        if (newline < 0) break;
        hint.lastIndex = end;
    }
    return done === 0 && out === "" ? text : out + text.slice(done);
}

type SecretKind = "password" | "secret" | "token" | "api-key" | "aws-secret-key";

/** Second words that make `…_key` a secret (`secret_key`, `privateKey`), unlike `sort_key` or `cache_key`. */
const secretKeyQualifiers = new Set([
    "secret", "private", "signing", "encryption", "master", "access", "auth", "client", "app", "account", "shared",
    "session", "license", "subscription", "consumer", "webhook", "service"
]);

/** What a name holds when it names a credential: its last word decides (`db_password`, `clientSecret`, `apiKey`). */
export function secretKind(name: string): SecretKind | undefined {
    const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
        .toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    const last = words.at(-1), before = words.at(-2);
    if (!last) return undefined;
    if (["password", "passwd", "pwd", "passphrase", "pass", "passcode"].includes(last)) return "password";
    if (words.includes("aws") && words.includes("secret")) return "aws-secret-key";
    if (last === "apikey" || (last === "key" && before === "api")) return "api-key";
    if (["secret", "credential", "credentials"].includes(last)) return "secret";
    if (last === "key" && before && secretKeyQualifiers.has(before)) return "secret";
    if (last === "token") return "token";
    return undefined;
}

/** Shortest literal taken for a secret of each kind; below it, `token = "if"` in a lexer is not one. */
const minimumLength: Record<SecretKind, number> = {"password": 4, "secret": 8, "aws-secret-key": 16, "token": 12, "api-key": 12};

function strongEnough(kind: SecretKind, value: string): boolean {
    // Whitespace means prose: a label ("Mot de passe") or a message, not a credential.
    if (value.length < minimumLength[kind] || /\s/.test(value) || isPlaceholder(value)) return false;
    return kind === "token" || kind === "api-key" ? looksRandom(value) : true;
}

/**
 * Values that stand for a secret without being one: empty, the name itself, `changeme` and the like, `<your-key>`,
 * `xxxx`, and interpolations (`${DB_PASSWORD}`, `{{ .Values.token }}`, `$TOKEN`, `%(pw)s`). `changeme` is a
 * published default, so showing it leaks nothing, and the model may need to see that it must be changed.
 */
const placeholderWords = new Set([
    "changeme", "change_me", "change-me", "changeit", "replaceme", "replace_me", "replace-me", "todo", "tbd", "fixme",
    "none", "null", "nil", "undefined", "true", "false", "yes", "no", "on", "off", "required", "optional", "string",
    "str", "int", "integer", "number", "bool", "boolean", "object", "any", "secret", "secrets", "password", "passwd",
    "token", "apikey", "api_key", "api-key", "example", "sample", "placeholder", "dummy", "fake", "redacted",
    "hidden", "test", "testing", "empty", "default", "enabled", "disabled", "value", "values"
]);

function isPlaceholder(value: string): boolean {
    if (value.includes("[REDACTED:")) return true;
    if (placeholderWords.has(value.toLowerCase())) return true;
    if (/^(.)\1*$/.test(value)) return true;
    if (/^<[^>]*>$|^\[[^\]]*\]$/.test(value)) return true;
    if (/\$\{|\{\{|\$\(|%\(|#\{|<%|\{[A-Za-z_][\w.]*\}/.test(value)) return true;
    if (/^\$[A-Za-z_]|^%[A-Za-z_]\w*%$/.test(value)) return true;
    // A dotted or slashed name without digits names a secret, it is not one (`hearth.endpoint.apiKey`, `prod/db`).
    if (/^[A-Za-z_-]+(?:[./][A-Za-z_-]+)+$/.test(value)) return true;
    return /(^|[-_. ])(your|example|sample|placeholder|dummy|fake|changeme|redacted)([-_. ]|$)/i.test(value);
}

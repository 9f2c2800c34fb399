// Files that hold credentials by their name alone: never indexed and never used as context, whatever the
// user's ignore files say. Names only, so the file is never read to decide. Code files keep their place
// (`key.ts`, `credentials.py`, `secrets.ts`): their literals are caught by redaction instead.

/** Folders whose every file is a credential or key (their lexical contents have no value as code context). */
const deniedFolders = new Set([".ssh", ".gnupg", ".aws", ".password-store", ".azure"]);

/** Paths ending like this (any depth); the folder alone is ordinary (`.docker/` also holds build files). */
const deniedPathEnds = [
    ".docker/config.json", ".kube/config", ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials",
    ".config/gh/hosts.yml", ".config/hub", ".m2/settings.xml", ".m2/settings-security.xml", ".gradle/gradle.properties",
    ".terraform.d/credentials.tfrc.json", ".config/gcloud/credentials.db", ".config/gcloud/access_tokens.db"
];

/**
 * Key material and secret stores: denied whatever else the name says (a `server.key.example` is still a key).
 * `*.pub` is allowed on its own: a public key is public. SSH key pairs (`id_rsa.pub` too) are denied by their
 * `id_*` name with the private half, since nothing in them helps with code.
 */
const keyMaterial: readonly string[] = [
    "*.pem", "*.key", "*.p12", "*.pfx", "*.pkcs12", "*.p8", "*.jks", "*.keystore", "*.bks", "*.ppk", "*.keytab",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.asc", "*.gpg", "*.pgp", "secring.*",
    "*.kdbx", "*.kdb", "*.keychain", "*.keychain-db", "*.ovpn", "*.tfstate", "*.tfstate.*"
];

/** Configuration that commonly carries tokens or passwords; a template of it (`.env.example`) is allowed. */
const secretConfig: readonly string[] = [
    ".env", ".env.*", "*.env", ".envrc", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".netrc", "_netrc",
    ".git-credentials", ".gitcookies", ".htpasswd", "htpasswd", ".pgpass", ".my.cnf", ".s3cfg", ".boto", ".dockercfg",
    ".vault-token", ".terraformrc", "terraform.rc", "*.tfvars", "*.tfvars.json", "kubeconfig", "*.kubeconfig",
    "auth.json", ".credentials", ".secrets", "*.secret", "*.secrets"
];

/** Name words (split at `.`, `-`, `_` and camel case) that mark a data file as credentials. */
const secretWords = new Set(["credential", "credentials", "secret", "secrets", "serviceaccount", "adminsdk", "creds"]);
/** Data and config extensions: a `credentials.json` holds them, a `credentials.ts` is code about them. */
const dataExtensions = new Set([
    "", "json", "yml", "yaml", "xml", "ini", "toml", "txt", "csv", "conf", "cfg", "config", "properties", "enc",
    "plist", "env", "dat", "db", "sqlite"
]);
/** Name words that mark a template, committed on purpose and holding no real values. */
const templateWords = new Set(["example", "examples", "sample", "samples", "template", "tmpl", "dist"]);

const keyMaterialRes = keyMaterial.map(globRe);
const secretConfigRes = secretConfig.map(globRe);

/**
 * The deny rule a path falls under (`*.pem`, `.ssh/`, `credentials.*`…), or undefined when it may be used.
 * `path` is absolute or relative, with either separator; every folder on it counts (`~/.ssh/config`).
 */
export function deniedBy(path: string): string | undefined {
    const posix = path.replace(/\\/g, "/").replace(/\/+$/, "");
    const segments = posix.split("/").filter(Boolean);
    const base = segments.at(-1) ?? "";
    for (const folder of segments.slice(0, -1)) if (deniedFolders.has(folder.toLowerCase())) return `${folder}/`;
    if (deniedFolders.has(base.toLowerCase())) return `${base}/`;
    const lower = posix.toLowerCase();
    for (const end of deniedPathEnds) if (lower === end || lower.endsWith(`/${end}`)) return end;
    // A copy or template of a key (`server.key.example`, `id.pem.bak`) is a key too.
    const keyName = base.replace(/(\.(example|sample|template|tmpl|dist|bak|backup|old|orig|save|copy|tmp))+$/i, "");
    const keyIndex = keyMaterialRes.findIndex((re) => re.test(keyName));
    if (keyIndex >= 0) return keyMaterial[keyIndex];
    const words = nameWords(base);
    if (words.some((w) => templateWords.has(w))) return undefined;
    const configIndex = secretConfigRes.findIndex((re) => re.test(base));
    if (configIndex >= 0) return secretConfig[configIndex];
    const ext = base.includes(".", 1) ? base.slice(base.lastIndexOf(".") + 1).toLowerCase() : "";
    if (dataExtensions.has(ext) && (words.some((w) => secretWords.has(w)) || hasPair(words, "service", "account"))) {
        return "credentials / secrets / service-account data file";
    }
    return undefined;
}

/** `service-account-prod.json` → service, account, prod, json; `googleServiceAccount.json` too. */
function nameWords(base: string): string[] {
    return base.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[\s._-]+/).filter(Boolean);
}

function hasPair(words: readonly string[], first: string, second: string): boolean {
    return words.some((w, i) => w === first && words[i + 1] === second);
}

/** A name glob (`*` any run of characters) as a case-insensitive whole-name pattern. */
function globRe(glob: string): RegExp {
    const source = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    return new RegExp(`^${source}$`, "i");
}

// Redaction: a corpus of secret shapes that must be replaced by their marker, and of look-alikes (code that
// handles passwords, placeholders, hashes, prose) that must come through unchanged. Every fake secret is put
// together at run time, so no scanner mistakes this file for a leak and no real credential is ever in it.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {redact, redactionModeOf, redactSecrets, secretKind, type RedactionMode} from "../../../src/context/secrets/redact";

/** `n` characters cycling through `alphabet`: random-looking, mixed case, with digits. */
const chars = (n: number, alphabet = "A1b2C3d4E5f6G7h8I9j0Kk"): string => Array.from({length: n}, (_, i) => alphabet[i % alphabet.length]).join("");
const upperDigits = (n: number): string => chars(n, "Q7W3E9R2T8Y4U6I5O1P0");
const hex = (n: number): string => chars(n, "0123456789abcdef");
const b64 = (n: number): string => chars(n, "Mx4/Zq+8Kp2Rw9Ln");

const pemBody = [chars(64), chars(64, "k9J8h7G6f5D4s3A2"), chars(40)];
const pem = (label: string): string => [`-----BEGIN ${label}-----`, ...pemBody, `-----END ${label}-----`].join("\n");
const jwt = `eyJ${chars(20)}.eyJ${chars(40)}.${chars(43)}`;
const R = (kind: string): string => `[REDACTED:${kind}]`;

/** [what, mode, input, expected output]. */
const secrets: Array<[string, RedactionMode, string, string]> = [
    ["RSA private key block", "config", `key:\n${pem("RSA PRIVATE KEY")}\nafter: 1`, `key:\n${R("private-key")}\n\n\n\n\nafter: 1`],
    ["OpenSSH private key", "config", pem("OPENSSH PRIVATE KEY"), `${R("private-key")}\n\n\n\n`],
    ["encrypted PKCS#8 key", "config", pem("ENCRYPTED PRIVATE KEY"), `${R("private-key")}\n\n\n\n`],
    ["EC key in a code string", "code", `const key = \`${pem("EC PRIVATE KEY")}\`;`, `const key = \`${R("private-key")}\n\n\n\n\`;`],
    ["PGP secret key", "config", pem("PGP PRIVATE KEY BLOCK"), `${R("private-key")}\n\n\n\n`],
    ["service-account JSON key with escaped newlines", "config",
        `"private_key": "-----BEGIN PRIVATE KEY-----\\n${pemBody[0]}\\n-----END PRIVATE KEY-----\\n",`,
        `"private_key": "${R("private-key")}\\n",`],
    ["key block cut off by the end of the text", "config", `x = 1\n-----BEGIN PRIVATE KEY-----\n${pemBody[0]}\n${pemBody[1]}`, `x = 1\n${R("private-key")}\n\n`],
    ["AWS access key id", "code", `const id = "AKIA${upperDigits(16)}";`, `const id = "${R("aws-access-key")}";`],
    ["AWS temporary key id", "config", `aws_access_key_id=ASIA${upperDigits(16)}`, `aws_access_key_id=${R("aws-access-key")}`],
    ["AWS secret key in an INI file", "config", `aws_secret_access_key = ${b64(40)}`, `aws_secret_access_key = ${R("aws-secret-key")}`],
    ["AWS secret key in code", "code", `AWS_SECRET_ACCESS_KEY = "${b64(40)}"`, `AWS_SECRET_ACCESS_KEY = "${R("aws-secret-key")}"`],
    ["GitHub personal token", "code", `token := "ghp_${chars(36)}"`, `token := "${R("github-token")}"`],
    ["GitHub OAuth token in prose", "config", `use gho_${chars(36)} for now`, `use ${R("github-token")} for now`],
    ["GitHub app token", "code", `headers["X"] = 'ghs_${chars(36)}'`, `headers["X"] = '${R("github-token")}'`],
    ["GitHub fine-grained token", "config", `GH=github_pat_${chars(22)}_${chars(59)}`, `GH=${R("github-token")}`],
    ["GitLab token", "code", `gitlab.auth("glpat-${chars(20)}")`, `gitlab.auth("${R("gitlab-token")}")`],
    ["Slack bot token", "code", `slack = WebClient("xoxb-${hex(12)}-${hex(13)}-${chars(24)}")`, `slack = WebClient("${R("slack-token")}")`],
    ["Slack user token", "config", `SLACK=xoxp-${hex(12)}-${hex(12)}`, `SLACK=${R("slack-token")}`],
    ["Slack webhook", "config", `url: https://hooks.slack.com/services/T${upperDigits(8)}/B${upperDigits(8)}/${chars(24)}`, `url: ${R("slack-webhook")}`],
    ["Stripe live secret key", "code", `stripe(\"sk_live_${chars(24)}\")`, `stripe(\"${R("stripe-key")}\")`],
    ["Stripe restricted key", "config", `STRIPE=rk_live_${chars(24)}`, `STRIPE=${R("stripe-key")}`],
    ["OpenAI key", "code", `client = OpenAI(api_key="sk-${chars(48)}")`, `client = OpenAI(api_key="${R("openai-key")}")`],
    ["OpenAI project key", "config", `OPENAI_API_KEY=sk-proj-${chars(40)}_${chars(40)}`, `OPENAI_API_KEY=${R("openai-key")}`],
    ["Anthropic key", "code", `new Anthropic({apiKey: "sk-ant-api03-${chars(80)}AA"})`, `new Anthropic({apiKey: "${R("anthropic-key")}"})`],
    ["Google API key", "code", `const maps = "AIza${chars(35)}";`, `const maps = "${R("google-api-key")}";`],
    ["npm token", "config", `//registry.npmjs.org/:_authToken=npm_${chars(36)}`, `//registry.npmjs.org/:_authToken=${R("npm-token")}`],
    ["JWT", "code", `const session = "${jwt}";`, `const session = "${R("jwt")}";`],
    ["bearer header", "code", `fetch(u, {headers: {Authorization: "Bearer ${chars(32)}"}})`, `fetch(u, {headers: {Authorization: "Bearer ${R("auth-header")}"}})`],
    ["URL with user and password", "config", "remote = https://alice:pa55w0rd@git.example.com/repo.git", `remote = https://${R("url-credentials")}@git.example.com/repo.git`],
    ["database URL in code", "code", `DATABASE_URL = "postgres://admin:${chars(12)}@db:5432/app"`, `DATABASE_URL = "postgres://${R("url-credentials")}@db:5432/app"`],
    ["password-only Redis URL", "config", "REDIS=redis://:p4ss-w0rd@cache:6379/0", `REDIS=redis://${R("url-credentials")}@cache:6379/0`],
    ["Python password literal", "code", `db.connect(user="app", password="s3cr3t!pw")`, `db.connect(user="app", password="${R("password")}")`],
    ["JSON password", "config", `{"db_password": "Tr0ub4dor&3"}`, `{"db_password": "${R("password")}"}`],
    ["YAML password", "config", "  password: hunter22", `  password: ${R("password")}`],
    ["dotenv password with a comment", "config", "DB_PASS=hunter22 # prod", `DB_PASS=${R("password")} # prod`],
    ["INI api key", "config", `api_key = ${hex(32)}`, `api_key = ${R("api-key")}`],
    ["TypeScript apiKey", "code", `const config = {apiKey: "${chars(32)}"};`, `const config = {apiKey: "${R("api-key")}"};`],
    ["Python client secret", "code", `CLIENT_SECRET = '${chars(24)}'`, `CLIENT_SECRET = '${R("secret")}'`],
    ["Django secret key", "code", `SECRET_KEY = 'django-insecure-${chars(30)}'`, `SECRET_KEY = '${R("secret")}'`],
    ["YAML secret", "config", "webhook:\n  secret: correct-horse-battery", `webhook:\n  secret: ${R("secret")}`],
    ["Go private key string", "code", `privateKey := "${b64(44)}"`, `privateKey := "${R("secret")}"`],
    ["PHP password", "code", `$password = 'letmein99';`, `$password = '${R("password")}';`],
    ["Ruby hash rocket", "code", `{:password => 'letmein99'}`, `{:password => '${R("password")}'}`],
    ["typed TypeScript field", "code", `private readonly token: string = "${chars(20)}";`, `private readonly token: string = "${R("token")}";`],
    ["Maven settings", "config", "<server><password>hunter22</password></server>", `<server><password>${R("password")}</password></server>`],
    [".NET app setting", "config", `<add key="ApiKey" value="${chars(20)}" />`, `<add key="ApiKey" value="${R("api-key")}" />`],
    ["connection string", "code", `var cs = "Server=db;User Id=app;Password=hunter22;";`, `var cs = "Server=db;User Id=app;Password=${R("password")};";`],
    ["Azure storage key", "config", `conn = DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${b64(86)}==;`,
        `conn = DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${R("azure-storage-key")};`],
    ["command-line flag", "config", "mysql --password=hunter22 -u root app", `mysql --password=${R("password")} -u root app`],
    ["Kubernetes secret data", "config", "data:\n  password: cGFzc3dvcmQxMjM=", `data:\n  password: ${R("password")}`]
];

/** [what, mode, text]: must come through unchanged. */
const lookAlikes: Array<[string, RedactionMode, string]> = [
    ["a password variable with no literal", "code", "def login(user, password):\n    return check_password(user, password)"],
    ["an empty password", "code", `const password = "";\npassword = ''`],
    ["a password read from the environment", "code", `password = os.getenv("DB_PASSWORD")\nconst token = process.env.GITHUB_TOKEN;`],
    ["a password read from the environment, in config", "config", "password = getenv(\"DB_PASSWORD\")\ntoken: env(TOKEN)"],
    ["a bare identifier in code", "code", "password = hunter2\ntoken: config.token,\nsecret = settings.SECRET"],
    ["comparisons", "code", `if (password === confirmPassword || token == "") return;\nif password != "":`],
    ["type annotations", "code", "interface Login { password: string; token?: string }\ndef f(password: str) -> None: ..."],
    ["a schema in YAML", "config", "password: string\ntoken: required\nsecret: true"],
    ["interpolations", "config", "password: ${DB_PASSWORD}\npassword: \"{{ .Values.db.password }}\"\nTOKEN=$GITHUB_TOKEN\npassword: \"%(pw)s\"\nsecret: ${{ secrets.DEPLOY }}"],
    ["a format placeholder in code", "code", `password = "{password}"\nurl = f"https://{user}:{password}@host"`],
    ["placeholders", "config", "password = \"changeme\"\nPASSWORD=changeme\napi_key = \"<your-api-key>\"\nAPI_KEY=your_api_key_here\ntoken: xxxxxxxxxxxxxxxx\nsecret: \"********\""],
    ["the marker itself", "config", `password = "[REDACTED:password]"\ntoken: [REDACTED:github-token]`],
    ["names that only contain a secret word", "config", "max_tokens = 4096\ntoken_type: bearer\ntokenizer = load()\nsecret_name = \"prod/db\"\npassword_min_length: 12\nbypass = yes"],
    ["names of secrets, not secrets", "code", `const LEGACY_SECRET = "hearth.endpoint.apiKey";\nsecretId: "prod/db/password",\n// \`--password=value\` or <password>value</password>`],
    ["short values", "code", `token = "IDENT"\nTOKEN_KIND = "STRING_LITERAL"\npassword = "abc"`],
    ["labels with spaces", "config", "password: \"Mot de passe\"\ntoken: Enter your token here"],
    ["lockfile hashes", "config", [
        `"integrity": "sha512-${b64(86)}==",`,
        `checksum = "${hex(64)}"`,
        `resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#${hex(40)}"`,
        `"id": "123e4567-e89b-12d3-a456-426614174000"`
    ].join("\n")],
    ["a git commit id", "config", `commit ${hex(40)}`],
    ["base64 test data", "code", `const fixture = "SGVsbG8sIFdvcmxkIQ==";\nconst blob = "${b64(120)}";`],
    ["base64 data in YAML", "config", `data: ${b64(60)}=`],
    ["a JWT header alone", "code", `const header = "eyJhbGciOiJIUzI1NiJ9";`],
    ["the word secret in prose", "config", "Keep the secret: never share it.\nThe password is stored hashed.\nRotate the secret key every 90 days."],
    ["sk- inside ordinary words", "code", `const tasks = ["task-runner", "risk-free", "desk-lamp", "sk-spinner"];\nconst css = "mask-${chars(40).toLowerCase()}";`],
    ["a kebab-case name after sk-", "config", "class: sk-button-primary-large-hover-state-disabled"],
    ["URLs without a password", "config", "git@github.com:org/repo.git\nhttps://user@host/x\nhttp://localhost:8080/path\npostgres://user:password@localhost/db"],
    ["an authorization header built from a variable", "code", "headers.Authorization = `Bearer ${token}`;\nBearer authentication is used."],
    ["public keys and certificates", "config", [pem("PUBLIC KEY"), pem("CERTIFICATE"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host"].join("\n")],
    ["command-line flags without secrets", "config", "docker run --disk-size=40 --password-stdin --token-file=/run/token app"]
];

describe("context: redaction of secrets", () => {
    for (const [what, mode, input, expected] of secrets) {
        it(`redacts: ${what}`, () => {
            const result = redact(input, mode);
            assert.equal(result.text, expected);
            assert.ok(result.kinds.length > 0);
            assert.equal(result.text.split("\n").length, input.split("\n").length, "the line count is kept");
            assert.equal(redact(result.text, mode).text, result.text, "redacting again changes nothing");
        });
    }

    for (const [what, mode, text] of lookAlikes) {
        it(`keeps: ${what}`, () => {
            const result = redact(text, mode);
            assert.equal(result.text, text);
            assert.deepEqual(result.kinds, []);
        });
    }

    it("keeps every line of a mixed file in place: each case redacts as it does alone, at its own line numbers", () => {
        const config = secrets.filter(([, mode]) => mode === "config");
        const kept = lookAlikes.filter(([, mode]) => mode === "config");
        const file = [...config.map(([, , input]) => input), ...kept.map(([, , text]) => text)].join("\n");
        const out = redactSecrets(file, "settings.yml");
        assert.equal(out, [...config.map(([, , , expected]) => expected), ...kept.map(([, , text]) => text)].join("\n"));
        assert.equal(out.split("\n").length, file.split("\n").length);
    });

    it("takes the mode from the file's extension: bare values are literals in config, expressions in code", () => {
        assert.equal(redactionModeOf("/w/app.py"), "code");
        assert.equal(redactionModeOf("/w/main.tf"), "code");
        assert.equal(redactionModeOf("/w/deploy.yml"), "config");
        assert.equal(redactionModeOf("/w/run.sh"), "config");
        assert.equal(redactionModeOf("/w/README.md"), "config");
        assert.equal(redactSecrets("password = hunter22", "/w/app.py"), "password = hunter22");
        assert.equal(redactSecrets("password = hunter22", "/w/app.ini"), `password = ${R("password")}`);
        assert.equal(redactSecrets("password = hunter22"), `password = ${R("password")}`, "config without a path");
    });

    it("names a credential by its last word", () => {
        for (const name of ["password", "db_password", "DB_PASS", "userPasswd", "keyPassword", "$password"]) assert.equal(secretKind(name), "password", name);
        for (const name of ["apiKey", "API_KEY", "x-api-key", "ApiKey", "apikey"]) assert.equal(secretKind(name), "api-key", name);
        for (const name of ["client_secret", "SECRET_KEY", "privateKey", "signing-key", "credentials"]) assert.equal(secretKind(name), "secret", name);
        for (const name of ["token", "authToken", "GITHUB_TOKEN", "refresh_token"]) assert.equal(secretKind(name), "token", name);
        assert.equal(secretKind("aws_secret_access_key"), "aws-secret-key");
        for (const name of ["max_tokens", "tokenizer", "token_type", "secret_name", "password_hash", "passwordConfirmation", "sort_key", "bypass", "compass"]) {
            assert.equal(secretKind(name), undefined, name);
        }
    });
});

// The built-in deny list: credential files by name (and by the folder they sit in), and the look-alikes that
// stay usable: templates of them, code named after them, public keys.
import assert from "node:assert/strict";
import {describe, it} from "mocha";
import {deniedBy} from "../../../src/context/secrets/denyList";

const denied = [
    // Environment files and their variants.
    ".env", ".env.local", ".env.production", "config/.env.development.local", "docker.env", ".envrc",
    // Keys, certificates with their keys, key stores and password stores.
    "server.pem", "tls/server.key", "master.key", "cert.p12", "cert.pfx", "AuthKey_ABC123.p8", "release.jks", "debug.keystore",
    "putty.ppk", "server.pem.bak", "id_rsa", "id_rsa.pub", "deploy/id_ed25519", "id_ecdsa", "id_dsa", "backup/secret-key.asc", "keys.gpg",
    "secring.gpg", "vault.kdbx", "client.ovpn", "http.keytab", "login.keychain-db",
    // Tool configuration with tokens.
    ".npmrc", ".yarnrc.yml", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".gitcookies", ".htpasswd", ".pgpass",
    ".my.cnf", ".s3cfg", ".boto", ".dockercfg", ".vault-token", ".terraformrc", "auth.json",
    // Infrastructure state and variables.
    "infra/prod.tfvars", "terraform.tfvars.json", "terraform.tfstate", "terraform.tfstate.backup", "kubeconfig", "staging.kubeconfig",
    // Credential and secret data files, service-account keys.
    "credentials", "credentials.json", "config/credentials.yml.enc", "gcp-credentials.json", "application_default_credentials.json",
    "secrets.yaml", "secrets.json", "k8s/db-secret.yaml", "client_secret_1234.apps.googleusercontent.com.json",
    "service-account.json", "service-account-prod.json", "googleServiceAccount.json", "firebase-adminsdk-x1y2z.json", ".secrets",
    // Whole folders of keys, and files known by their place.
    "/home/u/.ssh/config", "/home/u/.ssh/known_hosts", "/home/u/.aws/credentials", "/home/u/.aws/config", "/home/u/.gnupg/pubring.kbx",
    "/home/u/.docker/config.json", "/home/u/.kube/config", "/home/u/.cargo/credentials.toml", "/home/u/.config/gh/hosts.yml",
    "/home/u/.m2/settings.xml", "C:\\Users\\u\\.ssh\\id_rsa", "/home/u/.ssh"
];

const allowed = [
    // Templates carry names, not values.
    ".env.example", ".env.sample", ".env.template", ".env.dist", "credentials.example.json", "secrets.sample.yaml",
    // Code named after what it handles.
    "key.ts", "keyboard.c", "keys.py", "apiKey.ts", "credentials.ts", "credentials.py", "secrets.ts", "secret_manager.go",
    "token.rs", "tokenizer.py", "password.ts", "PasswordField.tsx", "auth.ts", "env.ts", "environment.py", "dotenv.js",
    // Public keys and certificates without their private halves; ordinary config.
    "maintainer.pub", "ca.crt", "server.cer", "package.json", "tsconfig.json", "docker-compose.yml", ".docker/Dockerfile",
    "main.tf", "variables.tf", ".gitignore", ".editorconfig", "settings.json", "config.yml", ".config/app/settings.toml",
    // Words that contain a denied one.
    "secretsmanager-policy.json", "monkey.json", "turkey.txt", "envoy.yaml", "README.md", "docs/secrets.md"
];

describe("context: deny list of credential files", () => {
    for (const file of denied) {
        it(`denies ${file}`, () => assert.ok(deniedBy(file), `${file} is allowed`));
    }
    for (const file of allowed) {
        it(`allows ${file}`, () => assert.equal(deniedBy(file), undefined));
    }

    it("says which rule denied a file, for the log", () => {
        assert.equal(deniedBy("/w/deploy/server.pem"), "*.pem");
        assert.equal(deniedBy("/home/u/.ssh/config"), ".ssh/");
        assert.equal(deniedBy("/w/.env.local"), ".env.*");
        assert.equal(deniedBy("/home/u/.docker/config.json"), ".docker/config.json");
        assert.equal(deniedBy("/w/server.key.example"), "*.key", "a key stays a key, whatever its name adds");
    });
});

import assert from "node:assert/strict";
import {apiKeySecretName, checkEndpointUrl, environmentApiKeyFor, isLoopbackHost, needsConfirmation} from "../../../src/runtime/endpointPolicy";

const ok = (url: string) => {
    const checked = checkEndpointUrl(url);
    assert.ok(checked.ok, checked.ok ? "" : checked.reason);
    return checked;
};
const refused = (url: string) => {
    const checked = checkEndpointUrl(url);
    assert.ok(!checked.ok, `${url} was accepted`);
    return checked.reason;
};

describe("trust/endpointPolicy", () => {
    it("knows loopback hosts by their literal address or reserved name only", () => {
        for (const url of ["http://localhost:8080", "http://LOCALHOST./", "http://api.localhost", "http://127.0.0.1", "http://127.12.0.3:1",
            "http://127.1", "http://[::1]:9", "http://[0:0:0:0:0:0:0:1]", "http://[::ffff:127.0.0.1]", "http://0x7f.1"]) {
            assert.equal(isLoopbackHost(new URL(url).hostname), true, url);
        }
        for (const url of ["http://10.0.0.1", "http://0.0.0.0", "http://128.0.0.1", "http://localhost.example.com", "http://mylocalhost",
            "http://[::2]", "http://[::ffff:10.0.0.1]", "http://127.0.0.1.nip.io", "http://example.com"]) {
            assert.equal(isLoopbackHost(new URL(url).hostname), false, url);
        }
    });

    it("accepts https anywhere and plain http only for this machine", () => {
        assert.deepEqual(ok("https://llm.example.com/v1"), {ok: true, origin: "https://llm.example.com", baseUrl: "https://llm.example.com", loopback: false});
        assert.deepEqual(ok(" http://127.0.0.1:8080/v1/ "), {ok: true, origin: "http://127.0.0.1:8080", baseUrl: "http://127.0.0.1:8080", loopback: true});
        assert.equal(ok("https://gpu.lan:8443/team/v1").baseUrl, "https://gpu.lan:8443/team");
        assert.match(refused("http://gpu.lan:8000/v1"), /plain http:\/\/ to gpu\.lan:8000.*use https:\/\//);
        assert.match(refused("http://0.0.0.0:8000"), /plain http:\/\//);
        assert.match(refused("ftp://127.0.0.1/"), /must start with https:\/\//);
        assert.match(refused("file:///etc/passwd"), /must start with https:\/\//);
        assert.match(refused("not a url"), /not a URL/);
        assert.match(refused("   "), /empty/);
    });

    it("refuses credentials inside the URL, which would leak into logs and the status bar", () => {
        assert.match(refused("https://me:secret@llm.example.com"), /user name or password/);
        assert.match(refused("https://token@llm.example.com"), /user name or password/);
    });

    it("drops query and fragment from the base URL, and keeps the origin exact (scheme, host, port)", () => {
        const checked = ok("https://llm.example.com:443/v1?x=1#y");
        assert.equal(checked.baseUrl, "https://llm.example.com");
        assert.equal(checked.origin, "https://llm.example.com");
        assert.notEqual(ok("https://llm.example.com:8443").origin, checked.origin);
        assert.notEqual(ok("http://localhost:8080").origin, ok("https://localhost:8080").origin);
    });

    it("stores one secret per origin", () => {
        assert.notEqual(apiKeySecretName("https://a.example"), apiKeySecretName("https://b.example"));
        assert.equal(apiKeySecretName(ok("https://a.example/v1").origin), apiKeySecretName(ok("https://a.example:443/other").origin));
    });

    it("uses the environment's key only for the origin it names", () => {
        const env = {HEARTH_ENDPOINT_API_KEY: "k1", HEARTH_ENDPOINT_API_KEY_ORIGIN: "https://llm.example.com"};
        assert.equal(environmentApiKeyFor("https://llm.example.com", env), "k1");
        assert.equal(environmentApiKeyFor("https://evil.example.com", env), undefined);
        assert.equal(environmentApiKeyFor("https://llm.example.com", {HEARTH_ENDPOINT_API_KEY: "k1"}), undefined, "no origin named: no key");
        assert.equal(environmentApiKeyFor("http://gpu.lan", {HEARTH_ENDPOINT_API_KEY: "k1", HEARTH_ENDPOINT_API_KEY_ORIGIN: "http://gpu.lan"}), undefined,
            "an origin the policy refuses never gets a key");
    });

    it("asks before the first request to an origin off this machine, and only then", () => {
        assert.equal(needsConfirmation(ok("http://127.0.0.1:8080"), []), false);
        assert.equal(needsConfirmation(ok("https://llm.example.com/v1"), []), true);
        assert.equal(needsConfirmation(ok("https://llm.example.com/v1"), ["https://llm.example.com"]), false);
        assert.equal(needsConfirmation(ok("https://llm.example.com:8443/v1"), ["https://llm.example.com"]), true, "another port is another origin");
    });
});

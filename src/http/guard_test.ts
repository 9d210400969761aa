import assert from "node:assert/strict";
import { isLoopbackAddress, isLoopbackHost, isLoopbackOrigin, refuseForeign } from "./guard.ts";

Deno.test("isLoopbackHost accepts loopback names with or without a port", () => {
  for (const host of ["127.0.0.1:8947", "localhost:8947", "[::1]:8947", "LOCALHOST", "127.0.0.1"]) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (const host of [null, "", "evil.example:8947", "127.0.0.1.evil.example", "0.0.0.0:8947"]) {
    assert.ok(!isLoopbackHost(host), String(host));
  }
});

Deno.test("isLoopbackOrigin refuses other sites and opaque origins", () => {
  assert.ok(isLoopbackOrigin("http://localhost:3000"));
  assert.ok(isLoopbackOrigin("http://[::1]:8947"));
  for (const origin of ["null", "https://evil.example", "http://127.0.0.1.nip.io", "file://"]) {
    assert.ok(!isLoopbackOrigin(origin), origin);
  }
});

Deno.test("refuseForeign answers 403 to a cross-site request", async () => {
  const request = new Request("http://127.0.0.1:8947/mcp/", {
    method: "POST",
    headers: { host: "127.0.0.1:8947", origin: "https://evil.example" },
  });
  const response = refuseForeign(request);
  assert.equal(response?.status, 403);
  assert.match((await response!.json()).error.message, /evil\.example/);
  const ok = new Request("http://127.0.0.1:8947/mcp/", { headers: { host: "127.0.0.1:8947" } });
  assert.equal(refuseForeign(ok), null);
});

Deno.test("refuseForeign with a token wants it as a Bearer credential, exactly", async () => {
  const policy = { token: "right-token" };
  const request = (authorization?: string) =>
    new Request("http://127.0.0.1:8947/api/health", {
      headers: { host: "127.0.0.1:8947", ...(authorization ? { authorization } : {}) },
    });
  for (const wrong of [undefined, "right-token", "Bearer right-tokeN", "Bearer right-token2"]) {
    const response = refuseForeign(request(wrong), policy);
    assert.equal(response?.status, 401, String(wrong));
    assert.equal(response!.headers.get("www-authenticate"), 'Bearer realm="persistproc"');
    assert.match((await response!.json()).error.message, /persistproc token/);
  }
  assert.equal(refuseForeign(request("Bearer right-token"), policy), null);
  assert.equal(refuseForeign(request("bearer  right-token "), policy), null);
  // The page's static files need no token.
  assert.equal(refuseForeign(request(), policy, false), null);
});

Deno.test("isLoopbackAddress() accepts the loopback names --host takes, IPv6 with or without brackets", () => {
  for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "LOCALHOST"]) {
    assert.ok(isLoopbackAddress(host), host);
  }
  for (const host of ["0.0.0.0", "::", "192.168.1.2", "example.com", "::1x"]) {
    assert.ok(!isLoopbackAddress(host), host);
  }
});

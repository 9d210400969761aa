import assert from "node:assert/strict";
import { CONTENT_SECURITY_POLICY, handlePage, isPageAsset } from "./page.ts";

function get(path: string, method = "GET"): Response | null {
  const url = new URL(path, "http://127.0.0.1:8947");
  return handlePage(new Request(url, { method }), url);
}

Deno.test("handlePage() serves the page, its script and its style sheet with their types", async () => {
  const expected: Record<string, string> = {
    "/": "text/html",
    "/app.js": "text/javascript",
    "/app.css": "text/css",
  };
  for (const [path, type] of Object.entries(expected)) {
    const response = get(path)!;
    assert.equal(response.status, 200);
    assert.ok(response.headers.get("content-type")!.startsWith(type), path);
    assert.ok((await response.text()).length > 100, path);
  }
  const html = await get("/")!.text();
  assert.match(html, /<script src="\/app\.js" defer><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/app\.css">/);
});

Deno.test("handlePage() forbids framing, inline code, foreign connections and sniffing", () => {
  const headers = get("/")!.headers;
  assert.equal(headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  for (
    const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]
  ) {
    assert.ok(CONTENT_SECURITY_POLICY.includes(directive), directive);
  }
  assert.ok(!CONTENT_SECURITY_POLICY.includes("unsafe"));
  assert.equal(headers.get("x-frame-options"), "DENY");
  assert.equal(headers.get("x-content-type-options"), "nosniff");
});

Deno.test("handlePage() leaves other paths and methods to the other routes", () => {
  assert.equal(get("/api/health"), null);
  assert.equal(get("/app.js.map"), null);
  assert.equal(get("/", "POST"), null);
});

Deno.test("the page's script is one valid strict-mode program", async () => {
  const script = await get("/app.js")!.text();
  // Compiling without running checks the joined parts parse together.
  assert.doesNotThrow(() => new Function(script));
  assert.ok(script.startsWith('"use strict";'));
});

Deno.test("the page has no inline script or style for the policy to block", async () => {
  const html = await get("/")!.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
});

Deno.test("isPageAsset() names the page's files for GET and HEAD, nothing else", () => {
  const at = (method: string, path: string) =>
    isPageAsset(
      new Request(`http://127.0.0.1${path}`, { method }),
      new URL(`http://127.0.0.1${path}`),
    );
  assert.ok(at("GET", "/") && at("HEAD", "/app.css") && at("GET", "/app.js"));
  assert.ok(!at("POST", "/") && !at("GET", "/api/hub/list") && !at("HEAD", "/mcp"));
});

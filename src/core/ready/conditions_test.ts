import assert from "node:assert/strict";
import { parseConditions } from "./conditions.ts";

Deno.test("parseConditions returns null when nothing is waited for", () => {
  assert.equal(parseConditions({}), null);
});

Deno.test("parseConditions compiles the pattern and defaults the timeout to 30 s", () => {
  const conditions = parseConditions({ wait_for_port: 3000, wait_for_log: "(?i)ready" })!;
  assert.equal(conditions.port, 3000);
  assert.ok(conditions.log!.test("Ready in 2 s"));
  assert.equal(conditions.timeoutMs, 30_000);
  assert.equal(parseConditions({ wait_for_url: "http://x/", wait_timeout: 1.5 })!.timeoutMs, 1_500);
});

Deno.test("parseConditions refuses bad values, naming the field", () => {
  assert.throws(() => parseConditions({ wait_for_port: 70_000 }), /Invalid wait_for_port/);
  assert.throws(() => parseConditions({ wait_for_log: "(" }), /Invalid wait_for_log/);
  assert.throws(() => parseConditions({ wait_for_url: "file:///etc" }), /Invalid wait_for_url/);
  assert.throws(() => parseConditions({ wait_for_port: 1, wait_timeout: 301 }), /wait_timeout/);
  assert.throws(() => parseConditions({ wait_for_port: 1, wait_timeout: -1 }), /wait_timeout/);
  assert.throws(() => parseConditions({ wait_timeout: 5 }), /needs wait_for_port/);
});

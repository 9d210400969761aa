import assert from "node:assert/strict";
import { clientFromImplementation, clientFromUserAgent } from "./client_info.ts";

Deno.test("clientFromUserAgent takes the first product's name and version", () => {
  assert.deepEqual(clientFromUserAgent("claude-code/2.1.0 (cli) node/22"), {
    name: "claude-code",
    version: "2.1.0",
  });
  assert.deepEqual(clientFromUserAgent("curl"), { name: "curl", version: "" });
  assert.equal(clientFromUserAgent(null), null);
  assert.equal(clientFromUserAgent("   "), null);
  assert.equal(clientFromUserAgent("/1.0"), null);
});

Deno.test("clientFromImplementation keeps a named client and refuses anything else", () => {
  assert.deepEqual(clientFromImplementation({ name: "inspector", version: "0.17.0", title: "x" }), {
    name: "inspector",
    version: "0.17.0",
  });
  assert.deepEqual(clientFromImplementation({ name: "a" }), { name: "a", version: "" });
  for (const value of [null, "a", {}, { name: "" }, { name: 3, version: "1" }]) {
    assert.equal(clientFromImplementation(value), null, JSON.stringify(value));
  }
  assert.equal(clientFromImplementation({ name: "n".repeat(1000) })!.name.length, 200);
});

import assert from "node:assert/strict";
import { MAX_WAIT_SECONDS, waitTimeoutMs } from "./wait_timeout.ts";

Deno.test("waitTimeoutMs: the default, a fraction, the longest, no limit, and values out of range", () => {
  assert.equal(waitTimeoutMs(undefined), 30_000);
  assert.equal(waitTimeoutMs(0.25), 250);
  assert.equal(waitTimeoutMs(MAX_WAIT_SECONDS), MAX_WAIT_SECONDS * 1000);
  assert.equal(waitTimeoutMs(0), Infinity);
  for (const bad of [-1, MAX_WAIT_SECONDS + 1, Number.NaN]) {
    assert.throws(() => waitTimeoutMs(bad), {
      name: "InvalidArgumentError",
      message:
        `Invalid wait_timeout ${bad}: expected seconds above 0, at most 300, or 0 for no limit`,
    });
  }
});

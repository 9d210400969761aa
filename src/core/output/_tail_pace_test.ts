import assert from "node:assert/strict";
import { flooding, pauseAfterPoll } from "./_tail_pace.ts";

Deno.test("a flood starts at a poll of over a megabyte and ends at one of less than 64 KiB", () => {
  assert.equal(flooding(false, 1024 * 1024 - 1), false);
  assert.equal(flooding(false, 1024 * 1024), true);
  assert.equal(flooding(true, 64 * 1024), true);
  assert.equal(flooding(true, 64 * 1024 - 1), false);
  assert.equal(flooding(true, 0), false);
});

Deno.test("a tail polls every 10 ms while output flows, then less often; a woken one every 30 s", () => {
  assert.equal(pauseAfterPoll(1, 5_000, true), 10);
  assert.equal(pauseAfterPoll(0, 50, true), 10);
  assert.equal(pauseAfterPoll(0, 1_000, true), 50);
  assert.equal(pauseAfterPoll(0, 3_000, false), 200);
  assert.equal(pauseAfterPoll(0, 3_000, true), 30_000);
});

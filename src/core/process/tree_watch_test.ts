import assert from "node:assert/strict";
import { treePauseAfter } from "./tree_watch.ts";

Deno.test("trees are looked at every second while anything happens, then up to every 10 s", () => {
  const pauses = [0, 9, 10, 11, 12, 13, 100].map(treePauseAfter);
  assert.deepEqual(pauses, [1_000, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
});

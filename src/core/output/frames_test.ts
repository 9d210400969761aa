import assert from "node:assert/strict";
import { lastFrame } from "./frames.ts";

Deno.test("lastFrame keeps what a terminal shows after the frames overwrite each other", () => {
  assert.equal(lastFrame("Building [#   ] 10%\rBuilding [####] 100%"), "Building [####] 100%");
  assert.equal(lastFrame("long first frame\rshort"), "shortfirst frame");
  assert.equal(lastFrame("done\r"), "done");
  assert.equal(lastFrame("no frames"), "no frames");
});

Deno.test("lastFrame of coloured frames is the last frame with text", () => {
  assert.equal(lastFrame("\x1b[32m10%\x1b[0m\r\x1b[32m100%\x1b[0m\r"), "\x1b[32m100%\x1b[0m");
});

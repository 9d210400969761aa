import assert from "node:assert/strict";
import { stripAnsi } from "./ansi.ts";

Deno.test("stripAnsi removes colours, cursor moves and hyperlinks", () => {
  assert.equal(stripAnsi("\x1b[32m\x1b[1mready\x1b[22m\x1b[39m in 300 ms"), "ready in 300 ms");
  assert.equal(stripAnsi("\x1b[2K\x1b[1Gbuilding"), "building");
  assert.equal(stripAnsi("\x1b]8;;http://x\x07link\x1b]8;;\x07"), "link");
  assert.equal(stripAnsi("\x1b7saved\x1b8"), "saved");
});

Deno.test("stripAnsi leaves plain text alone", () => {
  const plain = "GET /api [200] 3 ms {ok}";
  assert.equal(stripAnsi(plain), plain);
});

import assert from "node:assert/strict";
import { decodeCursor, encodeCursor } from "./cursor.ts";

Deno.test("a cursor decodes to the position it was made from, for its own log only", () => {
  const cursor = encodeCursor("/data/logs/a/combined.log", { byte: 12_345, line: 67 });
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(cursor, "/data/logs/a/combined.log"), { byte: 12_345, line: 67 });
  assert.throws(() => decodeCursor(cursor, "/data/logs/a/stdout.log"), /another process or stream/);
});

Deno.test("decodeCursor refuses what is not a cursor", () => {
  for (const bad of ["", "garbage", btoa("1:zz:1:1"), btoa("1:0000abcd:-1:0"), btoa("2:x")]) {
    assert.throws(() => decodeCursor(bad, "/x"), /Invalid cursor/, bad);
  }
});

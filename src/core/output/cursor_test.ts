import assert from "node:assert/strict";
import { decodeCursor, encodeCursor } from "./cursor.ts";

Deno.test("a cursor decodes to the position it was made from, for its own log only", () => {
  const position = { stdout: { byte: 12_345, line: 67 }, stderr: { byte: 8, line: 1 } };
  const cursor = encodeCursor("/data/logs/a combined", position);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(cursor, "/data/logs/a combined"), position);
  assert.throws(() => decodeCursor(cursor, "/data/logs/a stdout"), /another process or stream/);
});

Deno.test("decodeCursor refuses what is not a cursor", () => {
  for (
    const bad of ["", "garbage", btoa("2:zz:1:1:1:1"), btoa("2:0000abcd:-1:0:0:0"), btoa("1:x")]
  ) {
    assert.throws(() => decodeCursor(bad, "/x"), /Invalid cursor/, bad);
  }
});

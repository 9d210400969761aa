import assert from "node:assert/strict";
import { parseTime } from "./time_filter.ts";

Deno.test("parseTime accepts ISO-8601 with any offset", () => {
  const utc = "2026-11-22T10:00:00.000Z";
  for (
    const text of [
      "2026-11-22T10:00:00Z",
      "2026-11-22T11:00:00+01:00",
      "2026-11-22T11:00:00+0100",
      "2026-11-22T05:00-05",
      "2026-11-22 10:00:00",
      "2026-11-22T10:00:00.000",
    ]
  ) {
    assert.equal(parseTime("since_time", text).toISOString(), utc, text);
  }
  assert.equal(parseTime("since_time", "2026-11-22").toISOString(), "2026-11-22T00:00:00.000Z");
});

Deno.test("parseTime rejects what is not a time, naming the field", () => {
  for (const text of ["yesterday", "", "2026-13-45T99:00:00Z", "1700000000", "10:00"]) {
    assert.throws(() => parseTime("before_time", text), /Invalid before_time/, text);
  }
});

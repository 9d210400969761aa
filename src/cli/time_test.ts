import assert from "node:assert/strict";
import { formatLocalTime, localizeLine, parseCliTime } from "./time.ts";

const NOW = new Date(2026, 10, 22, 16, 30, 0, 0); // local 16:30 on 22 November 2026

Deno.test("parseCliTime reads durations as that long ago", () => {
  assert.equal(parseCliTime("--since", "5m", NOW).getTime(), NOW.getTime() - 300_000);
  assert.equal(parseCliTime("--since", "2h", NOW).getTime(), NOW.getTime() - 7_200_000);
  assert.equal(parseCliTime("--since", "90s", NOW).getTime(), NOW.getTime() - 90_000);
});

Deno.test("parseCliTime reads a clock time as today, local, or yesterday when still ahead", () => {
  assert.equal(
    parseCliTime("--since", "16:19", NOW).getTime(),
    new Date(2026, 10, 22, 16, 19).getTime(),
  );
  assert.equal(
    parseCliTime("--since", "23:50", NOW).getTime(),
    new Date(2026, 10, 21, 23, 50).getTime(),
  );
  assert.equal(
    parseCliTime("--since", "16:19:05.5", NOW).getTime(),
    new Date(2026, 10, 22, 16, 19, 5, 500).getTime(),
  );
});

Deno.test("parseCliTime reads ISO as local without an offset and as given with one", () => {
  assert.equal(
    parseCliTime("--since", "2026-11-22T16:19", NOW).getTime(),
    new Date(2026, 10, 22, 16, 19).getTime(),
  );
  assert.equal(
    parseCliTime("--since", "2026-11-22 16:19:00.250", NOW).getTime(),
    new Date(2026, 10, 22, 16, 19, 0, 250).getTime(),
  );
  assert.equal(
    parseCliTime("--since", "2026-11-22T15:19:00Z", NOW).toISOString(),
    "2026-11-22T15:19:00.000Z",
  );
  assert.equal(
    parseCliTime("--since", "2026-11-22T16:19:00+01:00", NOW).toISOString(),
    "2026-11-22T15:19:00.000Z",
  );
  assert.equal(
    parseCliTime("--since", "2026-11-22", NOW).getTime(),
    new Date(2026, 10, 22).getTime(),
  );
});

Deno.test("parseCliTime refuses anything else, naming the flag", () => {
  for (const bad of ["yesterday", "25:00", "5 minutes", "2026-02-30", ""]) {
    assert.throws(() => parseCliTime("--before", bad, NOW), /^UsageError: Invalid --before/, bad);
  }
});

Deno.test("a time the CLI shows reads back as the same instant", () => {
  const instant = new Date("2026-11-22T15:19:03.120Z");
  assert.equal(parseCliTime("--since", formatLocalTime(instant), NOW).getTime(), instant.getTime());
});

Deno.test("localizeLine shows a stored line's UTC stamp in local time and leaves others alone", () => {
  const instant = new Date("2026-11-22T15:19:03.120Z");
  assert.equal(
    localizeLine("2026-11-22T15:19:03.120Z [stderr] boom"),
    `${formatLocalTime(instant)} [stderr] boom`,
  );
  assert.equal(
    localizeLine("plain text 2026-11-22T15:19:03.120Z"),
    "plain text 2026-11-22T15:19:03.120Z",
  );
});

Deno.test("localizeLine shows the time of a run's marker in local time", () => {
  const instant = new Date("2026-11-22T15:19:03.120Z");
  assert.equal(
    localizeLine("--- run 2 (restart) 2026-11-22T15:19:03.120Z ---"),
    `--- run 2 (restart) ${formatLocalTime(instant)} ---`,
  );
});

import assert from "node:assert/strict";
import { stripVTControlCharacters } from "node:util";
import { processInfo } from "./_process_fixture.ts";
import { formatProcessTable, formatStarted } from "./process_table.ts";

const info = processInfo;

const now = new Date(2026, 10, 22, 18, 0, 0);

Deno.test("the process table aligns its columns under the header", () => {
  const lines = formatProcessTable([
    { ...info({ pid: 12345, label: "npm run dev", started_by: "cli" }), ports: [5173, 24678] },
    info({ pid: 7, status: "exited", exit_code: 0, label: "make" }),
    info({
      pid: 88,
      status: "stopped",
      exit_signal: "SIGTERM",
      label: "web",
      started_by: "claude-code/2.1.0",
    }),
  ], { colour: false, now });
  assert.deepEqual(lines, [
    "PID    STATUS   EXIT     STARTED   PORTS       BY                 LABEL",
    "12345  running  -        09:05:07  5173,24678  cli                npm run dev",
    "7      exited   0        09:05:07  -           -                  make",
    "88     stopped  SIGTERM  09:05:07  -           claude-code/2.1.0  web",
  ]);
});

Deno.test("colour does not change the table's alignment", () => {
  const [, row] = formatProcessTable([info({ pid: 5 })], { colour: true, now });
  assert.equal(stripVTControlCharacters(row), "5    running  -     09:05:07  -      -   x");
  assert.notEqual(row, stripVTControlCharacters(row));
});

Deno.test("a start time from another day shows its date", () => {
  assert.equal(formatStarted(new Date(2026, 10, 21, 23, 59, 1), now), "2026-11-21 23:59");
  assert.equal(formatStarted(new Date(2026, 10, 22, 0, 0, 1), now), "00:00:01");
});

Deno.test("restarts get a column, and a process backing off says when it tries again", () => {
  const lines = formatProcessTable([
    info({ pid: 5, label: "api", restarts: 2 }),
    info({
      pid: 6,
      label: "flaky",
      status: "failed",
      exit_code: 1,
      restarts: 3,
      restart_at: new Date(2026, 10, 22, 18, 0, 4).toISOString(),
    }),
  ], { colour: false, now });
  assert.deepEqual(lines, [
    "PID  STATUS   EXIT  RESTARTS          STARTED   PORTS  BY  LABEL",
    "5    running  -     2                 09:05:07  -      -   api",
    "6    backoff  1     3, next 18:00:04  09:05:07  -      -   flaky",
  ]);
});

import assert from "node:assert/strict";
import type { HubEvent } from "./event.ts";
import { eventLine } from "./event_line.ts";

const BASE: HubEvent = {
  id: 7,
  kind: "exited",
  time: new Date(2026, 11, 7, 14, 12, 31).toISOString(),
  label: "api",
  pid: 12346,
  working_directory: "/srv/app",
  started_by: "cli",
};

Deno.test("a crash reads as one line with its code, local time and last stderr lines", () => {
  const line = eventLine({
    ...BASE,
    exit_code: 1,
    exit_signal: null,
    crashed: true,
    stopped: false,
    stderr_tail: "Error: listen EADDRINUSE :3000\n    at Server.listen",
  });
  assert.equal(
    line,
    'persistproc: "api" (pid 12346) crashed: exit 1 at 14:12:31; last stderr: ' +
      "Error: listen EADDRINUSE :3000 |     at Server.listen",
  );
});

Deno.test("a stop, a restart by autorestart and a port each read plainly", () => {
  assert.equal(
    eventLine({ ...BASE, exit_code: null, exit_signal: "SIGTERM", stopped: true, crashed: false }),
    'persistproc: "api" (pid 12346) stopped: SIGTERM at 14:12:31',
  );
  assert.equal(
    eventLine({ ...BASE, kind: "restarted", by: "autorestart" }),
    'persistproc: "api" (pid 12346) restarted by autorestart at 14:12:31',
  );
  assert.equal(
    eventLine({ ...BASE, kind: "port_opened", port: 3000 }),
    'persistproc: "api" (pid 12346) opened port 3000 at 14:12:31',
  );
});

Deno.test("a merged flood says how many, over how long, and which was the last", () => {
  const since = new Date(2026, 11, 7, 14, 12, 22).toISOString();
  assert.equal(
    eventLine({ ...BASE, exit_code: 1, crashed: true, merged: 4, merged_since: since }),
    'persistproc: "api" (pid 12346) crashed 4 times in 9 s, the last: exit 1 at 14:12:31',
  );
  assert.equal(
    eventLine({
      ...BASE,
      kind: "restarted",
      by: "autorestart",
      merged: 3,
      merged_since: BASE.time,
    }),
    'persistproc: "api" (pid 12346) restarted by autorestart at 14:12:31 (the last of 3 within a second)',
  );
  // Kept by an older server, which did not say since when.
  assert.equal(
    eventLine({ ...BASE, kind: "port_opened", port: 3000, merged: 2 }),
    'persistproc: "api" (pid 12346) opened port 3000 at 14:12:31 (the last of 2 like it)',
  );
});

Deno.test("a default label shows as its command; what the program printed is escaped", () => {
  assert.equal(
    eventLine({
      ...BASE,
      label: "npm run dev in /srv/app",
      kind: "log_match",
      line: "\x1b]0;pwned\x07 error",
    }),
    'persistproc: "npm run dev" (pid 12346) printed a line matching notify_on_log at 14:12:31: ' +
      "\\x1b]0;pwned\\x07 error",
  );
});

import assert from "node:assert/strict";
import { resolve } from "node:path";
import { UsageError } from "../args.ts";
import { eventQuery } from "./events.ts";

Deno.test("events' flags make the query: a folder resolved, kinds split, a time in ISO", () => {
  const query = eventQuery({
    label: "api",
    "working-directory": "web",
    "started-by": "claude-code",
    kind: "crashed, autorestart_gave_up,",
    since: "2026-11-22T15:19:00Z",
    after: "41",
    lines: "20",
  });
  assert.deepEqual(query, {
    label: "api",
    working_directory: resolve("web"),
    started_by: "claude-code",
    kinds: ["crashed", "autorestart_gave_up"],
    since: "2026-11-22T15:19:00.000Z",
    after: 41,
    limit: 20,
  });
  assert.deepEqual(eventQuery({}), {});
});

Deno.test("a bad --kind, --since or --after is a usage error that says what it expected", () => {
  const refused = (values: Parameters<typeof eventQuery>[0], message: RegExp) =>
    assert.throws(() => eventQuery(values), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, message);
      return true;
    });
  refused({ kind: "crashed,crash" }, /^Invalid --kind "crash": expected one or more of started, /);
  refused({ kind: " , " }, /^Invalid --kind " , ": expected one or more of /);
  refused({ since: "yesterday" }, /^Invalid --since "yesterday": expected a local time/);
  refused({ lines: "ten" }, /^Invalid --lines "ten": expected a whole number$/);
  refused({ after: "-1" }, /^Invalid --after "-1": expected an event id$/);
});

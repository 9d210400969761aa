import assert from "node:assert/strict";
import type { ManagedProcess } from "../process/managed_process.ts";
import { freePort, until } from "../_test_support.ts";
import type { HubEvent } from "./event.ts";
import { EventLog } from "./event_log.ts";
import { portPauseAfter, PortWatch } from "./_port_watch.ts";

/** Beyond Linux's largest pid: an ended program's pid that no process has now. */
const GONE_PID = 4_194_305;

/** What the port watch reads of a managed process, as a process that has ended shows it. */
function endedEntry(members: number[]) {
  return {
    status: "failed",
    pid: GONE_PID,
    tree: { pids: members },
    output: { error: null as string | null, warning: "disk bounded by rotation: test" },
    spec: { label: "web", working_directory: "/srv/web", started_by: "cli" },
  };
}

Deno.test("a port an ended program's child still holds stays open until the child goes; output problems are events", async () => {
  const port = freePort();
  await using child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `Deno.listen({ hostname: "127.0.0.1", port: ${port} }); setInterval(() => {}, 60_000);`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const entry = endedEntry([child.pid]);
  const log = new EventLog({ path: null });
  const events: HubEvent[] = [];
  log.subscribe({}, (event) => events.push(event));
  const pace = { busyMs: 20, quietMs: 20, patience: 1 };
  const watch = new PortWatch(() => [entry as unknown as ManagedProcess], log, pace);
  watch.watch();
  try {
    const find = (kind: string) => () => events.find((event) => event.kind === kind);
    const opened = await until("the child's port", find("port_opened"), 20_000);
    assert.deepEqual([opened.label, opened.pid, opened.port], ["web", GONE_PID, port]);
    const warning = await until("the warning", find("log_warning"));
    assert.equal(warning.message, "disk bounded by rotation: test");
    entry.output.error = "No space left on device";
    const error = await until("the error", find("log_error"));
    assert.equal(error.message, "No space left on device");
    // Looks went on after the program's end: the port it left held was never said closed.
    assert.equal(events.filter((event) => event.kind === "port_closed").length, 0);
    child.kill("SIGKILL");
    await child.status;
    entry.tree.pids = []; // as the tree watch drops a member that has gone
    const closed = await until("the port closed", find("port_closed"));
    assert.equal(closed.port, port);
    assert.equal(events.filter((event) => event.kind === "log_error").length, 1, "said once");
  } finally {
    watch.stop();
    log.close();
  }
});

Deno.test("ports are looked at every 2 s while anything happens, then up to every 10 s", {
  ignore: Deno.build.os !== "linux",
}, () => {
  const pauses = [0, 4, 5, 6, 7, 100].map(portPauseAfter);
  assert.deepEqual(pauses, [2_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
});

import assert from "node:assert/strict";
import { tempSupervisor } from "../_test_support.ts";
import { Supervisor } from "./supervisor.ts";

Deno.test("a process the shutdown stopped says so, also to the next server; one stopped before does not", async () => {
  await using first = await tempSupervisor({ stopGraceMs: 2_000, shutdownGraceMs: 1_000 });
  const dir = first.dir;
  await first.start({ command: "sleep 300", working_directory: dir, label: "up" });
  await first.start({ command: "sleep 300", working_directory: dir, label: "down" });
  const stopped = await first.stop({ command_or_label: "down" });
  assert.equal(stopped.ended_by_shutdown, undefined);
  await first.shutdown();
  const [up] = await first.list({ command_or_label: "up" });
  assert.equal(up.status, "stopped");
  assert.equal(up.ended_by_shutdown, true);
  const second = new Supervisor({ dataDir: dir, shutdownGraceMs: 1_000 });
  try {
    second.restore();
    const byLabel = new Map((await second.list()).map((p) => [p.label, p]));
    assert.equal(byLabel.get("up")?.ended_by_shutdown, true);
    assert.equal(byLabel.get("down")?.ended_by_shutdown, undefined);
    // A new run is a new run: restarting it clears the mark.
    const restarted = await second.restart({ command_or_label: "up" });
    assert.equal(restarted.ended_by_shutdown, undefined);
  } finally {
    await second.shutdown();
  }
});

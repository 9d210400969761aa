/**
 * Output rotation where holes cannot be punched (forced on Linux with PERSISTPROC_PUNCH=0, as
 * on macOS): bounded disk, and not one line lost to the copy-and-empty of the spool.
 */
import assert from "node:assert/strict";
import { startHub } from "./_hub.ts";

Deno.test("rotation loses no line: a follower reads every line of a counter that writes through 100+ rotations", async () => {
  await using hub = await startHub(["--log-max-bytes", String(64 * 1024)], {
    env: { PERSISTPROC_PUNCH: "0" },
  });
  // 400 bursts of 2,000 numbered lines (5.3 MB), each written in 4 KiB writes while the spool
  // is rotated about every 64 KiB. The flood begins once the follower is attached.
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: "while [ ! -e go ]; do sleep 0.05; done; " +
      "for b in $(seq 0 399); do seq $((b * 2000)) $((b * 2000 + 1999)); sleep 0.01; done; echo end",
    working_directory: hub.dataDir,
  });
  // Bounded: a tree left paused would otherwise hang here until the runner gives up.
  const response = await hub.fetch(`/api/follow?pid=${body.pid}&lines=0`, {
    signal: AbortSignal.timeout(120_000),
  });
  await Deno.writeTextFile(`${hub.dataDir}/go`, "");
  let next = 0;
  const gaps: string[] = [];
  let ended = false;
  for (const row of (await response.text()).split("\n")) {
    if (!row) continue;
    const event = JSON.parse(row);
    if (event.type !== "line") continue;
    // A follower that falls behind is told how many lines it skipped: those are not lost.
    const skipped = /^\[persistproc\] (\d+) line\(s\) skipped/.exec(event.text);
    if (skipped) next += Number(skipped[1]);
    else if (event.text === "end") ended = true;
    else {
      if (Number(event.text) !== next) gaps.push(`${next - 1} then ${event.text}`);
      next = Number(event.text) + 1;
    }
  }
  assert.deepEqual(gaps, [], "lines missing between");
  assert.equal(next, 800_000);
  assert.ok(ended, "the follower read to the end");
  const [listed] = (await hub.api("list", { pid: body.pid })).body.processes;
  assert.match(listed.log_warning, /disk bounded by rotation/);
});

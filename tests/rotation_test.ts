/**
 * Output rotation where holes cannot be punched (forced on Linux with PERSISTPROC_PUNCH=0, as
 * on macOS): bounded disk, and not one line lost to the copy-and-empty of the spool.
 */
import assert from "node:assert/strict";
import { followedUntilExit, startHub, waitFor } from "./_hub.ts";

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
  const response = await hub.fetch(`/api/hub/follow?pid=${body.pid}&lines=0`, {
    signal: AbortSignal.timeout(120_000),
  });
  await Deno.writeTextFile(`${hub.dataDir}/go`, "");
  // The lines in order: the numbers 0 to 799,999, then "end" (line 800,000).
  let next = 0;
  const gaps: string[] = [];
  for (const event of await followedUntilExit(response)) {
    if (event.type !== "line") continue;
    // A follower that falls behind is told how many lines it skipped (perhaps "end" too):
    // those are not lost.
    const skipped = /^\[persistproc\] (\d+) line\(s\) skipped/.exec(event.text);
    if (skipped) next += Number(skipped[1]);
    else {
      const line = event.text === "end" ? 800_000 : Number(event.text);
      if (line !== next) gaps.push(`${next - 1} then ${event.text}`);
      next = line + 1;
    }
  }
  assert.deepEqual(gaps, [], "lines missing between");
  assert.equal(next, 800_001, "the follower read (or was told it skipped) every line to the end");
  const [listed] = (await hub.api("list", { pid: body.pid })).body.processes;
  assert.match(listed.log_warning, /disk bounded by rotation/);
});

Deno.test("without hole punching, rotation bounds the disk and list says so", async () => {
  const cap = 1024 * 1024;
  await using hub = await startHub(["--log-max-bytes", String(cap)], {
    env: { PERSISTPROC_PUNCH: "0" },
  });
  const { body } = await hub.api("ctrl", {
    action: "start",
    // 20 bursts of 50,000 lines (6.9 MB in all), as a chatty program prints.
    command_or_label: "for i in $(seq 1 20); do seq 1 50000; sleep 0.05; done; echo end",
    working_directory: hub.dataDir,
  });
  await waitFor("the program to end", async () => {
    const [process] = (await hub.api("list", { pid: body.pid })).body.processes;
    return process.status !== "running";
  }, 120_000);
  const [listed] = (await hub.api("list", { pid: body.pid })).body.processes;
  assert.match(listed.log_warning, /disk bounded by rotation: turned off/);
  const last = await waitFor("the last line", async () => {
    const page = (await hub.api("output", { pid: body.pid, stream: "stdout", lines: 3 })).body;
    return page.output.at(-1) === "end" && page.output;
  });
  assert.deepEqual(last, ["49999", "50000", "end"]);
  let onDisk = 0;
  for await (const entry of Deno.readDir(body.log_dir)) {
    onDisk += (await Deno.stat(`${body.log_dir}/${entry.name}`)).blocks! * 512;
  }
  assert.ok(onDisk <= 3 * cap, `${onDisk} bytes on disk for a cap of ${cap}`);
});

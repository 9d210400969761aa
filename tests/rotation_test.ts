/**
 * Output rotation where holes cannot be punched (forced on Linux with PERSISTPROC_PUNCH=0, as
 * on macOS): bounded disk, and not one line lost to the copy-and-empty of the spool.
 */
import assert from "node:assert/strict";
import { startHub, waitFor } from "./_hub.ts";

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

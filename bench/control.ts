/**
 * Measure 5, control: `ctrl start` until its answer (the process then runs), and `ctrl stop`
 * until its answer (the whole tree is then gone), against spawning and killing the same tree
 * directly with Deno.Command.
 */
import { isGroupAlive } from "../src/core/process/group.ts";
import type { Measure, Result } from "./_context.ts";
import { benchHub } from "./_bench_hub.ts";
import { median, timed, until } from "./_stats.ts";

/** A small tree: a shell and two sleeps, all in one process group. */
const TREE = "sleep 1000 & sleep 1000";

/** See the module comment. */
export const control: Measure = async (ctx) => {
  const runs = ctx.sizes.controlRuns;
  ctx.note(`control: persistproc, ${runs} start/stop cycles`);
  const started: number[] = [];
  const stopped: number[] = [];
  {
    await using hub = await benchHub();
    for (let run = 0; run < runs + 1; run++) {
      const [startMs, info] = await timed(() =>
        hub.call("ctrl", {
          action: "start",
          command_or_label: TREE,
          working_directory: ctx.tmp,
          label: `control-${run}`,
        })
      );
      if (info.status !== "running") throw new Error(`Not running after start: ${info.status}`);
      const [stopMs] = await timed(() => hub.call("ctrl", { action: "stop", pid: info.pid }));
      if (isGroupAlive(info.pid as number)) throw new Error("The tree outlived its stop");
      if (run === 0) continue; // warm-up
      started.push(startMs);
      stopped.push(stopMs);
    }
  }

  ctx.note(`control: Deno.Command, ${runs} spawn/kill cycles`);
  const spawned: number[] = [];
  const killed: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const [spawnMs, child] = await timed(() =>
      new Deno.Command("sh", { args: ["-c", TREE], detached: true, stdout: "null", stderr: "null" })
        .spawn()
    );
    const [killMs] = await timed(async () => {
      Deno.kill(-child.pid, "SIGTERM");
      await child.status;
      await until("the tree to be gone", () => !isGroupAlive(child.pid), { everyMs: 1 });
    });
    if (run === 0) continue;
    spawned.push(spawnMs);
    killed.push(killMs);
  }

  const overhead = median(started) - median(spawned);
  const rows: Result[] = [{
    measure: "ctrl start: request until running",
    unit: "ms",
    persistproc: median(started),
    limit: median(spawned),
    target: "overhead < 20 ms",
    met: overhead < 20,
    note: `overhead ${overhead.toFixed(1)} ms`,
  }, {
    measure: "ctrl stop: request until the whole tree is gone",
    unit: "ms",
    persistproc: median(stopped),
    limit: median(killed),
    target: "–",
    met: null,
  }];
  return rows;
};

/**
 * Measure 8, many processes on one server: its CPU while 200 processes sit quiet (the CPU time
 * the kernel counted for the server's process, over 60 s, so other load on a shared machine
 * does not count); then, with
 * 150 processes printing one line a second, how long a line takes from the child's `echo` to
 * the index (the child prints its own clock, `$EPOCHREALTIME`, and the index holds the time the
 * server stored the line), the server's CPU, and how long `list` takes.
 */
import { join } from "node:path";
import type { Measure, Result } from "./_context.ts";
import { type BenchHub, benchHub } from "./_bench_hub.ts";
import { cpuSeconds, median, percentile, timed } from "./_stats.ts";

/** Percent of one core the server used over `seconds`, while `during` runs. */
export async function cpuPercent(hub: BenchHub, seconds: number, during?: () => Promise<void>) {
  const before = await cpuSeconds(hub.pid);
  const began = performance.now();
  const end = began + seconds * 1000;
  while (performance.now() < end) {
    await (during?.() ?? Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const wall = (performance.now() - began) / 1000;
  return (100 * (await cpuSeconds(hub.pid) - before)) / wall;
}

async function startMany(hub: BenchHub, count: number, command: string, dir: string) {
  const pids: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = await hub.call("ctrl", {
      action: "start",
      command_or_label: command,
      working_directory: dir,
      label: `many-${command.length}-${i}`,
    });
    pids.push(started.pid as number);
  }
  return pids;
}

/** See the module comment. */
export const many: Measure = async (ctx) => {
  const { manyQuiet, manyBusy, manySeconds, manyQuietSeconds } = ctx.sizes;
  const rows: Result[] = [];
  if (Deno.build.os !== "linux") return rows;
  {
    ctx.note(`many: ${manyQuiet} quiet processes`);
    await using hub = await benchHub();
    await startMany(hub, manyQuiet, "sleep 1000", ctx.tmp);
    // Past the busy looks of starting (every 100 ms for 5 s after the last launch).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const cpu = await cpuPercent(hub, manyQuietSeconds);
    rows.push({
      measure: `server CPU, ${manyQuiet} quiet processes (${manyQuietSeconds} s)`,
      unit: "% of a core",
      persistproc: cpu,
      target: "< 1 %",
      met: cpu < 1,
    });
  }
  {
    ctx.note(`many: ${manyBusy} processes printing a line a second`);
    const script = join(ctx.tmp, "tick.sh");
    await Deno.writeTextFile(
      script,
      "#!/bin/bash\nwhile :; do echo $EPOCHREALTIME; sleep 1; done\n",
    );
    await Deno.chmod(script, 0o755);
    await using hub = await benchHub();
    const pids = await startMany(hub, manyBusy, script, ctx.tmp);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const lists: number[] = [];
    const cpu = await cpuPercent(hub, manySeconds, async () => {
      lists.push((await timed(() => hub.call("list", {})))[0]);
    });
    const latencies: number[] = [];
    for (const pid of pids) {
      const page = await hub.call("output", {
        pid,
        stream: "stdout",
        lines: 10_000,
        timestamps: true,
      });
      const output = page.output as string[];
      const times = page.times as string[];
      output.forEach((line, i) => {
        const printed = Number(line) * 1000;
        if (Number.isFinite(printed) && times[i]) latencies.push(Date.parse(times[i]) - printed);
      });
    }
    const p99 = percentile(latencies, 0.99);
    const listP99 = percentile(lists, 0.99);
    rows.push(
      {
        measure: `line latency p99, ${manyBusy} processes at 1 line/s (${latencies.length} lines)`,
        unit: "ms",
        persistproc: p99,
        target: "< 250 ms",
        met: p99 < 250,
        note: `median ${median(latencies).toFixed(0)} ms, max ${
          Math.max(...latencies).toFixed(0)
        } ms`,
      },
      {
        measure: `server CPU, ${manyBusy} processes at 1 line/s`,
        unit: "% of a core",
        persistproc: cpu,
        target: "< 25 %",
        met: cpu < 25,
      },
      {
        measure: `list p99 during that load (${lists.length} calls)`,
        unit: "ms",
        persistproc: listP99,
        target: "< 50 ms",
        met: listP99 < 50,
      },
    );
  }
  return rows;
};

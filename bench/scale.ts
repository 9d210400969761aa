/**
 * Measure 9, hundreds of processes on one server: how long each start takes as the registry
 * grows to `manyScale` processes (p95 over all of them), how long `list` takes with all of
 * them, and how long a shutdown takes to stop every tree and end the server. Each program is a
 * `sleep` that obeys SIGTERM, so the shutdown grace is never waited out.
 */
import type { Measure, Result } from "./_context.ts";
import { alive, benchHub } from "./_bench_hub.ts";
import { median, percentile, timed } from "./_stats.ts";

/** See the module comment. */
export const scale: Measure = async (ctx) => {
  const { manyScale: count } = ctx.sizes;
  if (Deno.build.os !== "linux") return [];
  ctx.note(`scale: ${count} processes started one after another, listed, shut down`);
  await using hub = await benchHub();
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const [ms] = await timed(() =>
      hub.call("ctrl", {
        action: "start",
        command_or_label: "sleep 1000",
        working_directory: ctx.tmp,
        label: `scale-${i}`,
      })
    );
    starts.push(ms);
  }
  const lists: number[] = [];
  for (let i = 0; i < 10; i++) lists.push((await timed(() => hub.call("list", {})))[0]);
  const { processes } = await hub.call("list", {}) as { processes: { pid: number }[] };
  const began = performance.now();
  const response = await hub.fetch("/api/shutdown", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  await response.body?.cancel();
  const deadline = began + 120_000;
  while (alive(hub.pid) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const shutdownMs = performance.now() - began;
  const left = processes.filter((p) => alive(p.pid)).length;
  for (const { pid } of processes) {
    try {
      Deno.kill(-pid, "SIGKILL"); // a last resort: never leave one behind
    } catch { /* gone, as it should be */ }
  }
  const startP95 = percentile(starts, 0.95);
  const listMedian = median(lists);
  const rows: Result[] = [
    {
      measure: `start p95, one after another up to ${count} processes`,
      unit: "ms",
      persistproc: startP95,
      target: "< 100 ms",
      met: startP95 < 100,
      note: `median ${median(starts).toFixed(0)} ms, last ${starts.at(-1)?.toFixed(0)} ms`,
    },
    {
      measure: `list of ${count} processes (median of ${lists.length})`,
      unit: "ms",
      persistproc: listMedian,
      target: "< 100 ms",
      met: listMedian < 100,
    },
    {
      measure: `shutdown with ${count} processes, until the server has ended`,
      unit: "ms",
      persistproc: shutdownMs,
      target: "< 10 s",
      met: shutdownMs < 10_000 && left === 0,
      note: left === 0 ? "every tree stopped" : `${left} program(s) left running`,
    },
  ];
  return rows;
};

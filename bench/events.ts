/**
 * Measure 9, the event stream: how long a crash takes from the program's last act to its line
 * in a `persistproc events --follow` (the program prints its clock, `$EPOCHREALTIME`, on stderr
 * and exits 1; the line carries it as its last stderr, and the follower notes when the line
 * arrived); then the server's CPU with 150 chatty processes, without and with 20 event
 * followers attached, while their notify_on_log pattern makes about 30 events a second.
 */
import { join } from "node:path";
import { HubClient } from "../src/client/hub_client.ts";
import type { HubEvent } from "../src/core/events/event.ts";
import type { Measure, Result } from "./_context.ts";
import { benchHub, MAIN } from "./_bench_hub.ts";
import { cpuPercent } from "./many.ts";
import { median, percentile, until } from "./_stats.ts";

/** Crashes timed, one after another. */
const CRASHES = { full: 60, smoke: 2 };
/** Event followers attached during the load. */
const FOLLOWERS = 20;

/** See the module comment. */
export const events: Measure = async (ctx) => {
  const rows: Result[] = [];
  if (Deno.build.os !== "linux") return rows;
  const smoke = ctx.sizes.runs === 1;
  {
    ctx.note("events: exit-to-line latency");
    await using hub = await benchHub();
    const follower = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "events", "--follow", "--kind", "crashed", "--format", "json"],
      env: { PERSISTPROC_PORT: String(hub.port), PERSISTPROC_DATA_DIR: hub.dataDir },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const latencies: number[] = [];
    const reading = (async () => {
      const lines = follower.stdout.pipeThrough(new TextDecoderStream());
      let pending = "";
      for await (const chunk of lines) {
        const arrived = Date.now();
        pending += chunk;
        const whole = pending.split("\n");
        pending = whole.pop()!;
        for (const line of whole) {
          const event = JSON.parse(line) as HubEvent;
          latencies.push(arrived - Number(event.stderr_tail) * 1000);
        }
      }
    })();
    try {
      const count = smoke ? CRASHES.smoke : CRASHES.full;
      // The follower is listening once a first crash reaches it.
      await until("the follower to connect", async () => {
        await crash(hub, "warm-up");
        await new Promise((resolve) => setTimeout(resolve, 200));
        return latencies.length > 0;
      }, { everyMs: 500, timeoutMs: 60_000 });
      latencies.length = 0;
      for (let i = 0; i < count; i++) {
        await crash(hub, `crash-${i}`);
        await until(`crash ${i}'s line`, () => latencies.length > i, { timeoutMs: 30_000 });
      }
      const p99 = percentile(latencies, 0.99);
      rows.push({
        measure: `event line latency p99: a crash to its 'events --follow' line (${count} crashes)`,
        unit: "ms",
        persistproc: p99,
        target: "< 500 ms",
        met: p99 < 500,
        note: `median ${median(latencies).toFixed(0)} ms, max ${
          Math.max(...latencies).toFixed(0)
        } ms`,
      });
    } finally {
      follower.kill("SIGKILL");
      await follower.status;
      await reading.catch(() => {});
    }
  }
  {
    const { manyBusy: count, manySeconds: seconds } = ctx.sizes;
    ctx.note(`events: ${count} chatty processes, then ${FOLLOWERS} event followers`);
    const script = join(ctx.tmp, "chatty.sh");
    // A line a second, every fifth one matching the pattern: 30 events a second over 150.
    await Deno.writeTextFile(
      script,
      '#!/bin/bash\ni=0\nwhile :; do i=$((i+1)); if ((i % 5 == 0)); then echo "error $i"; else echo "tick $i"; fi; sleep 1; done\n',
    );
    await Deno.chmod(script, 0o755);
    await using hub = await benchHub();
    const client = new HubClient({ port: hub.port, token: hub.token });
    for (let i = 0; i < count; i++) {
      await client.start({
        command: script,
        working_directory: ctx.tmp,
        label: `chatty-${i}`,
        notify_on_log: "^error",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const alone = await cpuPercent(hub, seconds);
    let heard = 0;
    const feeds = await Promise.all(
      Array.from({ length: FOLLOWERS }, () => client.events({ limit: 0 }, () => heard++)),
    );
    try {
      const followed = await cpuPercent(hub, seconds);
      rows.push(
        {
          measure: `server CPU, ${count} chatty processes with notify_on_log, no event follower`,
          unit: "% of a core",
          persistproc: alone,
          target: "–",
          met: null,
        },
        {
          measure: `server CPU, the same with ${FOLLOWERS} event followers (${heard} events heard)`,
          unit: "% of a core",
          persistproc: followed,
          target: "< 25 %",
          met: followed < 25,
        },
      );
    } finally {
      for (const feed of feeds) feed.unsubscribe();
    }
  }
  return rows;
};

/** Starts a program under `label` that prints its clock on stderr and exits 1 at once. */
async function crash(hub: Awaited<ReturnType<typeof benchHub>>, label: string): Promise<void> {
  await hub.call("ctrl", {
    action: "start",
    command_or_label: "bash -c 'echo $EPOCHREALTIME >&2; exit 1'",
    working_directory: hub.dataDir,
    label,
    if_running: "restart",
  });
}

/**
 * Measure 2, child slowdown: how much longer the child's own run takes when persistproc (or
 * pm2) reads its output than when it writes to a file. The child times itself, so only the
 * time it spends blocked on a full pipe counts, not the manager's start-up. One run of each in
 * turn; the slowdown is the median of each turn's ratio, which holds on a shared machine.
 */
import { join } from "node:path";
import type { Measure, Result } from "./_context.ts";
import { benchHub, NO_ROTATION, seqBytes } from "./_bench_hub.ts";
import { median, until } from "./_stats.ts";

/** A child that prints `lines` lines and then its own run time on stderr. */
function selfTimingChild(lines: number): string {
  return `start=$(date +%s%N); seq 1 ${lines}; end=$(date +%s%N); ` +
    `echo "elapsed_ns $((end - start))" >&2`;
}

function elapsedMs(stderr: string): number {
  const match = /elapsed_ns (\d+)/.exec(stderr);
  if (!match) throw new Error(`The child did not report its run time: ${stderr.slice(0, 200)}`);
  return Number(match[1]) / 1e6;
}

/** See the module comment. */
export const slowdown: Measure = async (ctx) => {
  const { runs, captureLines: n } = ctx.sizes;
  const script = selfTimingChild(n);
  ctx.note(`slowdown: ${runs} runs, persistproc, pm2 and a file in turn`);
  const persistproc: number[] = [];
  const pm2: number[] | null = ctx.pm2 ? [] : null;
  const limit: number[] = [];
  const file = join(ctx.tmp, "shell-slowdown.out");
  await using hub = await benchHub(NO_ROTATION);
  // One run of each in turn, so each ratio is taken of runs under the same load.
  for (let run = 0; run < runs; run++) {
    const { pid } = await hub.call("ctrl", {
      action: "start",
      command_or_label: script,
      working_directory: ctx.tmp,
      label: `slowdown-${run}`,
    });
    await until("the child to end", async () => {
      const { processes } = await hub.call("list", { pid });
      return (processes as { status: string }[])[0].status !== "running";
    }, { everyMs: 20 });
    const { output } = await hub.call("output", { pid, stream: "stderr", lines: 1 });
    persistproc.push(elapsedMs((output as string[]).join("\n")));
    if (ctx.pm2 && pm2) {
      const out = join(ctx.tmp, `pm2-slowdown-${run}`);
      await ctx.pm2.time([{
        name: `slowdown-${run}`,
        script: "sh",
        args: ["-c", script],
        out: `${out}.out`,
        err: `${out}.err`,
        outBytes: seqBytes(n),
        errBytes: 1,
      }]);
      pm2.push(elapsedMs(await Deno.readTextFile(`${out}.err`)));
    }
    const { stderr } = await new Deno.Command("sh", {
      args: ["-c", `exec > ${file}; ${script}`],
      stderr: "piped",
    }).output();
    limit.push(elapsedMs(new TextDecoder().decode(stderr)));
  }
  const slower = median(persistproc.map((p, i) => p / limit[i]));
  const pm2Slower = pm2 && median(pm2.map((q, i) => q / limit[i]));

  const [p, q, l] = [median(persistproc), pm2 && median(pm2), median(limit)];
  const rows: Result[] = [{
    measure: `child's own run time printing ${n.toLocaleString("en")} lines`,
    unit: "ms",
    persistproc: p,
    pm2: q,
    limit: l,
    target: "–",
    met: null,
  }, {
    measure: "child slowdown (run time ÷ run time writing to a file, in pairs)",
    unit: "×",
    persistproc: slower,
    pm2: pm2Slower,
    target: "≤ 1.2 ×",
    met: slower <= 1.2,
  }];
  return rows;
};

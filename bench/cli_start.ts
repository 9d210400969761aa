/**
 * Measure 7, CLI cold start: `persistproc list` (deno run main.ts) against `pm2 jlist`, each
 * against its running daemon managing the same 10 sleepers. The compiled binary is timed when
 * one can be had (PERSISTPROC_BINARY, or a local denort runtime to build one); the runtimes'
 * empty-program start is the floor both sit on.
 */
import { join } from "node:path";
import { compile, localDenort } from "../tasks/compile.ts";
import type { BenchContext, Measure, Result } from "./_context.ts";
import { benchHub, MAIN, startSleepers } from "./_bench_hub.ts";
import { childrenCpuSeconds, median, timed } from "./_stats.ts";

const RUNNING = 10;

/** Median wall time of running `argv` to completion `runs` times, after one warm-up run. */
async function coldStart(argv: string[], runs: number, env?: Record<string, string>) {
  const samples: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const [ms, result] = await timed(() =>
      new Deno.Command(argv[0], { args: argv.slice(1), env, stdin: "null", stdout: "null" })
        .output()
    );
    if (!result.success) throw new Error(`${argv.join(" ")} failed`);
    if (run > 0) samples.push(ms);
  }
  return median(samples);
}

/**
 * Median wall times of `a` and `b`, run in turn `runs` times each after one warm-up pair, so
 * that the load of a shared machine falls on both alike; and the CPU time (user + system) each
 * used over all its runs, which other work on the machine barely moves (null without /proc).
 */
async function inPairs(a: string[], b: string[], runs: number) {
  const times: [number[], number[]] = [[], []];
  const cpu: [number | null, number | null] = [0, 0];
  for (let run = 0; run < runs + 1; run++) {
    for (const [i, argv] of [a, b].entries()) {
      const before = await childrenCpuSeconds();
      const [ms] = await timed(() =>
        new Deno.Command(argv[0], { args: argv.slice(1), stdin: "null", stdout: "null" }).output()
      );
      const after = await childrenCpuSeconds();
      if (run === 0) continue;
      times[i].push(ms);
      cpu[i] = before === null || after === null || cpu[i] === null
        ? null
        : cpu[i]! + (after - before) * 1000;
    }
  }
  return { wall: [median(times[0]), median(times[1])], cpu };
}

/** The compiled binary to time, or why there is none. */
async function compiledBinary(ctx: BenchContext): Promise<string | { reason: string }> {
  const given = Deno.env.get("PERSISTPROC_BINARY");
  if (given) return given;
  const denort = await localDenort();
  if (!denort.available) return { reason: "no denort runtime here to compile with" };
  ctx.note("cli: compiling main.ts");
  const output = join(ctx.tmp, "persistproc");
  await compile(output);
  return output;
}

/** See the module comment. */
export const cliStart: Measure = async (ctx) => {
  const runs = ctx.sizes.cliRuns;
  await using hub = await benchHub();
  await startSleepers(hub, RUNNING, "cli", ctx.tmp);
  const list = ["list", "--port", String(hub.port), "--data-dir", hub.dataDir];
  ctx.note(`cli: persistproc list, ${runs} runs`);
  const persistproc = await coldStart([Deno.execPath(), "run", "-A", MAIN, ...list], runs);
  const binary = await compiledBinary(ctx);
  const compiled = typeof binary === "string" ? await coldStart([binary, ...list], runs) : null;
  const empty = join(ctx.tmp, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const denoFloor = await coldStart([Deno.execPath(), "run", empty], runs);
  ctx.note(`cli: persistproc list and an empty deno run in pairs, ${runs * 2} runs`);
  const pairs = await inPairs(
    [Deno.execPath(), "run", "-A", MAIN, ...list],
    [Deno.execPath(), "run", "-A", empty],
    runs * 2,
  );
  const [paired, pairedEmpty] = pairs.wall;
  const [cpu, cpuEmpty] = pairs.cpu;

  let pm2: number | null = null;
  let nodeFloor: number | null = null;
  if (ctx.pm2) {
    ctx.note(`cli: pm2 jlist, ${runs} runs`);
    await ctx.pm2.startSleepers(RUNNING, "cli", ctx.tmp);
    pm2 = await coldStart(ctx.pm2.command(["jlist"]), runs, ctx.pm2.env);
    await ctx.pm2.cli(["delete", "all"]);
    nodeFloor = await coldStart(["node", "-e", "0"], runs);
  }

  const rows: Result[] = [{
    measure: `CLI cold start: list (persistproc list / pm2 jlist), ${RUNNING} processes`,
    unit: "ms",
    persistproc,
    pm2,
    target: "≤ 0.5 × pm2",
    met: pm2 === null ? null : persistproc <= 0.5 * pm2,
    note: "deno run main.ts",
  }, {
    measure: "CLI cold start: list, compiled binary",
    unit: "ms",
    persistproc: compiled,
    pm2,
    target: "≤ 0.5 × pm2",
    met: compiled === null || pm2 === null ? null : compiled <= 0.5 * pm2,
    note: typeof binary === "string" ? undefined : binary.reason,
  }, {
    measure: "CLI cold start: persistproc list ÷ an empty deno run, in pairs",
    unit: "×",
    persistproc: paired / pairedEmpty,
    target: "≤ 1.5 ×",
    met: paired / pairedEmpty <= 1.5,
    note: `${paired.toFixed(0)} ms against ${pairedEmpty.toFixed(0)} ms`,
  }, {
    measure: "CLI cold start: persistproc list ÷ an empty deno run, CPU time of the same pairs",
    unit: "×",
    persistproc: cpu === null || cpuEmpty === null || cpuEmpty === 0 ? null : cpu / cpuEmpty,
    target: "–",
    met: null,
    note: cpu === null || cpuEmpty === null
      ? "no /proc here"
      : `user + system, ${(cpu / (runs * 2)).toFixed(1)} ms against ${
        (cpuEmpty / (runs * 2)).toFixed(1)
      } ms a run`,
  }, {
    measure: "runtime floor: an empty program (deno run / node -e 0)",
    unit: "ms",
    persistproc: denoFloor,
    pm2: nodeFloor,
    target: "–",
    met: null,
  }];
  return rows;
};

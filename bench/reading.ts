/**
 * Measure 3, reading: `output` of the last 100 lines on a small and on a large log, through the
 * JSON API as the CLI reads. The plain shell's `tail -n 100` on the same file is the limit.
 * (Searches are measured in grep.ts, on the same logs.)
 */
import { OutputReader } from "../src/core/output/output_reader.ts";
import type { Measure, Result } from "./_context.ts";
import { type BenchHub, benchHub, fileSize } from "./_bench_hub.ts";
import { median, timed, until } from "./_stats.ts";

const TEXT = "reading benchmark line %08g, padded to the length of a typical log line ....";
/** Bytes of one stored line: the text and its newline. */
const LINE_BYTES = TEXT.replace("%08g", "00000000").length + 1;

/** Runs a process that fills a combined log of about `bytes`; returns its pid and log. */
export async function fillLog(hub: BenchHub, dir: string, bytes: number) {
  const lines = Math.floor(bytes / LINE_BYTES);
  const started = await hub.call("ctrl", {
    action: "start",
    command_or_label: `seq -f '${TEXT}' 1 ${lines}`,
    working_directory: dir,
    label: `reading-${bytes}`,
  });
  const log = `${started.log_dir as string}/stdout.spool`;
  const reader = () => new OutputReader(started.log_dir as string);
  await until("the log to be stored", () => reader().lineCount("stdout") >= lines, { everyMs: 20 });
  return { pid: started.pid as number, log };
}

/** The median time of `calls` calls of `body`, after three warm-up calls. */
export async function sample(calls: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await body(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) samples.push((await timed(body))[0]);
  return median(samples);
}

async function shell(program: string, args: string[]): Promise<void> {
  const result = await new Deno.Command(program, { args, stdout: "null" }).output();
  if (result.code !== 0) throw new Error(`${program} failed`);
}

/** See the module comment. */
export const reading: Measure = async (ctx) => {
  await using hub = await benchHub();
  const rows: Result[] = [];
  const tail: number[] = [];
  for (const bytes of ctx.sizes.readLogBytes) {
    const { pid, log } = await fillLog(hub, ctx.tmp, bytes);
    const size = `${(fileSize(log) / 2 ** 20).toFixed(1)} MiB log`;
    ctx.note(`reading: ${size}`);
    const last = await sample(ctx.sizes.readCalls, async () => {
      const { output } = await hub.call("output", { pid, lines: 100 });
      if ((output as string[]).length !== 100) throw new Error("Expected 100 lines");
    });
    tail.push(last);
    rows.push({
      measure: `output: last 100 lines, ${size}`,
      unit: "ms",
      persistproc: last,
      limit: await sample(ctx.sizes.readCalls, () => shell("tail", ["-n", "100", log])),
      target: "< 5 ms",
      met: last < 5,
    });
  }
  const ratio = tail[1] / tail[0];
  rows.push({
    measure: "output: last 100 lines, large log ÷ small log",
    unit: "×",
    persistproc: ratio,
    target: "≤ 1.5 ×",
    met: ratio <= 1.5,
  });
  return rows;
};

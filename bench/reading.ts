/**
 * Measure 3, reading: `output` of the last 100 lines, and a grep of the whole log, on a small
 * and on a large log, through the JSON API as the CLI reads. The plain shell's `tail -n 100`
 * and `grep -F` on the same file are the limit.
 */
import { OutputReader } from "../src/core/output/output_reader.ts";
import type { Measure, Result } from "./_context.ts";
import { type BenchHub, benchHub, fileSize } from "./_hub.ts";
import { median, timed, until } from "./_stats.ts";

const TEXT = "reading benchmark line %08g, padded to the length of a typical log line ....";
/** Bytes of one stored line: the text and its newline. */
const LINE_BYTES = TEXT.replace("%08g", "00000000").length + 1;

/** Runs a process that fills a combined log of about `bytes`; returns its pid and log. */
async function fillLog(hub: BenchHub, dir: string, bytes: number) {
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

async function sample(calls: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await body(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) samples.push((await timed(body))[0]);
  return median(samples);
}

async function shell(program: string, args: string[]): Promise<void> {
  const result = await new Deno.Command(program, { args, stdout: "null" }).output();
  if (result.code > 1) throw new Error(`${program} failed`);
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
    // One match, near the start: the search has to read the whole log to find it.
    const pattern = "line 00000042,";
    let cut = false;
    let grepLimit = 0;
    const grep = await sample(ctx.sizes.readCalls, async () => {
      const result = await hub.call("output", { pid, grep: pattern, lines: 100 });
      if ((result.output as string[]).length !== 1) throw new Error("Expected 1 match");
      cut ||= result.search_cut as boolean;
    });
    rows.push({
      measure: `output: grep (1 match, whole log searched), ${size}`,
      unit: "ms",
      persistproc: grep,
      limit: grepLimit = await sample(
        ctx.sizes.readCalls,
        () => shell("grep", ["-c", pattern, log]),
      ),
      target: "≤ 3 × grep -c",
      met: grep <= 3 * grepLimit,
      note: cut ? "search cut at its time budget" : undefined,
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

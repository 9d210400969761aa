/**
 * Measure 1, capture throughput: a child prints N short lines as fast as it can (`seq 1 N`);
 * how long from the start request until every line is in the log, and how many are lost.
 * persistproc against pm2 against the shell writing the file itself. persistproc's time is
 * taken as a client sees it (until `output` over the JSON API answers the last line), and, as
 * before, as its index says (until the index covers every byte), in the same runs.
 */
import { join } from "node:path";
import { OutputReader } from "../src/core/output/output_reader.ts";
import type { Measure, Result } from "./_context.ts";
import { benchHub, countLines, NO_ROTATION, seqBytes, waitStored } from "./_bench_hub.ts";
import { median, repeat } from "./_stats.ts";

/** See the module comment. */
export const capture: Measure = async (ctx) => {
  const { runs, captureLines: n } = ctx.sizes;
  const bytes = seqBytes(n);

  ctx.note(`capture: persistproc, ${runs} x seq 1 ${n}`);
  const lost: Record<string, number> = {};
  let persistproc: number[];
  const indexedAt: number[] = [];
  let onDisk = 0;
  {
    await using hub = await benchHub(NO_ROTATION);
    const logs: string[] = [];
    persistproc = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const started = await hub.call("ctrl", {
        action: "start",
        command_or_label: `seq 1 ${n}`,
        working_directory: ctx.tmp,
        label: `capture-${run}`,
      });
      const log = started.log_dir as string;
      logs.push(log);
      const pid = started.pid as number;
      let indexed = 0;
      const done = await waitStored(
        async () => {
          const end = new OutputReader(log).extent().end.stdout.byte;
          if (!indexed && end >= bytes) indexed = performance.now();
          const { output } = await hub.call("output", { pid, stream: "stdout", lines: 1 });
          return (output as string[])[0] === String(n) ? bytes : Math.min(end, bytes - 1);
        },
        bytes,
        async () => {
          const { processes } = await hub.call("list", { pid });
          return (processes as { status: string }[])[0].status !== "running";
        },
      );
      indexedAt.push((indexed || done) - start);
      persistproc.push(done - start);
    }
    lost.persistproc = Math.max(
      ...logs.map((l) => n - new OutputReader(l).lineCount("stdout")),
    );
    onDisk = allocated(logs[0]);
  }

  let pm2: number[] | null = null;
  if (ctx.pm2) {
    ctx.note(`capture: pm2, ${runs} x seq 1 ${n}`);
    const files = Array.from({ length: runs }, (_, run) => join(ctx.tmp, `pm2-capture-${run}`));
    pm2 = await ctx.pm2.time(files.map((file, run) => ({
      name: `capture-${run}`,
      script: "seq",
      args: ["1", String(n)],
      out: `${file}.out`,
      err: `${file}.err`,
      outBytes: bytes,
      errBytes: 0,
    })));
    lost.pm2 = Math.max(
      ...await Promise.all(files.map(async (f) => n - await countLines(`${f}.out`))),
    );
  }

  ctx.note(`capture: shell, ${runs} x seq 1 ${n} > file`);
  const file = join(ctx.tmp, "shell-capture.out");
  const limit = await repeat(runs, async () => {
    const status = await new Deno.Command("sh", { args: ["-c", `seq 1 ${n} > ${file}`] }).output();
    if (!status.success) throw new Error("seq failed");
  });
  lost.limit = n - await countLines(file);

  const [p, q, l] = [median(persistproc), pm2 && median(pm2), median(limit)];
  const indexSide = median(indexedAt);
  const rows: Result[] = [{
    measure: `capture ${n.toLocaleString("en")} lines: start until the last is read by output`,
    unit: "ms",
    persistproc: p,
    pm2: q,
    limit: l,
    target: "≤ 0.5 × pm2",
    met: q === null ? null : p <= 0.5 * q,
  }, {
    measure: `capture ${n.toLocaleString("en")} lines: start until all in the index`,
    unit: "ms",
    persistproc: indexSide,
    pm2: q,
    limit: l,
    target: "–",
    met: null,
  }, {
    measure: "capture: lines lost (worst run)",
    unit: "lines",
    persistproc: lost.persistproc,
    pm2: lost.pm2 ?? null,
    limit: lost.limit,
    target: "0",
    met: lost.persistproc === 0,
  }, {
    measure: "capture: bytes on disk ÷ bytes of output",
    unit: "×",
    persistproc: onDisk / bytes,
    limit: allocated(file) / bytes,
    target: "≤ 1.25 ×",
    met: onDisk / bytes <= 1.25,
  }, {
    measure: "capture: start until the last is read by output ÷ seq > file",
    unit: "×",
    persistproc: p / l,
    target: "≤ 3 ×",
    met: p / l <= 3,
  }];
  return rows;
};

/** Bytes a file, or a directory's files, take on disk (allocated blocks). */
function allocated(path: string): number {
  const info = Deno.statSync(path);
  if (!info.isDirectory) return (info.blocks ?? 0) * 512;
  let total = 0;
  for (const entry of Deno.readDirSync(path)) total += allocated(join(path, entry.name));
  return total;
}

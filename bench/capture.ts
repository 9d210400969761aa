/**
 * Measure 1, capture throughput: a child prints N short lines as fast as it can (`seq 1 N`);
 * how long from the start request until every line is in the log, and how many are lost.
 * persistproc against pm2 against the shell writing the file itself, one run of each in turn,
 * so that the ratios (medians of each turn's) hold on a shared machine. persistproc's time is
 * taken as a client sees it (until `output` over the JSON API answers the last line), and, as
 * before, as its index says (until the index covers every byte), in the same runs.
 */
import { join } from "node:path";
import { OutputReader } from "../src/core/output/output_reader.ts";
import type { Measure, Result } from "./_context.ts";
import {
  type BenchHub,
  benchHub,
  countLines,
  NO_ROTATION,
  seqBytes,
  waitStored,
} from "./_bench_hub.ts";
import { median, repeat } from "./_stats.ts";

/** See the module comment. */
export const capture: Measure = async (ctx) => {
  const { runs, captureLines: n } = ctx.sizes;
  const bytes = seqBytes(n);
  ctx.note(`capture: ${runs} x seq 1 ${n}, persistproc, pm2 and the shell in turn`);
  const persistproc: number[] = [];
  const indexedAt: number[] = [];
  const pm2: number[] | null = ctx.pm2 ? [] : null;
  const limit: number[] = [];
  const logs: string[] = [];
  const pm2Files: string[] = [];
  const file = join(ctx.tmp, "shell-capture.out");
  let lostByUs = 0;
  let onDisk = 0;
  {
    await using hub = await benchHub(NO_ROTATION);
    // One run of each in turn, so each ratio is taken of runs under the same load.
    for (let run = 0; run < runs; run++) {
      const [done, indexed, log] = await capturedBy(hub, n, bytes, ctx.tmp, run);
      persistproc.push(done);
      indexedAt.push(indexed);
      logs.push(log);
      if (ctx.pm2 && pm2) {
        const out = join(ctx.tmp, `pm2-capture-${run}`);
        pm2Files.push(out);
        pm2.push(
          ...await ctx.pm2.time([{
            name: `capture-${run}`,
            script: "seq",
            args: ["1", String(n)],
            out: `${out}.out`,
            err: `${out}.err`,
            outBytes: bytes,
            errBytes: 0,
          }]),
        );
      }
      limit.push(
        ...await repeat(1, async () => {
          const status = await new Deno.Command("sh", { args: ["-c", `seq 1 ${n} > ${file}`] })
            .output();
          if (!status.success) throw new Error("seq failed");
        }),
      );
    }
    // Read before the server's data dir goes.
    lostByUs = Math.max(...logs.map((l) => n - new OutputReader(l).lineCount("stdout")));
    onDisk = allocated(logs[0]);
  }
  const lost: Record<string, number> = { persistproc: lostByUs, limit: n - await countLines(file) };
  if (pm2) {
    lost.pm2 = Math.max(
      ...await Promise.all(pm2Files.map(async (f) => n - await countLines(`${f}.out`))),
    );
  }
  const toPm2 = pm2 && median(persistproc.map((p, i) => p / pm2[i]));
  const toLimit = median(persistproc.map((p, i) => p / limit[i]));

  const [p, q, l] = [median(persistproc), pm2 && median(pm2), median(limit)];
  const indexSide = median(indexedAt);
  const rows: Result[] = [{
    measure: `capture ${n.toLocaleString("en")} lines: start until the last is read by output${
      toPm2 === null ? "" : ` (÷ pm2 in pairs: ${toPm2.toFixed(2)} ×)`
    }`,
    unit: "ms",
    persistproc: p,
    pm2: q,
    limit: l,
    target: "≤ 0.5 × pm2",
    met: toPm2 === null ? null : toPm2 <= 0.5,
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
    measure: "capture: start until the last is read by output ÷ seq > file, in pairs",
    unit: "×",
    persistproc: toLimit,
    target: "≤ 3 ×",
    met: toLimit <= 3,
  }];
  return rows;
};

/**
 * One capture by persistproc: milliseconds from the start request until `output` answers the
 * last line, and until the index covers every byte; and the log's folder.
 */
async function capturedBy(
  hub: BenchHub,
  n: number,
  bytes: number,
  dir: string,
  run: number,
): Promise<[number, number, string]> {
  const start = performance.now();
  const started = await hub.call("ctrl", {
    action: "start",
    command_or_label: `seq 1 ${n}`,
    working_directory: dir,
    label: `capture-${run}`,
  });
  const log = started.log_dir as string;
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
  return [done - start, (indexed || done) - start, log];
}

/** Bytes a file, or a directory's files, take on disk (allocated blocks). */
function allocated(path: string): number {
  const info = Deno.statSync(path);
  if (!info.isDirectory) return (info.blocks ?? 0) * 512;
  let total = 0;
  for (const entry of Deno.readDirSync(path)) total += allocated(join(path, entry.name));
  return total;
}

/**
 * Measure 3b, search: `output` with grep over the whole large log, each request timed whole
 * through the JSON API as the CLI makes it, in pairs with a whole `grep -c` process on the
 * same spool file (its start included). The two of a pair run back to back, in alternating
 * order, so that the ratio of each pair is taken under the same load; the row gives the median
 * time of each side and is judged by the median of the pairs' ratios.
 *
 * `grep -c` writes its count to a pipe that is read: with its output sent to /dev/null, GNU
 * grep stops at the first match and reads next to nothing of the file.
 */
import type { Measure, Result } from "./_context.ts";
import { benchHub, fileSize } from "./_bench_hub.ts";
import { median, timed } from "./_stats.ts";
import { fillLog } from "./reading.ts";

/** A search of the measure: persistproc's request and the matching `grep` arguments. */
interface Search {
  name: string;
  request: Record<string, unknown>;
  grep: string[];
  /** Lines the log holds that match. */
  matches: number;
  /** Lines `output` answers (the matches and their context). */
  shown: number;
  target: number;
}

// The one match sits near the start, so both sides read the whole log to be sure of the rest.
const SEARCHES: Search[] = [
  {
    name: "absent pattern",
    request: { grep: "connection refused" },
    grep: ["-c", "connection refused"],
    matches: 0,
    shown: 0,
    target: 2,
  },
  {
    name: "pattern present once, 3 lines of context",
    request: { grep: "line 00000042,", context: 3 },
    grep: ["-c", "line 00000042,"],
    matches: 1,
    shown: 7,
    target: 3,
  },
  {
    name: "case-insensitive literal present once",
    request: { grep: "(?i)Benchmark LINE 00000042," },
    grep: ["-ci", "Benchmark LINE 00000042,"],
    matches: 1,
    shown: 1,
    target: 5,
  },
];

async function grepCount(args: string[], file: string): Promise<number> {
  const result = await new Deno.Command("grep", { args: [...args, file], stdout: "piped" })
    .output();
  if (result.code > 1) throw new Error("grep failed");
  return Number(new TextDecoder().decode(result.stdout));
}

/** See the module comment. */
export const grep: Measure = async (ctx) => {
  await using hub = await benchHub();
  const { pid, log } = await fillLog(hub, ctx.tmp, ctx.sizes.readLogBytes[1]);
  const size = `${(fileSize(log) / 2 ** 20).toFixed(1)} MiB log`;
  const rows: Result[] = [];
  for (const search of SEARCHES) {
    ctx.note(`grep: ${search.name}, ${size}`);
    let cut = false;
    const ours = async () => {
      const result = await hub.call("output", { pid, lines: 100, ...search.request });
      const shown = (result.output as string[]).length;
      if (result.matched_lines !== search.matches || shown !== search.shown) {
        throw new Error(`${search.name}: ${result.matched_lines} matches, ${shown} lines shown`);
      }
      cut ||= result.search_cut as boolean;
    };
    const theirs = async () => {
      const count = await grepCount(search.grep, log);
      if (count !== search.matches) throw new Error(`${search.name}: grep counted ${count}`);
    };
    for (let i = 0; i < 3; i++) await ours(), await theirs(); // warm-up
    const [a, b, ratios]: number[][] = [[], [], []];
    for (let i = 0; i < ctx.sizes.readCalls; i++) {
      const first = i % 2 === 0;
      const x = first ? (await timed(ours))[0] : 0;
      const y = (await timed(theirs))[0];
      const ourTime = first ? x : (await timed(ours))[0];
      a.push(ourTime);
      b.push(y);
      ratios.push(ourTime / y);
    }
    const ratio = median(ratios);
    rows.push({
      measure: `output: grep, ${search.name}, ${size} (÷ grep -c in pairs: ${ratio.toFixed(2)} ×)`,
      unit: "ms",
      persistproc: median(a),
      limit: median(b),
      target: `≤ ${search.target} × grep -c`,
      met: ratio <= search.target,
      note: cut ? "search cut at its time budget" : undefined,
    });
  }
  return rows;
};

/**
 * `deno task bench`: persistproc side by side with pm2 and with the plain shell, one measure
 * after another; prints the machine and a markdown table, writes bench/results.json.
 *
 * Flags: --smoke (tiny sizes, proves every path works; timings mean nothing), --no-pm2 (skip
 * the peer), --only a,b (run only these measures), --out PATH (default bench/results.json).
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { type BenchContext, FULL, type Measure, type Result, SMOKE } from "./_context.ts";
import { Pm2 } from "./_pm2.ts";
import { describeMachine, machineLine, resultsTable } from "./_report.ts";
import { capture } from "./capture.ts";
import { cliStart } from "./cli_start.ts";
import { control } from "./control.ts";
import { events } from "./events.ts";
import { grep } from "./grep.ts";
import { mcpList } from "./mcp_list.ts";
import { many } from "./many.ts";
import { memory } from "./memory.ts";
import { reading } from "./reading.ts";
import { resultBytes } from "./result_bytes.ts";
import { scale } from "./scale.ts";
import { slowdown } from "./slowdown.ts";

/** Every measure, in the order they run. */
export const MEASURES: Record<string, Measure> = {
  capture,
  slowdown,
  reading,
  grep,
  mcp_list: mcpList,
  result_bytes: resultBytes,
  control,
  memory,
  cli: cliStart,
  many,
  events,
  scale,
};

const encoder = new TextEncoder();
const print = (text: string) => Deno.stdout.writeSync(encoder.encode(text + "\n"));
const note = (text: string) => Deno.stderr.writeSync(encoder.encode(`bench: ${text}\n`));

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      smoke: { type: "boolean" },
      "no-pm2": { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" },
    },
  });
  const names = values.only?.split(",") ?? Object.keys(MEASURES);
  for (const name of names) if (!MEASURES[name]) throw new Error(`No measure "${name}"`);
  const began = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "persistproc-bench-" });
  let pm2: Pm2 | null = null;
  // Ctrl+C reaches the servers (same process group) but not pm2's daemon, which detaches.
  const onInterrupt = async () => {
    await pm2?.[Symbol.asyncDispose]();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const results: Result[] = [];
  try {
    if (!values["no-pm2"]) {
      note("installing pm2 from npm into a temporary folder");
      pm2 = await Pm2.install(join(tmp, "pm2"));
    }
    const ctx: BenchContext = { sizes: values.smoke ? SMOKE : FULL, pm2, tmp, note };
    for (const name of names) results.push(...await MEASURES[name](ctx));
  } finally {
    await pm2?.[Symbol.asyncDispose]();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
  const machine = await describeMachine(pm2?.version ?? null);
  const seconds = Math.round((performance.now() - began) / 1000);
  print(`Machine: ${machineLine(machine)}\n`);
  print(resultsTable(results));
  print(
    `\nTook ${seconds} s${
      values.smoke ? " (smoke run: sizes are tiny, timings mean nothing)" : ""
    }`,
  );
  const out = values.out ?? fileURLToPath(new URL("./results.json", import.meta.url));
  const report = {
    date: new Date().toISOString(),
    smoke: !!values.smoke,
    seconds,
    machine,
    results,
  };
  await Deno.writeTextFile(out, JSON.stringify(report, null, 2) + "\n");
}

if (import.meta.main) await main();

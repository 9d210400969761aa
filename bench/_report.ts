/**
 * What a run reports: the machine it ran on and the results table, as markdown (readable in a
 * terminal and pasted as is into BENCHMARKS.md).
 */
import type { Result } from "./_context.ts";

/** The machine a run ran on. */
export interface Machine {
  cpus: number;
  cpu_model: string;
  memory_gib: number;
  os: string;
  kernel: string;
  deno: string;
  node: string;
  pm2: string | null;
}

/** Reads the machine's description (Linux /proc and /etc files; blanks elsewhere). */
export async function describeMachine(pm2: string | null): Promise<Machine> {
  const read = (path: string) => Deno.readTextFile(path).catch(() => "");
  const cpuinfo = await read("/proc/cpuinfo");
  const osRelease = await read("/etc/os-release");
  const node = await new Deno.Command("node", { args: ["--version"], stdout: "piped" }).output()
    .then((o) => new TextDecoder().decode(o.stdout).trim()).catch(() => "absent");
  return {
    cpus: navigator.hardwareConcurrency,
    cpu_model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    memory_gib: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: /PRETTY_NAME="?([^"\n]*)/.exec(osRelease)?.[1] ?? Deno.build.os,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    node,
    pm2,
  };
}

/** The machine as one markdown line. */
export function machineLine(m: Machine): string {
  return `${m.cpus} cores (${m.cpu_model}), ${m.memory_gib} GiB, ${m.os}, Linux ${m.kernel}, ` +
    `deno ${m.deno}, node ${m.node}, pm2 ${m.pm2 ?? "skipped"}`;
}

function show(value: number | null | undefined, unit: string): string {
  if (value === undefined) return "–";
  if (value === null) return "n/a";
  const digits = unit === "ms" ? (value < 10 ? 2 : value < 100 ? 1 : 0) : unit === "×" ? 2 : 1;
  return `${value.toLocaleString("en", { maximumFractionDigits: digits })} ${unit}`;
}

/** The results as a markdown table. */
export function resultsTable(results: readonly Result[]): string {
  const rows = [
    ["measure", "persistproc", "pm2", "no manager", "target", "met"],
    ["---", "--:", "--:", "--:", "---", "---"],
    ...results.map((r) => [
      r.measure + (r.note ? ` (${r.note})` : ""),
      show(r.persistproc, r.unit),
      show(r.pm2, r.unit),
      show(r.limit, r.unit),
      r.target,
      r.met === null ? "–" : r.met ? "met" : "**missed**",
    ]),
  ];
  return rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

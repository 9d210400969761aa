/**
 * A persistproc server for a measure: the tests' disposable hub (main.ts serve on a free port
 * with a throwaway data dir), plus what the benchmarks need on top of it.
 */
import { startHub, type TestHub } from "../tests/_hub.ts";

export { alive, connectMcp, MAIN } from "../tests/_hub.ts";

/** A log cap no benchmark reaches, so rotation never drops lines that are being counted. */
export const NO_ROTATION = ["--log-max-bytes", String(2 ** 40)];

/** A running server and its pid. */
export interface BenchHub extends TestHub {
  pid: number;
  /** Calls a tool over the JSON API; throws unless it answered 200. */
  call(tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Starts a server with extra `serve` flags. */
export async function benchHub(extraArgs: string[] = []): Promise<BenchHub> {
  const hub = await startHub(extraArgs);
  const health = await (await hub.fetch("/api/health")).json();
  return Object.assign(hub, {
    pid: health.pid as number,
    async call(tool: string, args: Record<string, unknown>) {
      const { status, body } = await hub.api(tool, args);
      if (status !== 200) throw new Error(`${tool} answered ${status}: ${JSON.stringify(body)}`);
      return body;
    },
  });
}

/** Bytes `seq 1 n` prints. */
export function seqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, low = 1; low <= n; digits++, low *= 10) {
    total += (Math.min(n, low * 10 - 1) - low + 1) * (digits + 1);
  }
  return total;
}

/** How many lines a file holds (newlines counted), reading it in blocks. */
export async function countLines(path: string): Promise<number> {
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  let lines = 0;
  for (;;) {
    const read = await file.read(buffer);
    if (read === null) return lines;
    for (let i = 0; i < read; i++) if (buffer[i] === 0x0a) lines++;
  }
}

/** A file's size, 0 while it does not exist. */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Waits until `size()` reaches `full`, or, when output was lost, until `ended()` says the
 * writer is done and the size has stopped growing. Returns `performance.now()` of the last
 * growth: when everything that was going to be stored had been stored.
 */
export async function waitStored(
  size: () => number | Promise<number>,
  full: number,
  ended: () => Promise<boolean>,
): Promise<number> {
  let last = -1;
  let grewAt = performance.now();
  for (let polls = 1;; polls++) {
    const now = await size();
    if (now !== last) [last, grewAt] = [now, performance.now()];
    if (now >= full) return grewAt;
    if (polls % 50 === 0 && performance.now() - grewAt > 500 && await ended()) return grewAt;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Starts `count` `sleep 1000` processes labelled `<prefix>-<i>`. */
export async function startSleepers(hub: BenchHub, count: number, prefix: string, dir: string) {
  for (let i = 0; i < count; i++) {
    await hub.call("ctrl", {
      action: "start",
      command_or_label: "sleep 1000",
      working_directory: dir,
      label: `${prefix}-${i}`,
    });
  }
}

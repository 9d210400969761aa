/**
 * The arithmetic of the benchmarks: medians, percentiles, a timer and a process's CPU time.
 */

/** The value below which `p` (0..1) of the samples lie, by the nearest-rank method. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError("No samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
}

/** The middle sample (the lower middle of an even count, so it is a value that was measured). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** Runs `body` and returns how long it took in milliseconds, with its result. */
export async function timed<T>(body: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await body();
  return [performance.now() - start, result];
}

/** Runs `body` `runs` times, one after another, and returns each run's duration in ms. */
export async function repeat(runs: number, body: (run: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) samples.push((await timed(() => body(run)))[0]);
  return samples;
}

/** Waits until `probe` is truthy, polling every `everyMs`; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  { everyMs = 2, timeoutMs = 120_000 } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) that this process's ended and waited-for children have used,
 * from /proc/self/stat (cutime and cstime); null where there is no /proc. Counted in ticks of
 * 10 ms, so a sum over many short children is meaningful, one child alone hardly.
 */
export async function childrenCpuSeconds(): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/PID/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * What every measure is given (sizes, the peer, a scratch folder) and what it hands back (rows
 * of the results table).
 */
import type { Pm2 } from "./_pm2.ts";

/** How big each measure's work is: the full suite, or a smoke run that only proves it works. */
export interface Sizes {
  /** Runs whose median is reported, for the costly measures (capture, slowdown). */
  runs: number;
  /** Lines the capture and slowdown children print. */
  captureLines: number;
  /** Target sizes of the small and the large log the reads run on, in bytes. */
  readLogBytes: [number, number];
  /** Calls per read measure. */
  readCalls: number;
  /** Sequential list calls of the one client; calls per client of the concurrent ones. */
  listCalls: number;
  listCallsPerClient: number;
  listClients: number;
  /** Start/stop cycles of the control measure. */
  controlRuns: number;
  /** Processes the loaded memory figure is taken with. */
  memoryProcesses: number;
  /** How long a daemon is left alone before its memory is read. */
  settleMs: number;
  /** Runs of each CLI command. */
  cliRuns: number;
  /** Quiet processes, processes printing a line a second, and seconds each load is measured. */
  manyQuiet: number;
  manyBusy: number;
  manySeconds: number;
  /** Processes the scale measure starts, lists and shuts down. */
  manyScale: number;
  /** Seconds the quiet load is measured (a quiet server looks less often as time goes by). */
  manyQuietSeconds: number;
}

/** The sizes of `deno task bench`. */
export const FULL: Sizes = {
  runs: 5,
  captureLines: 3_000_000,
  readLogBytes: [1024 * 1024, Math.floor(15.9 * 1024 * 1024)],
  readCalls: 50,
  listCalls: 300,
  listCallsPerClient: 50,
  listClients: 32,
  controlRuns: 15,
  memoryProcesses: 50,
  settleMs: 2_000,
  cliRuns: 7,
  manyQuiet: 200,
  manyBusy: 150,
  manySeconds: 15,
  manyScale: 500,
  manyQuietSeconds: 60,
};

/** Tiny sizes for the smoke test: every code path, no meaningful timing. */
export const SMOKE: Sizes = {
  runs: 1,
  captureLines: 2_000,
  readLogBytes: [16 * 1024, 64 * 1024],
  readCalls: 2,
  listCalls: 3,
  listCallsPerClient: 2,
  listClients: 2,
  controlRuns: 1,
  memoryProcesses: 2,
  settleMs: 50,
  cliRuns: 1,
  manyQuiet: 3,
  manyBusy: 3,
  manySeconds: 2,
  manyScale: 3,
  manyQuietSeconds: 2,
};

/** What a measure runs with. */
export interface BenchContext {
  sizes: Sizes;
  /** The peer, or null when it is skipped (`--no-pm2`). */
  pm2: Pm2 | null;
  /** A scratch folder, removed after the run. */
  tmp: string;
  /** Reports progress on stderr. */
  note(message: string): void;
}

/**
 * One row of the results table. Values are in `unit`; null means not measured (see `note`).
 * `pm2` and `limit` are absent where the comparison does not apply.
 */
export interface Result {
  measure: string;
  unit: string;
  persistproc: number | null;
  pm2?: number | null;
  limit?: number | null;
  target: string;
  /** Whether the target was met; null where there is no target or nothing to judge. */
  met: boolean | null;
  note?: string;
}

/** A measure: takes the context, returns its rows. */
export type Measure = (ctx: BenchContext) => Promise<Result[]>;

/**
 * How a process's end reads and which exit code the CLI passes on: the process's own code,
 * or 128 + the signal number when a signal ended it, as shells do.
 */

import { nodeOs, type ProcessInfo } from "../core/mod.ts";

type Ending = Pick<ProcessInfo, "exit_code" | "exit_signal"> & { sigkill_needed?: boolean };

/** The exit code that stands for how the process ended. */
export function exitCodeOf(process: Ending): number {
  if (process.exit_code !== null) return process.exit_code;
  if (process.exit_signal !== null) {
    // node:os is loaded only here (see core/node_builtins.ts).
    const number = (nodeOs().constants.signals as Record<string, number>)[process.exit_signal];
    return 128 + (number ?? 0);
  }
  return 1;
}

/**
 * How the process ended, in words: `exited with code 3`, `killed by SIGTERM`; after a stop whose
 * tree outlived SIGTERM, that SIGKILL was needed (the pid's own ending may be a shell's that
 * SIGTERM ended while the program under it held on).
 */
export function describeEnding(process: Ending): string {
  if (process.sigkill_needed) return "SIGTERM did not end it, SIGKILL did";
  // Some platforms report both a signal and the shell-style code 128 + N: the signal says more.
  if (process.exit_signal !== null) return `killed by ${process.exit_signal}`;
  if (process.exit_code !== null) return `exited with code ${process.exit_code}`;
  return "ended";
}

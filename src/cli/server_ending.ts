/**
 * How the CLI says that a server stopped and what became of its processes: the foreground
 * server's last line, and what `persistproc shutdown` reports.
 */

import type { ProcessInfo } from "../core/mod.ts";
import type { ServerEnding } from "../server/run_server.ts";
import { displayName } from "./process_name.ts";

/** How many processes a line names before it only counts the rest. */
const NAMED_AT_MOST = 5;

/**
 * The server's last line: why it stopped and what it did with the processes it ran:
 * `persistproc server on port 8947 stopped (SIGINT); it stopped 2 processes: 'web' (PID 12345), ...`.
 */
export function describeServerEnding(port: number, ending: ServerEnding): string {
  const why = ending.reason === "request" ? "shutdown requested" : ending.reason;
  return `persistproc server on port ${port} stopped (${why}); ${whatItStopped(ending)}`;
}

/**
 * What a server did with the processes that ran when it was asked to stop (`stopped`), of
 * which `leftRunning` did not end in time (null: not known).
 */
export function whatItStopped(
  { stopped, leftRunning }: Pick<ServerEnding, "stopped" | "leftRunning">,
): string {
  if (stopped === null) return "which processes ran is not known (see the error above)";
  if (stopped.length === 0) return "no process was running";
  if (leftRunning === null) return `it stopped ${count(stopped.length)}: ${names(stopped)}`;
  const ended = stopped.filter((p) => !leftRunning.includes(p));
  return [
    ...(ended.length ? [`it stopped ${count(ended.length)}: ${names(ended)}`] : []),
    ...(leftRunning.length
      ? [`${count(leftRunning.length)} did not end in time: ${names(leftRunning)}`]
      : []),
  ].join("; ");
}

/** `'web' (PID 12345), 'api' (PID 12346)`, at most five, then how many more. */
function names(processes: ProcessInfo[]): string {
  const named = processes.slice(0, NAMED_AT_MOST).map((p) => `${displayName(p)} (PID ${p.pid})`);
  const more = processes.length - NAMED_AT_MOST;
  return named.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

function count(n: number): string {
  return `${n} process${n === 1 ? "" : "es"}`;
}

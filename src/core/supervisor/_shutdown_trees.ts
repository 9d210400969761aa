/**
 * The server's last stop: every managed tree at once, each bounded in time, then every output
 * closed. Internal to the Supervisor's shutdown, which saves the state once after it.
 */
import { logger } from "../logger.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { shareLooks } from "../process/tree_marker.ts";

/**
 * Stops every entry's tree (SIGTERM, SIGKILL after `graceMs`) in parallel and closes their
 * output. A tree that will not stop, or an output that will not close, is logged and left
 * behind after its bound: it never keeps the others running or the server from ending.
 */
export async function stopEveryTree(
  entries: readonly ManagedProcess[],
  { graceMs, killWaitMs }: { graceMs: number; killWaitMs: number },
): Promise<void> {
  // Not queued: a shutdown does not wait for a restart under way (which then does not launch).
  // No port report either: nobody is waiting for one. Nothing is spawned any more, so the
  // trees may share their looks at the process table.
  const unshare = shareLooks();
  const results = await Promise.allSettled(
    entries.map((entry) =>
      settledWithin(
        entry.stop({ graceMs, killWaitMs, shutdown: true }),
        graceMs + killWaitMs + 500,
      )
    ),
  ).finally(unshare);
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      logger.error(`Stopping "${entries[i].spec.label}" during shutdown`, result.reason);
    }
  });
  for (const entry of entries) {
    try {
      entry.output.close();
    } catch (error) {
      logger.error(`Closing the output of "${entry.spec.label}" during shutdown`, error);
    }
  }
}

/** `work`, or a rejection naming the bound once `ms` have passed without it settling. */
function settledWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Not done after ${ms} ms; left behind`)), ms);
  });
  work.catch(() => {}); // still owned once left behind
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

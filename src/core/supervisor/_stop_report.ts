/**
 * A stop that reports on ports: the ports a tree listened on are noted before it is stopped,
 * and afterwards each is said to be free or still held, and by whom.
 */
import { logger } from "../logger.ts";
import type { ManagedProcess, RunStopOptions } from "../process/managed_process.ts";
import { listeningPorts } from "../ports/listeners.ts";
import { portsAfterStop } from "../ports/conflict.ts";
import type { ProcessInfo, StopReport } from "../types.ts";

/** The report without its empty lists: what a restart adds to its result. */
export function nonEmptyReport(report: StopReport): Partial<StopReport> {
  const { freed_ports, held_ports, ...rest } = report;
  return {
    ...(freed_ports.length > 0 ? { freed_ports } : {}),
    ...(held_ports.length > 0 ? { held_ports } : {}),
    ...rest,
  };
}

/**
 * Stops one entry's tree (see ManagedProcess.stop) and reports on the ports it held; a port
 * still held is also logged, since a restart or shutdown has no caller to tell. `managed` lists
 * every managed process, to name a holder among them.
 */
export async function stopAndReport(
  entry: ManagedProcess,
  options: RunStopOptions,
  managed: () => ProcessInfo[],
): Promise<StopReport> {
  const pids = entry.treePids();
  const ports = pids.length === 0
    ? []
    : (await listeningPorts([entry.pid], () => pids)).get(entry.pid) ?? [];
  const signal = await entry.stop(options);
  const report = await portsAfterStop(ports, managed());
  // Asked for at once (force), SIGKILL was not needed: it was chosen.
  if (signal === "SIGKILL" && !options.force) report.sigkill_needed = true;
  for (const held of report.held_ports) {
    logger.error(
      `Port ${held.port} of "${entry.spec.label}" is still held after its stop, by ${
        held.command ?? "a process"
      }${held.pid === null ? "" : ` (PID ${held.pid})`}`,
    );
  }
  return report;
}

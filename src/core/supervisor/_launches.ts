/**
 * The three ways a run begins: a start launches a spec under its label, a restart stops an
 * entry's run and launches it again, and autorestart relaunches an entry whose delay is over.
 * Each is queued on its entry like any other operation. Internal to the Supervisor, which owns
 * what they work on (see Launching).
 */
import { AlreadyRunningError, ShuttingDownError } from "../errors.ts";
import type { StopOptions } from "../hub.ts";
import type { HubEvents } from "../events/hub_events.ts";
import { logger } from "../logger.ts";
import type { Autorestarter } from "../process/autorestart.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { ProcessSpec } from "../process/process_spec.ts";
import type { TreeWatch } from "../process/tree_watch.ts";
import type { AutorestartPolicy, StopReport } from "../types.ts";
import { newProcess } from "./_new_process.ts";
import type { Registry } from "./_registry.ts";
import { nonEmptyReport, stopAndReport } from "./_stop_report.ts";
import type { SupervisorOptions } from "./supervisor_options.ts";

/** What a launch works on: the Supervisor's own parts. */
export interface Launching {
  readonly options: Required<SupervisorOptions>;
  readonly registry: Registry;
  readonly events: HubEvents;
  readonly autorestart: Autorestarter;
  readonly trees: TreeWatch;
  /** True once the server is shutting down: nothing is launched any more. */
  shuttingDown(): boolean;
  /** Registers a new entry (its output and changes keep its tree watched). */
  track(entry: ManagedProcess): ManagedProcess;
}

/**
 * Launches a spec. Refuses, naming the pid, when a running process has the same label. The
 * label check and the spawn happen in one synchronous step, so concurrent starts of the same
 * label cannot both succeed.
 */
export async function launchSpec(
  parts: Launching,
  spec: ProcessSpec,
  autorestart?: AutorestartPolicy,
): Promise<ManagedProcess> {
  assertOpen(parts);
  const { registry, options } = parts;
  const label = spec.label;
  // Output a run left while no server watched must be stored before the spool is reused.
  await registry.byLabel(label)?.recovery?.catch(() => {});
  assertOpen(parts);
  // Registered before anything is spawned, so that a concurrent start of the same label
  // queues behind this one and then finds it running.
  const existing = registry.byLabel(label);
  const entry = existing ?? parts.track(
    parts.events.added(newProcess(spec, options.dataDir, options.logMaxBytes)),
  );
  return await entry.enqueue(async () => {
    if (registry.byLabel(label) !== entry) return launchSpec(parts, spec, autorestart); // removed meanwhile
    assertOpen(parts);
    if (entry.status === "running") throw new AlreadyRunningError(label, entry.pid);
    parts.autorestart.cancel(entry);
    const before = entry.spec;
    entry.spec = spec;
    try {
      await entry.launch(() => registry.saveOrThrow());
    } catch (error) {
      entry.spec = before;
      if (!existing && entry.state === "idle" && entry.pid === 0) {
        registry.remove(entry); // it never ran
        registry.save();
      }
      throw error;
    }
    parts.autorestart.set(entry, autorestart ?? "no");
    registry.prune(options.maxEnded);
    // Saved before the caller is answered: its policy must outlive a crash right after.
    registry.flush();
    started(parts, entry);
    parts.events.launched(entry);
    return entry;
  });
}

/**
 * Stops an entry's run, if any, and launches it again as it was; resolves with what its stop
 * found of its ports. A stop asked for meanwhile wins: nothing is launched again.
 */
export async function restartEntry(
  parts: Launching,
  entry: ManagedProcess,
  options: StopOptions,
): Promise<Partial<StopReport>> {
  assertOpen(parts);
  const stops = entry.stops;
  return await entry.enqueue(async () => {
    assertOpen(parts);
    parts.autorestart.cancel(entry);
    await entry.recovery?.catch(() => {});
    let report: Partial<StopReport>;
    try {
      const { stopGraceMs: graceMs, killWaitMs } = parts.options;
      const stopOptions = { graceMs, killWaitMs, force: options.force, relaunch: true };
      report = nonEmptyReport(await stopAndReport(entry, stopOptions, () => parts.registry.list()));
      assertOpen(parts);
      // A stop asked for since this restart was: it wins, nothing is launched again.
      if (entry.stops !== stops) {
        entry.emit({ type: "exit", process: entry.info(), restarting: false });
        return report;
      }
      await entry.launch(() => parts.registry.saveOrThrow(), "restart");
    } catch (error) {
      // Followers were told a start would follow; tell them none will.
      entry.emit({ type: "exit", process: entry.info(), restarting: false });
      throw error;
    }
    started(parts, entry);
    parts.events.launched(entry, options.by ?? null);
    return report;
  });
}

/** Launches an entry whose autorestart delay is over; a failure is logged. */
export function relaunchEntry(parts: Launching, entry: ManagedProcess): void {
  entry.enqueue(async () => {
    if (parts.shuttingDown() || entry.state !== "backoff") return;
    parts.autorestart.launched(entry);
    try {
      await entry.launch(() => parts.registry.saveOrThrow(), "autorestart");
    } catch (error) {
      entry.leaveBackoff("failed");
      throw error;
    }
    started(parts, entry);
    parts.events.launched(entry, "autorestart");
  }).catch((error) => logger.error(`Autorestart of "${entry.spec.label}" failed`, error));
}

/** After a launch: its tree is looked at soon, and followers learn of the new run. */
function started(parts: Launching, entry: ManagedProcess): void {
  parts.trees.watch(true);
  entry.emit({ type: "start", process: entry.info() });
}

function assertOpen(parts: Launching): void {
  if (parts.shuttingDown()) throw new ShuttingDownError();
}

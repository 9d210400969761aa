/**
 * Start and wait in one call: a start or restart that returns once the program is ready (its
 * port listens, a log line appeared, a URL answers), at once when it exits first, or at a
 * timeout, with what an agent needs to act on the outcome without another request. The
 * conditions are parsed in conditions.ts, waited for in ready_wait.ts and, when unmet, explained
 * by not_ready_report.ts.
 */
import { withAssignedPort } from "../ports/assign.ts";
import { assertPortFree } from "../ports/conflict.ts";
import { listeningPorts } from "../ports/listeners.ts";
import {
  type Conditions,
  describeConditions,
  parseConditions,
  type ReadyConditions,
  withPort,
} from "./conditions.ts";
import { type ReadyOutcome, type WaitOptions, waitUntilReady } from "./ready_wait.ts";
import { AlreadyRunningError, InvalidArgumentError } from "../errors.ts";
import { type Hub, type StopOptions, treesOf } from "../hub.ts";
import type { ProcessInfo, ProcessTarget, StartRequest, StopReport } from "../types.ts";

/** What a start or restart returns: the process, its listening ports, and the wait, if any. */
export interface ControlOutcome {
  process: ProcessInfo;
  ports: number[];
  wait: ReadyOutcome | null;
  /** Set when a start found the label running and kept it (`if_running: "keep"`). */
  already_running?: boolean;
  /** After a restart: what stopping the old run found of its ports (see Hub.restart). */
  released?: Partial<StopReport>;
}

/**
 * What a start does when the label already runs: refuse, naming its PID (`error`, the
 * default), return the running one as it is (`keep`), or restart it (`restart`).
 */
export type IfRunning = "error" | "keep" | "restart";

/** How a start goes when the label runs, and whether it assigns a port. */
export interface StartOptions {
  /** What to do when the label already runs (default "error"). */
  ifRunning?: IfRunning;
  /** The variable in which to pass an assigned port, e.g. "PORT" (see ports/assign.ts). */
  assignPort?: string;
}

/**
 * Starts a command and, when conditions are given, waits until it is ready. A port that
 * another process already holds is refused before spawning (PortConflictError names it).
 * When the label already runs, `ifRunning` decides; the wait then applies to the process kept
 * or restarted.
 */
export async function startWhenReady(
  hub: Hub,
  request: StartRequest,
  raw: ReadyConditions,
  options: WaitOptions = {},
  how: StartOptions = {},
): Promise<ControlOutcome> {
  const ifRunning = how.ifRunning ?? "error";
  // Checked before anything is spawned; `true` stands for a port not yet known.
  parseConditions({ ...raw, wait_for_port: raw.wait_for_port === true ? 1 : raw.wait_for_port });
  const running = async (pid: number): Promise<ControlOutcome> => {
    if (ifRunning === "restart") {
      return await restartWhenReady(hub, { pid }, { by: request.started_by }, raw, options);
    }
    const info = await hub.get({ pid });
    const kept = await settle(hub, info, parseConditions(withPort(raw, info)), options);
    return { ...kept, already_running: true };
  };
  const place = await hub.placeOf(request);
  // Found before the port check: a process is never its own port conflict.
  const found = (await hub.list({ command_or_label: place.label }))
    .find((p) => p.label === place.label && p.status === "running");
  if (found && ifRunning !== "error") return await running(found.pid);
  if (found) {
    const wanted = typeof raw.wait_for_port === "number" ? raw.wait_for_port : undefined;
    const ports = wanted === undefined
      ? []
      : (await listeningPorts([found.pid])).get(found.pid) ?? [];
    throw new AlreadyRunningError(place.label, found.pid, { ports });
  }
  if (how.assignPort !== undefined) {
    request = await withAssignedPort(request, how.assignPort, place, await hub.list());
  }
  const assigned = request.assigned_port?.port;
  if (raw.wait_for_port === true && assigned === undefined) {
    throw new InvalidArgumentError(
      "wait_for_port: true waits for the assigned port: give assign_port too",
    );
  }
  const conditions = parseConditions({
    ...raw,
    wait_for_port: raw.wait_for_port === true ? assigned : raw.wait_for_port,
  });
  if (conditions?.port !== undefined && conditions.port !== assigned) {
    await assertPortFree(conditions.port, await hub.list());
  }
  let started: ProcessInfo;
  try {
    started = await hub.start(request);
  } catch (error) {
    // Another caller started the label in the meantime.
    if (ifRunning !== "error" && error instanceof AlreadyRunningError) {
      return await running(error.pid);
    }
    throw error;
  }
  return await settle(hub, started, conditions, options);
}

/** Restarts a process and, when conditions are given, waits until it is ready again. */
export async function restartWhenReady(
  hub: Hub,
  target: ProcessTarget,
  restart: StopOptions,
  raw: ReadyConditions,
  options: WaitOptions = {},
): Promise<ControlOutcome> {
  const current = await hub.get(target);
  const conditions = parseConditions(withPort(raw, current));
  if (conditions?.port !== undefined) {
    const ownGroup = current.status === "running" ? current.pid : undefined;
    await assertPortFree(conditions.port, await hub.list(), ownGroup);
  }
  const { freed_ports, held_ports, ...restarted } = await hub.restart(target, restart);
  const outcome = await settle(hub, restarted, conditions, options);
  const released = { ...(freed_ports && { freed_ports }), ...(held_ports && { held_ports }) };
  return { ...outcome, released };
}

async function settle(
  hub: Hub,
  started: ProcessInfo,
  conditions: Conditions | null,
  options: WaitOptions,
): Promise<ControlOutcome> {
  const wait = conditions ? await waitUntilReady(hub, started, conditions, options) : null;
  // By label: another caller may have restarted it meanwhile, giving it another pid.
  const process = await hub.get({ command_or_label: started.label });
  if (conditions && wait?.ready) await hub.noteReady(process.pid, describeConditions(conditions));
  const ports = process.status === "running"
    ? (await listeningPorts([process.pid], await treesOf(hub, [process.pid]))).get(process.pid) ??
      []
    : [];
  return { process, ports, wait };
}

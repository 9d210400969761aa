/**
 * The start and restart verbs with their waits: a start or restart that returns once the
 * program is ready (its port listens, a log line appeared, a URL answers), at once when it
 * exits first, or at a timeout, with what an agent needs to act on the outcome without another
 * request. The conditions are parsed in conditions.ts, waited for in ready_wait.ts and, when
 * unmet, explained by not_ready_report.ts. Each verb resolves its target once and works on the
 * entry it found (see ../supervision.ts).
 */
import { withAssignedPort } from "../ports/assign.ts";
import { assignedPortNote, type PortFlags, portFlagsFor } from "../ports/port_flags.ts";
import { assertPortFree } from "../ports/conflict.ts";
import { listeningPorts } from "../ports/listeners.ts";
import { type Conditions, describeConditions, parseConditions, withPort } from "./conditions.ts";
import { waitUntilReady } from "./ready_wait.ts";
import { AlreadyRunningError, InvalidArgumentError } from "../errors.ts";
import type { RestartOptions, StartResult, WaitOptions } from "../hub.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import type { ProcessTarget, ReadyConditions, StartRequest } from "../types.ts";

/**
 * Starts a command and, when conditions are given, waits until it is ready. A port that
 * another process already holds is refused before spawning (PortConflictError names it).
 * When the label already runs, `if_running` decides; the wait then applies to the process kept
 * or restarted.
 */
export async function startWhenReady(
  core: Supervision,
  request: StartRequest,
  options: WaitOptions = {},
): Promise<StartResult> {
  const { if_running: ifRunning = "error", assign_port: assignPort } = request;
  const raw = conditionsOf(request);
  // Checked before anything is spawned; `true` stands for a port not yet known.
  parseConditions({ ...raw, wait_for_port: raw.wait_for_port === true ? 1 : raw.wait_for_port });
  const running = async (entry: ManagedProcess): Promise<StartResult> => {
    if (ifRunning === "restart") {
      return await restartEntry(core, entry, { ...raw, by: request.started_by }, options);
    }
    const kept = await settle(entry, parseConditions(withPort(raw, entry.info())), options, core);
    return { ...kept, already_running: true };
  };
  let spec = await core.specOf(request);
  // Found before the port check: a process is never its own port conflict.
  const found = core.byLabel(spec.label);
  if (found?.status === "running") {
    if (ifRunning !== "error") return await running(found);
    const wanted = typeof raw.wait_for_port === "number" ? raw.wait_for_port : undefined;
    const ports = wanted === undefined
      ? []
      : (await listeningPorts([found.pid])).get(found.pid) ?? [];
    throw new AlreadyRunningError(spec.label, found.pid, { ports });
  }
  let flags: PortFlags | null = null;
  if (assignPort !== undefined) {
    const portSpec = await withAssignedPort(spec, assignPort, spec, core.records());
    spec = portSpec;
    // A server that ignores the variable also gets the port as its flag, under the same label.
    flags = portFlagsFor(request.command, spec.working_directory, portSpec.assigned_port.port);
    if (flags) {
      const command = `${request.command.trim()} ${flags.appended}`;
      const { command_line, argv } = await core.specOf({ ...request, command, label: spec.label });
      spec = { ...spec, command_line, argv };
    }
  }
  const assigned = spec.assigned_port?.port;
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
    await assertPortFree(conditions.port, core.records(), undefined, spec.working_directory);
  }
  let entry: ManagedProcess;
  try {
    entry = await core.launch(spec, request.autorestart);
  } catch (error) {
    // Another caller started the label in the meantime.
    if (ifRunning !== "error" && error instanceof AlreadyRunningError) {
      return await running(core.byLabel(spec.label) ?? core.resolve({ pid: error.pid }));
    }
    throw error;
  }
  return await settle(entry, conditions, options, core, flags);
}

/** Restarts a process and, when conditions are given, waits until it is ready again. */
export async function restartWhenReady(
  core: Supervision,
  target: ProcessTarget,
  restart: RestartOptions = {},
  options: WaitOptions = {},
): Promise<StartResult> {
  return await restartEntry(core, core.resolve(target), restart, options);
}

async function restartEntry(
  core: Supervision,
  entry: ManagedProcess,
  restart: RestartOptions,
  options: WaitOptions,
): Promise<StartResult> {
  const current = entry.info();
  const conditions = parseConditions(withPort(conditionsOf(restart), current));
  if (conditions?.port !== undefined) {
    const ownGroup = current.status === "running" ? current.pid : undefined;
    await assertPortFree(conditions.port, core.records(), ownGroup);
  }
  const { freed_ports, ...released } = await core.restart(entry, {
    force: restart.force,
    by: restart.by,
  });
  const settled = await settle(entry, conditions, options, core);
  // Free now: a port the old run freed that the new run listens on again is in ports alone.
  const free = freed_ports?.filter((port) => !settled.ports.includes(port)) ?? [];
  return { ...settled, ...released, ...(free.length > 0 ? { freed_ports: free } : {}) };
}

/** The wait conditions of a request, alone. */
function conditionsOf(request: ReadyConditions): ReadyConditions {
  const { wait_for_port, wait_for_log, wait_for_url, wait_timeout } = request;
  return { wait_for_port, wait_for_log, wait_for_url, wait_timeout };
}

/** Waits for the conditions, if any, then says where the entry is and where it listens. */
async function settle(
  entry: ManagedProcess,
  conditions: Conditions | null,
  options: WaitOptions,
  core: Supervision,
  flags: PortFlags | null = null,
): Promise<StartResult> {
  const started = entry.info();
  const wait = conditions ? await waitUntilReady(core, entry, started, conditions, options) : null;
  // Read again: another caller may have restarted it meanwhile, giving it another pid.
  const process = entry.info();
  if (conditions && wait?.ready) core.noteReady(entry, describeConditions(conditions));
  // An ended launcher's ports are those of what it left running (a daemon), if anything.
  const ports = process.status === "running" || entry.tree.pids.length > 0
    ? (await listeningPorts([process.pid], () => entry.tree.pids)).get(process.pid) ?? []
    : [];
  const note = assignedPortNote(entry.spec.assigned_port, ports, flags);
  return { ...process, ports, ...wait, ...(note && { port_note: note }) };
}

/**
 * A managed process and its saved record, both ways: what the supervisor writes to the state
 * file for each entry, and what it takes back from a record on restore. The file's format and
 * its reading and writing are ./state_file.ts's; this module only maps fields, checking the
 * shape of those that older files may lack.
 */
import type { AutorestartState } from "../process/autorestart.ts";
import { startEnvironment } from "../process/environment.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { SavedRun } from "../process/process_run.ts";
import type { ProcessSpec } from "../process/process_spec.ts";
import type { TreeMember } from "../process/tree.ts";
import type { ProcessRecord } from "./state_file.ts";

/** The record saved for an entry, with its autorestart state. */
export function toRecord(entry: ManagedProcess, autorestart: AutorestartState): ProcessRecord {
  const info = entry.info();
  return {
    label: info.label,
    command_line: info.command_line,
    argv: info.command,
    working_directory: info.working_directory,
    environment: entry.spec.environment,
    environment_whole: true,
    autorestart: autorestart.policy,
    autorestart_streak: autorestart.streak,
    next_attempt: autorestart.next_attempt,
    pid: info.pid,
    pid_token: entry.pidToken,
    tree: entry.tree.members,
    tree_marker: entry.tree.marker,
    earlier_pids: entry.earlierPids,
    status: info.status,
    start_time: info.start_time,
    end_time: info.end_time,
    exit_code: info.exit_code,
    exit_signal: info.exit_signal,
    restarts: info.restarts,
    started_by: info.started_by,
    port_assignment: entry.spec.assigned_port,
    notify_on_log: entry.spec.notify_on_log ?? null,
    log_dir: entry.output.dir,
    ...(info.ended_by_shutdown ? { ended_by_shutdown: true } : {}),
  };
}

/**
 * What a saved record relaunches with; an old record's variables go on today's baseline (see
 * startEnvironment for `baseEnvironment` and `hiddenVariables`).
 */
export function savedSpec(
  record: ProcessRecord,
  { baseEnvironment, hiddenVariables }: {
    baseEnvironment: Record<string, string>;
    hiddenVariables: string[];
  },
): ProcessSpec {
  return {
    label: record.label,
    command_line: record.command_line,
    argv: record.argv,
    working_directory: record.working_directory,
    environment: startEnvironment(
      { environment: record.environment, inherit: !record.environment_whole },
      baseEnvironment,
      hiddenVariables,
    ),
    started_by: typeof record.started_by === "string" ? record.started_by : null,
    assigned_port: isAssignment(record.port_assignment) ? record.port_assignment : null,
    notify_on_log: typeof record.notify_on_log === "string" ? record.notify_on_log : null,
  };
}

/** The run a record saved, for ManagedProcess.restoreRun. */
export function savedRun(record: ProcessRecord): SavedRun {
  return {
    pid: record.pid,
    status: record.status,
    startTime: new Date(record.start_time),
    endTime: record.end_time ? new Date(record.end_time) : null,
    exitCode: record.exit_code,
    exitSignal: record.exit_signal,
    restarts: record.restarts,
    tree: validMembers(record.tree),
    marker: typeof record.tree_marker === "string" ? record.tree_marker : null,
    endedByShutdown: record.ended_by_shutdown === true,
    earlierPids: Array.isArray(record.earlier_pids)
      ? record.earlier_pids.filter((pid) => Number.isInteger(pid) && pid > 1)
      : [],
  };
}

/** The autorestart state a record saved; a count or time an older file lacks starts afresh. */
export function savedAutorestart(record: ProcessRecord): AutorestartState {
  return {
    policy: record.autorestart,
    streak: Number.isInteger(record.autorestart_streak) ? record.autorestart_streak! : 0,
    next_attempt: typeof record.next_attempt === "string" ? record.next_attempt : null,
  };
}

function isAssignment(value: unknown): value is { variable: string; port: number } {
  const v = value as { variable?: unknown; port?: unknown } | null | undefined;
  return typeof v?.variable === "string" && Number.isInteger(v.port);
}

/** The tree members of a saved record that have the right shape. */
function validMembers(tree: unknown): TreeMember[] {
  return Array.isArray(tree)
    ? tree.filter((m) => Number.isInteger(m?.pid) && m.pid > 1 && typeof m?.token === "string")
    : [];
}

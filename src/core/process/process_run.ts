/**
 * One run of a managed program: its pid and start token, its tree, when it started and ended,
 * and how. A launch begins a new run; a restore takes back the run a previous server saved,
 * and an adoption takes over its pid. What the doors report of a process is mostly its current
 * run (runInfo).
 */
import type { ProcessInfo, ProcessStatus } from "../types.ts";
import type { ProcessSpec } from "./process_spec.ts";
import { ProcessTree, type TreeMember } from "./tree.ts";

/** What is known of one run; see the module comment. */
export interface Run {
  /** Its pid; 0 before any run. */
  pid: number;
  /** Identifies this pid's process against a later one reusing the pid. */
  pidToken: string | null;
  /** Its whole tree as last seen (see ManagedProcess.tree). */
  tree: ProcessTree;
  startTime: Date;
  endTime: Date | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** False when the run ended while it was not this server's child: how is unknown. */
  exitKnown: boolean;
  /** The server's shutdown stopped it. */
  endedByShutdown: boolean;
}

/** A run as a previous server saved it, to take back on restore. */
export interface SavedRun {
  pid: number;
  status: ProcessStatus;
  startTime: Date;
  endTime: Date | null;
  exitCode: number | null;
  exitSignal: string | null;
  restarts: number;
  tree: readonly TreeMember[];
  /** The run's tree marker (see ./tree_marker.ts); null when it had none. */
  marker: string | null;
  /** The pids of the process's earlier runs, newest last. */
  earlierPids: number[];
  /** The server's shutdown stopped it. */
  endedByShutdown: boolean;
}

/**
 * A run beginning now as `pid` (0: none yet) with the tree marker it was given, with nothing
 * known yet of its end.
 */
export function newRun(pid: number, pidToken: string | null, marker: string | null = null): Run {
  return {
    pid,
    pidToken,
    tree: new ProcessTree(pid, pidToken, [], marker),
    startTime: new Date(),
    endTime: null,
    exitCode: null,
    exitSignal: null,
    exitKnown: true,
    endedByShutdown: false,
  };
}

/**
 * The run a previous server saved; its pid's token is not known, so what it left running is
 * checked against the members' own start tokens before any use.
 */
export function restoredRun(saved: SavedRun): Run {
  return {
    pid: saved.pid,
    pidToken: null,
    tree: new ProcessTree(saved.pid, null, saved.tree, saved.marker),
    startTime: saved.startTime,
    endTime: saved.endTime,
    exitCode: saved.exitCode,
    exitSignal: saved.exitSignal,
    exitKnown: true,
    endedByShutdown: saved.endedByShutdown,
  };
}

/**
 * A restored run taken over as `pid` (still running, not this server's child): its times stay,
 * and how it ends cannot be known.
 */
export function adoptedRun(
  run: Run,
  pid: number,
  pidToken: string,
  members: readonly TreeMember[],
): Run {
  const tree = new ProcessTree(pid, pidToken, members, run.tree.marker);
  return { ...run, pid, pidToken, tree, exitKnown: false };
}

/** Records that the run has just ended, with the exit code or signal it ended with. */
export function endRun(run: Run, status: { code: number | null; signal: string | null }): void {
  run.endTime = new Date();
  run.exitCode = status.code;
  run.exitSignal = status.signal;
}

/**
 * The record the doors report of a process whose current run is `run`; `output` says where its
 * output is kept and whether storing it fails.
 */
export function runInfo(
  run: Run,
  spec: ProcessSpec,
  status: ProcessStatus,
  restarts: number,
  output: { dir: string; error: string | null; warning: string | null },
): ProcessInfo {
  const { error, warning } = output;
  return {
    pid: run.pid,
    label: spec.label,
    command_line: spec.command_line,
    command: spec.argv,
    working_directory: spec.working_directory,
    status,
    start_time: run.startTime.toISOString(),
    end_time: run.endTime?.toISOString() ?? null,
    exit_code: run.exitCode,
    exit_signal: run.exitSignal,
    restarts,
    started_by: spec.started_by,
    assigned_port: spec.assigned_port?.port ?? null,
    log_dir: output.dir,
    ...(run.endedByShutdown && status !== "running" ? { ended_by_shutdown: true as const } : {}),
    ...(error ? { log_error: error } : {}),
    ...(warning ? { log_warning: warning } : {}),
  };
}

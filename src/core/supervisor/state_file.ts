/**
 * The registry on disk: what the server manages, saved atomically on every change so a server
 * that dies (even by SIGKILL) can be started again and pick its processes back up.
 */
import { logger } from "../logger.ts";
import {
  AUTORESTART_POLICIES,
  type AutorestartPolicy,
  PROCESS_STATUSES,
  type ProcessInfo,
} from "../types.ts";

export type { AutorestartPolicy };

/** One process as saved: its reported fields, plus what a restore needs to take it back. */
export interface ProcessRecord extends
  Pick<
    ProcessInfo,
    | "label"
    | "command_line"
    | "working_directory"
    | "pid"
    | "status"
    | "start_time"
    | "end_time"
    | "exit_code"
    | "exit_signal"
    | "restarts"
    | "started_by"
  > {
  argv: string[];
  /**
   * The process's whole environment when `environment_whole` is true; in records written
   * before it existed, only the variables that differed from that server's environment.
   */
  environment: Record<string, string>;
  environment_whole?: boolean;
  autorestart: AutorestartPolicy;
  /** Quick failures in a row so far (see Autorestarter). */
  autorestart_streak?: number;
  /** While it waits to be restarted by its policy: when the next run is due. */
  next_attempt?: string | null;
  /** Start token of the pid, so a reused pid is never taken for ours. */
  pid_token: string | null;
  /**
   * The process's tree as last seen (the program and its descendants, also those that left
   * its group), each with its start token, so a later server stops what it left running.
   */
  tree?: { pid: number; token: string }[];
  /**
   * The run's tree marker, so a later server also finds descendants that escaped unseen (see
   * process/tree_marker.ts); absent in older files.
   */
  tree_marker?: string | null;
  /** The pids of its earlier runs, newest last (absent in older files). */
  earlier_pids?: number[];
  log_dir: string;
  /** The port assigned with `assign_port` and its variable (absent in older files). */
  port_assignment?: { variable: string; port: number } | null;
  /** True when the server's shutdown stopped it (absent in older files and otherwise). */
  ended_by_shutdown?: boolean;
  /** The pattern of log_match events (absent in older files). */
  notify_on_log?: string | null;
}

interface StateFile {
  version: 1;
  processes: ProcessRecord[];
}

/**
 * Writes the records to `path` by writing a temporary file and renaming it over the old one,
 * so a reader (or a crash) never sees half a file. The file is readable by its owner only: the
 * environments in it may hold secrets.
 */
export function saveState(path: string, processes: ProcessRecord[]): void {
  writeState(path, stateText(processes));
}

/** What saveState writes for these records. */
export function stateText(processes: ProcessRecord[]): string {
  const state: StateFile = { version: 1, processes };
  return JSON.stringify(state);
}

/** Writes the text of stateText to `path` as saveState does. */
export function writeState(path: string, text: string): void {
  const temporary = `${path}.tmp-${Deno.pid}`;
  try {
    Deno.writeTextFileSync(temporary, text, { mode: 0o600 });
    // A file left by an earlier failure keeps its old mode; the environments must stay private.
    if (Deno.build.os !== "windows") Deno.chmodSync(temporary, 0o600);
    Deno.renameSync(temporary, path);
  } catch (error) {
    // A failed write (a full disk) must not leave an empty or partial temporary file behind.
    try {
      Deno.removeSync(temporary);
    } catch { /* never created, or already renamed */ }
    throw error;
  }
}

/**
 * Reads the saved records. A missing file is an empty registry; an unreadable one is moved
 * aside (kept for inspection, named in the server log) and also reads as empty.
 */
export function loadState(path: string): ProcessRecord[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  try {
    const state = JSON.parse(text) as StateFile;
    if (state?.version !== 1 || !Array.isArray(state.processes)) {
      throw new Error("unknown format");
    }
    const valid = state.processes.filter(isRecord);
    if (valid.length < state.processes.length) {
      logger.error(
        `The state file ${path} has ${
          state.processes.length - valid.length
        } unreadable record(s); they are left out`,
      );
    }
    return valid;
  } catch (error) {
    const aside = `${path}.corrupt-${Date.now()}`;
    Deno.renameSync(path, aside);
    logger.error(`The state file ${path} could not be read; moved it to ${aside}`, error);
    return [];
  }
}

/** Whether a saved record has every field a restore relies on, with the right types. */
function isRecord(value: unknown): value is ProcessRecord {
  const r = value as Partial<ProcessRecord> | null;
  return typeof r === "object" && r !== null && typeof r.label === "string" &&
    typeof r.command_line === "string" && Array.isArray(r.argv) &&
    r.argv.every((arg) => typeof arg === "string") && r.argv.length > 0 &&
    typeof r.working_directory === "string" && typeof r.log_dir === "string" &&
    typeof r.environment === "object" && r.environment !== null &&
    Number.isInteger(r.pid) && typeof r.start_time === "string" &&
    (PROCESS_STATUSES as readonly unknown[]).includes(r.status) &&
    AUTORESTART_POLICIES.includes(r.autorestart as AutorestartPolicy) &&
    Number.isInteger(r.restarts);
}

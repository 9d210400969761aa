/**
 * The records the supervisor hands to its doors. Field names are snake_case because they are
 * the wire format shared by the MCP tools, the HTTP API and `--format json`, kept compatible
 * with persistproc 0.2. A record's type is inferred from its zod schema (src/core/wire/), the
 * one source of each wire shape; the choices here are plain lists, so that a module using them
 * does not load zod.
 */
import type { z } from "zod";
import type { listedProcessSchema, processInfoSchema, stopReportSchema } from "./wire/process.ts";

/** Where a managed process can be in its life: every door's status enum comes from here. */
export const PROCESS_STATUSES = ["running", "exited", "stopped", "failed"] as const;

/** Where a managed process is in its life. */
export type ProcessStatus = typeof PROCESS_STATUSES[number];

/** Which captured stream to read. */
export type StreamName = typeof STREAM_NAMES[number];

/** The captured streams that can be read: each alone, or both in arrival order. */
export const STREAM_NAMES = ["stdout", "stderr", "combined"] as const;

/** A snapshot of one managed process, as every door reports it (see wire/process.ts). */
export type ProcessInfo = z.infer<typeof processInfoSchema>;

/** How a caller names a process: a pid, else a label, else a command (+ directory). */
export interface ProcessTarget {
  pid?: number;
  command_or_label?: string;
  working_directory?: string;
}

/** What `list` narrows on: a target's fields, and who started the process. */
export interface ProcessFilter extends ProcessTarget {
  /** A client's name (any version) or `name/version`, `cli` or `dashboard`. */
  started_by?: string;
  /** Only processes with this status, or one of these. */
  status?: ProcessStatus | ProcessStatus[];
}

/** The restart policies: never (default), only after a failure, or always. */
export const AUTORESTART_POLICIES = ["no", "on-failure", "always"] as const;

/** Restart policy of a process. */
export type AutorestartPolicy = typeof AUTORESTART_POLICIES[number];

/**
 * What a start does when the label already runs: refuse, naming its PID (`error`, the
 * default), return the running one as it is (`keep`), or restart it (`restart`).
 */
export type IfRunning = typeof IF_RUNNING[number];

/** The choices of `if_running`, the first the default. */
export const IF_RUNNING = ["error", "keep", "restart"] as const;

/** What to wait for after a start or restart, as callers give it; every condition must hold. */
export interface ReadyConditions {
  /** A port, or true: the port assigned to the process (`assign_port`). */
  wait_for_port?: number | true;
  wait_for_log?: string;
  wait_for_url?: string;
  /** Seconds (default 30, at most 300). */
  wait_timeout?: number;
}

/** What `start` needs: the command and where, how to treat a running label, and what to wait for. */
export interface StartRequest extends ReadyConditions {
  command: string;
  working_directory: string;
  environment?: Record<string, string>;
  /**
   * True (default): `environment` goes on top of the server's baseline environment. False:
   * the process gets exactly `environment` (the CLI sends its caller's whole environment).
   */
  inherit_environment?: boolean;
  label?: string;
  /** Restart it when it ends: never (default), only after a failure, or always. */
  autorestart?: AutorestartPolicy;
  /** Who asks for it, as `ProcessInfo.started_by` reports it. */
  started_by?: string | null;
  /** Output lines matching this pattern (RE2) become `log_match` events. */
  notify_on_log?: string | null;
  /** What to do when the label already runs (default "error"). */
  if_running?: IfRunning;
  /** The variable in which to pass an assigned port, e.g. "PORT" (see ports/assign.ts). */
  assign_port?: string;
}

/** A process as `list` gives it: with the TCP ports its tree listens on. */
export type ListedProcess = z.infer<typeof listedProcessSchema>;

/** What `output` reads. */
export interface OutputQuery extends ProcessTarget {
  stream?: StreamName;
  lines?: number;
  since_time?: string;
  before_time?: string;
}

/**
 * The lines `output` returns, newest last, as the program printed them (in the combined
 * stream a stderr line starts with `[err] `).
 */
export interface OutputResult {
  pid: number;
  label: string;
  status: ProcessStatus;
  stream: StreamName;
  output: string[];
}

/** One event of a process's life, as followers see it. */
export type ProcessEvent =
  | { type: "line"; stream: "stdout" | "stderr"; time: string; text: string }
  /** The newest frame of a line still being redrawn with `\r`; stored as a line once it ends. */
  | { type: "frame"; stream: "stdout" | "stderr"; time: string; text: string }
  | { type: "start"; process: ProcessInfo }
  | { type: "exit"; process: ProcessInfo; restarting: boolean };

/** What a stop found about the ports its process tree had been listening on. */
export type StopReport = z.infer<typeof stopReportSchema>;

/** What a managed process is launched with, kept so that every restart launches the same. */

/** What is needed to (re)launch a process. */
export interface ProcessSpec {
  label: string;
  command_line: string;
  argv: string[];
  working_directory: string;
  /** The process's whole environment, computed at its start and reused by every restart. */
  environment: Record<string, string>;
  /** Who started it (see ProcessInfo.started_by). */
  started_by: string | null;
  /** The port assigned to it and the variable passing it, or null. */
  assigned_port: { variable: string; port: number } | null;
  /** A pattern whose matching output lines become log_match events, or null. */
  notify_on_log?: string | null;
}

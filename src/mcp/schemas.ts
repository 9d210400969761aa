/**
 * The zod schemas of the MCP tools' inputs and outputs. Every field is described, because the
 * description is all an agent sees when it decides what to send.
 */
import { z } from "zod";

const pid = z.number().int().positive().describe(
  "PID of a managed process (as shown by list). Takes precedence over command_or_label.",
);
const commandOrLabel = z.string().min(1).max(10_000);
const workingDirectory = z.string().min(1).max(4_096);

/** ProcessInfo, as list and ctrl return it. */
export const processInfoSchema = z.object({
  pid: z.number().describe("Current PID (changes on restart)"),
  label: z.string().describe("Unique name among running processes"),
  command_line: z.string().describe("The command as given"),
  command: z.array(z.string()).describe("The argv executed; shell commands run under /bin/sh -c"),
  working_directory: z.string().describe("Absolute real path it runs in"),
  status: z.enum(["running", "exited", "stopped", "failed"]).describe(
    "running; exited (ended on its own, code 0); stopped (by a stop request); failed (non-zero code or signal)",
  ),
  start_time: z.string().describe("UTC ISO-8601 time of the latest start"),
  end_time: z.string().nullable().describe("UTC ISO-8601 time it ended, or null while running"),
  exit_code: z.number().nullable().describe("Exit code once ended (128+n when killed by signal n)"),
  exit_signal: z.string().nullable().describe("Signal that ended it, e.g. SIGTERM, or null"),
  restarts: z.number().describe("How many times it was restarted"),
  log_stdout: z.string().describe("Path of the stdout log file"),
  log_stderr: z.string().describe("Path of the stderr log file"),
  log_combined: z.string().describe("Path of the combined (stdout+stderr, arrival order) log file"),
});

/** Input of `ctrl`. */
export const ctrlInput = {
  action: z.enum(["start", "stop", "restart"]).describe(
    "start a new process; stop one (SIGTERM to its whole process group, SIGKILL after 8 s); restart one (stop if running, then start again with the same command, directory, environment and label)",
  ),
  pid: pid.optional(),
  command_or_label: commandOrLabel.optional().describe(
    "start: the command to run, e.g. 'npm run dev' (shell syntax such as && | > $VAR runs under /bin/sh -c). stop/restart: the label or command of the process, if no pid is given.",
  ),
  working_directory: workingDirectory.optional().describe(
    "start: required, absolute path of the directory to run in. stop/restart: narrows a command match.",
  ),
  environment: z.record(z.string(), z.string()).optional().describe(
    "start: environment variables to set on top of the server's environment",
  ),
  force: z.boolean().optional().describe("stop/restart: SIGKILL at once instead of SIGTERM first"),
  autorestart: z.enum(["no", "on-failure", "always"]).optional().describe(
    "start: restart the process when it ends on its own: no (default), on-failure (non-zero exit or signal), always; with exponential backoff, giving up after 10 quick failures in a row",
  ),
  label: z.string().min(1).max(1_000).optional().describe(
    "start: a name for the process (default '<command> in <working_directory>'); a running process with the same label makes start fail",
  ),
};

/** Output of `ctrl`. */
export const ctrlOutput = {
  action: z.enum(["start", "stop", "restart"]).describe("The action performed"),
  pid: z.number().describe("PID of the process (the new one after start/restart)"),
  label: z.string().describe("Label of the process"),
  status: processInfoSchema.shape.status,
  exit_code: processInfoSchema.shape.exit_code,
  exit_signal: processInfoSchema.shape.exit_signal,
  log_stdout: processInfoSchema.shape.log_stdout,
  log_stderr: processInfoSchema.shape.log_stderr,
  log_combined: processInfoSchema.shape.log_combined,
  process: processInfoSchema.describe("Full record of the process"),
};

/** Input of `list`. */
export const listInput = {
  pid: pid.optional().describe("Only the process with this PID"),
  command_or_label: commandOrLabel.optional().describe("Only processes with this label or command"),
  working_directory: workingDirectory.optional().describe(
    "Only processes running in this directory",
  ),
};

/** Output of `list`. */
export const listOutput = {
  processes: z.array(processInfoSchema).describe(
    "Managed processes, oldest start first; ended ones stay listed (the last 50)",
  ),
};

/** Input of `output`. */
export const outputInput = {
  pid: pid.optional(),
  command_or_label: commandOrLabel.optional().describe(
    "Label or command of the process, if no pid is given",
  ),
  working_directory: workingDirectory.optional().describe("Narrows a command match"),
  stream: z.enum(["stdout", "stderr", "combined"]).optional().describe(
    "Which output to read (default combined: both, in arrival order, each line tagged [stdout] or [stderr])",
  ),
  lines: z.number().int().min(1).max(10_000).optional().describe(
    "How many of the newest matching lines to return (default 100)",
  ),
  since_time: z.string().max(64).optional().describe(
    "Only lines at or after this ISO-8601 time, e.g. 2026-11-22T10:00:00Z (no offset means UTC)",
  ),
  before_time: z.string().max(64).optional().describe(
    "Only lines before this ISO-8601 time (no offset means UTC)",
  ),
};

/** Output of `output`. */
export const outputOutput = {
  pid: z.number().describe("PID of the process"),
  label: z.string().describe("Label of the process"),
  status: processInfoSchema.shape.status,
  stream: z.enum(["stdout", "stderr", "combined"]).describe("The stream read"),
  output: z.array(z.string()).describe(
    "Lines, oldest first, each '<UTC ISO time> <text>' (combined: '<time> [stdout|stderr] <text>')",
  ),
  log_file: z.string().describe("Path of the log file read"),
};

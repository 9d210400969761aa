/**
 * The zod schemas of the MCP tools' outputs: the core's records (src/core/wire/) as compact.ts
 * gives them to an agent, null, empty and default fields left out. Each field's type comes from
 * the core's schema; the description is the tool's.
 */
import { z } from "zod";
import { MAX_ENDED, STOP_GRACE_SECONDS } from "../core/mod.ts";
import { LIST_SCAN_MS } from "../core/ports/mod.ts";
import * as wire from "../core/wire/mod.ts";
import { omittable } from "./omittable.ts";

const info = wire.processInfoSchema.shape;

/**
 * A process, as list and ctrl return it: the core's record (wire.processInfoSchema) with the
 * fields that are null, empty, default or said by another field left out (see compact.ts).
 */
export const processInfoSchema = z.object({
  pid: info.pid.describe("Current PID (changes on restart)"),
  label: info.label.describe("Unique name among running processes"),
  command: omittable(
    info.command_line,
    "The command as given; left out when the label is '<command> in <working_directory>'",
  ),
  working_directory: omittable(
    info.working_directory,
    "Absolute real path it runs in; left out when the label ends with it",
  ),
  status: info.status.describe(
    "running; exited (ended on its own, code 0); stopped (by a stop request); failed (non-zero code or signal)",
  ),
  start_time: omittable(
    info.start_time,
    "While running: UTC ISO-8601 time of the latest start, to the second",
  ),
  end_time: omittable(info.end_time, "Once ended: UTC ISO-8601 time it ended, to the second"),
  exit_code: omittable(
    info.exit_code,
    "failed without a signal: its exit code (exited means 0; a signal n gives 128+n)",
  ),
  exit_signal: omittable(info.exit_signal, "The signal that ended it, e.g. SIGTERM"),
  restarts: omittable(info.restarts, "How many times it was restarted, when it was"),
  started_by: omittable(
    info.started_by,
    "Who started it (an MCP client's name/version, cli or dashboard), when known and not the caller",
  ),
  assigned_port: omittable(
    info.assigned_port,
    "The port assign_port gave it (kept across restarts while free)",
  ),
  ports: omittable(
    wire.portsSchema,
    `TCP ports on which it or any process it started listens (once ended: what it left running); in list, at most ${
      LIST_SCAN_MS / 1000
    } s old`,
  ),
  log_dir: omittable(info.log_dir, "Only when asked: the directory of its stored output"),
  ended_by_shutdown: omittable(
    info.ended_by_shutdown,
    "Only when the server's shutdown stopped it",
  ),
  log_error: omittable(
    info.log_error,
    "Only while output cannot be stored (disk full): why; storing is retried",
  ),
  log_warning: omittable(
    info.log_warning,
    "Only where disk use is bounded by rotation instead of hole punching: why",
  ),
});

/** A listed process: ProcessInfo plus when autorestart will start it again. */
export const listedProcessSchema = processInfoSchema.extend({
  restart_at: omittable(
    info.restart_at,
    "While autorestart waits to start it again (backing off after it ended): the UTC ISO-8601 time of the next attempt",
  ),
});

const holder = wire.portHolderSchema.shape;

/** Who holds a port the process needed. */
const portHolderSchema = z.object({
  port: holder.port.describe("The port"),
  pid: omittable(holder.pid, "PID of the holder, unless the OS hides it"),
  command: omittable(holder.command, "The holder's command line, if known"),
  label: omittable(
    holder.label,
    "Label of the managed process whose tree holds the port, when it is managed",
  ),
});

const stop = wire.stopReportSchema.shape;

const plan = wire.adoptionPlanSchema.shape;

/** What adopting a process started outside persistproc does, or would do. */
export const adoptionSchema = z.object({
  pid: plan.pid.describe("The process whose whole tree is stopped"),
  named_pid: plan.named_pid.describe("The PID named (or holding the port); pid is its launcher"),
  command: plan.command.describe("The command run in its place"),
  working_directory: plan.working_directory.describe("Where it runs"),
  label: plan.label.describe("The label it runs under"),
  environment_variables: omittable(
    plan.environment_variables,
    "How many variables of its environment it gets; absent: unreadable, the server's instead",
  ),
  ports: plan.ports.describe("The ports its tree listened on"),
  wait_for_port: omittable(plan.wait_for_port, "The port waited for after the start"),
  terminal: omittable(
    plan.terminal,
    "The interactive shell it was started from: its terminal sees it end",
  ),
  limits: plan.limits.describe("What could not be read exactly"),
});

const started = wire.startResultSchema.shape;

/** Output of `ctrl`: the process after the action, and what the action or wait found. */
export const ctrlOutput = {
  action: z.literal("adopt").optional().describe("Only for adopt"),
  adopted: z.boolean().optional().describe(
    "adopt: true once done; false when nothing was stopped (no consent yet, or declined)",
  ),
  adoption: adoptionSchema.optional().describe("adopt: what it did, or would do"),
  // Absent only from an adoption not yet agreed to: no process is managed yet.
  ...processInfoSchema.partial().shape,
  freed_ports: omittable(
    stop.freed_ports,
    "stop, restart: ports the (old) process tree listened on that are free now",
  ),
  held_ports: z.array(portHolderSchema).optional().describe(
    "stop, restart: ports the (old) tree listened on that are still held after it, and by whom",
  ),
  sigkill_needed: omittable(
    stop.sigkill_needed,
    `stop, restart: SIGTERM did not end the (old) tree within ${STOP_GRACE_SECONDS} s; SIGKILL did`,
  ),
  autorestart_cancelled: omittable(
    stop.autorestart_cancelled,
    "stop: it had ended and was waiting for autorestart, which will not come now",
  ),
  port_note: omittable(
    started.port_note,
    "With an assigned port: passed also as a flag (a server that ignores the variable), or listened on elsewhere and how to pass it",
  ),
  already_running: omittable(
    started.already_running,
    "if_running keep: the running process was returned instead of a new one",
  ),
  wait_result: omittable(
    started.wait_result,
    "Only when waiting: ready (every wait_for_* held); exited (the process ended first: see exit_code and the tails); timeout (see not_met)",
  ),
  waited_ms: omittable(started.waited_ms, "Only when waiting: how long the call waited"),
  not_met: omittable(
    started.not_met,
    "Conditions not met when the wait ended, e.g. 'port 3000'",
  ),
  matched_line: omittable(started.matched_line, "The output line that matched wait_for_log"),
  port_conflict: portHolderSchema.optional().describe(
    "Exited or timed out because the port is taken: who holds it",
  ),
  stderr_tail: omittable(
    started.stderr_tail,
    "Exited or timed out: the last stderr lines since this start (read these first)",
  ),
  stdout_tail: omittable(
    started.stdout_tail,
    "Exited or timed out: the last stdout lines since this start",
  ),
};

/** Output of `list`. */
export const listOutput = {
  processes: z.array(listedProcessSchema).describe(
    `Managed processes, oldest start first; ended ones stay listed (the last ${MAX_ENDED})`,
  ),
};

const page = wire.waitedOutputPageSchema.shape;

/** Output of `output`: counts and wait fields only when they say something. */
export const outputOutput = {
  pid: page.pid.describe("PID of the process"),
  label: page.label.describe("Label of the process"),
  status: page.status.describe("Its status"),
  stream: page.stream.exclude(["combined"]).optional().describe(
    "The stream read, unless combined",
  ),
  log_dir: omittable(info.log_dir, "Only with log_dir: where its output is stored"),
  wait_result: omittable(
    page.wait_result,
    "Only when waiting: ready (matched_line), exited (exit_code) or timeout",
  ),
  waited_ms: omittable(page.waited_ms, "Only when waiting: how long the call waited"),
  matched_line: omittable(page.matched_line, "The line wait_for_log matched"),
  exit_code: omittable(page.exit_code, "Exited: its exit code, when no signal ended it"),
  exit_signal: omittable(page.exit_signal, "Exited: the signal that ended it"),
  // One text, a newline between lines: fewer bytes than the core's list of lines.
  output: z.string().describe(
    "The lines as printed, oldest first, one per text line; in combined, stderr lines start with '[err] ' and a restart shows as '--- run N (reason) <time> ---'; with grep, '--' separates groups",
  ),
  times: omittable(
    page.times,
    "Only with timestamps: each line's UTC ISO arrival time",
  ),
  matched_lines: omittable(
    page.matched_lines,
    "With grep, unless every line shown is a match and none is left out: lines in the range read that matched (after cursor, in the time window)",
  ),
  omitted_lines: omittable(
    page.omitted_lines,
    "Matched lines not in output because of lines or max_bytes; narrow with grep, cursor or since_time to see them",
  ),
  skipped_lines: omittable(
    page.skipped_lines,
    "Lines after the cursor that were rotated out of the log before they could be read",
  ),
  // Only when true: the core's boolean, said only when it is so.
  search_cut: z.literal(true).optional().describe(
    "The scan stopped at its time budget before the end of the log; call again with next_cursor to go on",
  ),
  next_cursor: page.next_cursor.describe(
    "Pass as cursor to get only lines stored after this call",
  ),
};

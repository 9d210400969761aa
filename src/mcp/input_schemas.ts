/**
 * The zod schemas of the MCP tools' inputs. Each field's type and bounds come from the core's
 * request schemas (src/core/wire/requests.ts), which the JSON API checks with too; what is the
 * tool's own is the description, all an agent sees when it decides what to send, and the few
 * fields only a tool takes (ctrl's action, list's and output's log_dir). Numbers in the words
 * are the core's constants, interpolated.
 */
import { z } from "zod";
import {
  DEFAULT_LINES,
  DEFAULT_MAX_BYTES,
  DEFAULT_WAIT_SECONDS,
  MAX_AUTORESTARTS,
  MAX_WAIT_SECONDS,
  NO_WAIT_LIMIT,
  STOP_GRACE_SECONDS,
} from "../core/mod.ts";
import * as wire from "../core/wire/mod.ts";
import { omittable } from "./omittable.ts";

/** What ctrl does. */
const CTRL_ACTIONS = ["start", "stop", "restart", "adopt"] as const;

const target = wire.processTargetSchema.shape;
const pid = wire.pidSchema.describe("PID; wins over command_or_label").optional();
const start = wire.startRequestSchema.shape;
const adopt = wire.adoptRequestSchema.shape;
const filter = wire.processFilterSchema.shape;
const read = wire.outputWaitRequestSchema.shape;

/** Input of `ctrl`. */
export const ctrlInput = {
  action: z.enum(CTRL_ACTIONS).describe(
    `start; stop (SIGTERM to its whole tree, SIGKILL after ${STOP_GRACE_SECONDS} s); restart (as it was started); adopt (run here a process started elsewhere, by pid or port, once the user agrees)`,
  ),
  pid,
  port: adopt.port.describe("adopt: the port's holder"),
  confirm: adopt.confirm.describe("adopt: the user agreed"),
  command_or_label: target.command_or_label.describe(
    "start: the command, e.g. 'npm run dev' (shell syntax runs under /bin/sh -c). Else: a label or command",
  ),
  working_directory: target.working_directory.describe(
    "start: required, the absolute directory to run in. Else: narrows a command match",
  ),
  environment: start.environment.describe("start: variables added to the server's environment"),
  inherit_environment: start.inherit_environment.describe(
    "start: false: exactly environment, none of the server's",
  ),
  force: wire.stopOptionsSchema.shape.force.describe("stop/restart: SIGKILL at once"),
  autorestart: start.autorestart.describe(
    `start: restart it when it ends: no (default), on-failure, always (backs off; gives up after ${MAX_AUTORESTARTS} quick failures)`,
  ),
  label: start.label.describe("start: a name (default '<command> in <working_directory>')"),
  if_running: start.if_running.describe(
    "start, if the label runs: error (default); keep (return it, already_running: true; waits apply); restart",
  ),
  assign_port: start.assign_port.describe(
    "start: env var (e.g. PORT) to pass a free TCP port in, stable per label and directory",
  ),
  wait_for_port: start.wait_for_port.describe(
    "start/restart: return once this TCP port (true: the assigned one) listens",
  ),
  wait_for_log: start.wait_for_log.describe(
    "start/restart: return once an output line matches this RE2 regex ((?i) ignores case)",
  ),
  notify_on_log: omittable(
    start.notify_on_log,
    "start: RE2 regex; matching lines become log_match events",
  ),
  wait_for_url: start.wait_for_url.describe(
    "start/restart: return once this http(s) URL answers 2xx/3xx",
  ),
  wait_timeout: start.wait_timeout.describe(
    `Seconds to wait (default ${DEFAULT_WAIT_SECONDS}, max ${MAX_WAIT_SECONDS}); also returns when the process exits`,
  ),
};

/** Input of `list`. */
export const listInput = {
  pid: pid.describe("Only this PID"),
  command_or_label: filter.command_or_label.describe("Only this label or command"),
  working_directory: filter.working_directory.describe("Only processes in this directory"),
  started_by: filter.started_by.describe(
    "Only those started by this client (name[/version]), cli or dashboard",
  ),
  status: filter.status.describe("Only these statuses"),
};

/** What `list` takes besides the filter. */
export const listOptions = {
  log_dir: z.boolean().optional().describe("Also return each log_dir"),
};

/** Input of `output`. */
export const outputInput = {
  pid,
  command_or_label: read.command_or_label.describe("Label or command, if no pid"),
  working_directory: read.working_directory.describe("Narrows a command match"),
  stream: read.stream.describe("stdout, stderr or combined (default; stderr lines marked [err])"),
  lines: read.lines.describe(
    `Newest N lines (default ${DEFAULT_LINES}); with grep, the newest N matches`,
  ),
  cursor: read.cursor.describe("next_cursor of an earlier read of this stream: only newer lines"),
  grep: read.grep.describe(
    "Only lines matching this RE2 regex ((?i) ignores case), over the whole log",
  ),
  context: read.context.describe("With grep: lines shown around each match"),
  strip_ansi: read.strip_ansi.describe("Remove terminal escapes (default true)"),
  max_bytes: read.max_bytes.describe(
    `Byte budget (default ${DEFAULT_MAX_BYTES}): the newest lines that fit`,
  ),
  since_time: read.since_time.describe(
    "Only lines at or after this ISO-8601 time (no offset: UTC)",
  ),
  before_time: read.before_time.describe("Only lines before this ISO-8601 time"),
  wait_for_log: read.wait_for_log.describe(
    "First wait for a new line (after this call or cursor) matching this RE2 regex",
  ),
  wait_for_exit: read.wait_for_exit.describe("First wait until the process exits"),
  wait_timeout: read.wait_timeout.describe(
    `Seconds to wait (default ${DEFAULT_WAIT_SECONDS}, max ${MAX_WAIT_SECONDS}, ${NO_WAIT_LIMIT}: no limit); also ends when the process exits`,
  ),
  run: read.run.describe("current: only since the latest (re)start; all (default)"),
  timestamps: read.timestamps.describe("Also return each line's arrival time (times)"),
  log_dir: z.boolean().optional().describe("Also return log_dir"),
};

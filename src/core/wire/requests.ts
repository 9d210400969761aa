/**
 * What callers send the Hub's verbs, as zod schemas with their bounds: the core's request types
 * are inferred from them, the JSON API checks each verb's arguments with them
 * (src/http/hub_routes.ts), and the MCP tools' input schemas take each field from them, adding
 * only the words an agent reads (src/mcp/schemas.ts).
 */
import { z } from "zod";
import { AUTORESTART_POLICIES, IF_RUNNING, OUTPUT_RUNS, STREAM_NAMES } from "../types.ts";
import { MAX_WAIT_SECONDS, NO_WAIT_LIMIT } from "../wait_timeout.ts";
import { MAX_CONTEXT, MAX_LINES, MAX_MAX_BYTES, MAX_PID, MIN_MAX_BYTES } from "./limits.ts";
import { processStatusSchema } from "./process.ts";

/** A process id. */
export const pidSchema = z.number().int().positive().max(MAX_PID);

const commandOrLabel = z.string().min(1).max(10_000);
const pattern = z.string().min(1).max(1_000);
/** Who asks: a client's `name/version`, `cli` or `dashboard`. */
const caller = z.string().min(1).max(400);

/** How a caller names a process: a pid, else a label, else a command (+ directory). */
export const processTargetSchema = z.object({
  pid: pidSchema.optional(),
  command_or_label: commandOrLabel.optional(),
  working_directory: z.string().min(1).max(4_096).optional(),
});

/** What `list` narrows on: a target's fields, and who started the process. */
export const processFilterSchema = processTargetSchema.extend({
  /** A client's name (any version) or `name/version`, `cli` or `dashboard`. */
  started_by: caller.optional(),
  /** Only processes with this status, or one of these. */
  status: z.union([processStatusSchema, z.array(processStatusSchema).min(1)]).optional(),
});

/** What to wait for after a start or restart, as callers give it; every condition must hold. */
export const readyConditionsSchema = z.object({
  /** A port, or true: the port assigned to the process (`assign_port`). */
  wait_for_port: z.union([z.number().int().min(1).max(65_535), z.literal(true)]).optional(),
  wait_for_log: pattern.optional(),
  wait_for_url: z.string().min(1).max(2_000).optional(),
  /** Seconds (default {@link DEFAULT_WAIT_SECONDS}, at most {@link MAX_WAIT_SECONDS}). */
  wait_timeout: z.number().positive().max(MAX_WAIT_SECONDS).optional(),
});

/** What `start` needs: the command and where, how to treat a running label, and what to wait for. */
export const startRequestSchema = readyConditionsSchema.extend({
  command: commandOrLabel,
  working_directory: z.string().max(4_096),
  environment: z.record(z.string(), z.string()).optional(),
  /**
   * True (default): `environment` goes on top of the server's baseline environment. False:
   * the process gets exactly `environment` (the CLI sends its caller's whole environment).
   */
  inherit_environment: z.boolean().optional(),
  label: z.string().min(1).max(1_000).optional(),
  /** Restart it when it ends: never (default), only after a failure, or always. */
  autorestart: z.enum(AUTORESTART_POLICIES).optional(),
  /** Who asks for it, as `ProcessInfo.started_by` reports it. */
  started_by: caller.nullable().optional(),
  /** Output lines matching this pattern (RE2) become `log_match` events. */
  notify_on_log: pattern.nullable().optional(),
  /** What to do when the label already runs (default "error"). */
  if_running: z.enum(IF_RUNNING).optional(),
  /** The variable in which to pass an assigned port, e.g. "PORT" (see ports/assign.ts). */
  assign_port: z.string().min(1).max(100).optional(),
});

/** How a stop (or the stop of a restart) is done. */
export const stopOptionsSchema = z.object({
  /** SIGKILL at once instead of SIGTERM and a grace. */
  force: z.boolean().optional(),
  /** Who asks, as a restart's `restarted` event names them (a client's name, `cli`). */
  by: caller.nullable().optional(),
});

/** How a restart is done: its stop, and what to wait for once it runs again. */
export const restartOptionsSchema = stopOptionsSchema.extend(readyConditionsSchema.shape);

/** What `output` reads: which process and stream, how many lines, which time span. */
const outputQuerySchema = processTargetSchema.extend({
  stream: z.enum(STREAM_NAMES).optional(),
  lines: z.number().int().min(1).max(MAX_LINES).optional(),
  since_time: z.string().max(64).optional(),
  before_time: z.string().max(64).optional(),
});

/** What `output` takes: the tail query plus cursor, grep, context, ANSI and byte options. */
export const outputRequestSchema = outputQuerySchema.extend({
  /** next_cursor of an earlier read: return only lines stored after it. */
  cursor: z.string().min(1).max(200).optional(),
  /** Only lines whose text matches this pattern (RE2 syntax). */
  grep: pattern.optional(),
  /** With grep: lines shown before and after each match. */
  context: z.number().int().min(0).max(MAX_CONTEXT).optional(),
  /** Remove terminal escape sequences (default true). */
  strip_ansi: z.boolean().optional(),
  /** Most bytes of lines returned; the newest lines are kept. */
  max_bytes: z.number().int().min(MIN_MAX_BYTES).max(MAX_MAX_BYTES).optional(),
  /** Only the current run's output, or all retained runs (default). */
  run: z.enum(OUTPUT_RUNS).optional(),
  /** Give each line's arrival time (`times`). */
  timestamps: z.boolean().optional(),
});

/** `output` with its wait: what to wait for before the read. */
export const outputWaitRequestSchema = outputRequestSchema.extend({
  /**
   * Wait for a line matching this pattern (RE2), stored after the call began or, with
   * `cursor`, after the cursor.
   */
  wait_for_log: pattern.optional(),
  /** Wait until the process exits. */
  wait_for_exit: z.boolean().optional(),
  /** Seconds (default {@link DEFAULT_WAIT_SECONDS}, at most {@link MAX_WAIT_SECONDS}; 0: no limit). */
  wait_timeout: z.number().min(NO_WAIT_LIMIT).max(MAX_WAIT_SECONDS).optional(),
});

/** What the adopt verb takes: the process (a pid, or the holder of a port), and consent. */
export const adoptRequestSchema = z.object({
  pid: pidSchema.optional(),
  port: z.number().optional(),
  /** A person agreed to the plan a call without it returned: carry it out. */
  confirm: z.boolean().optional(),
  /** Who adopts it, as the new process's `started_by`. */
  started_by: caller.nullable().optional(),
  /** Seconds to wait for the port it held. */
  wait_timeout: readyConditionsSchema.shape.wait_timeout,
});

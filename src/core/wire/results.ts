/**
 * What the Hub's verbs answer beyond the process record (process.ts), as zod schemas: how a
 * wait ended, a start's result, a page of output, an adoption. The core's types are inferred
 * from them, the JSON API answers with them, and the MCP tools' compact outputs take their
 * fields from them (src/mcp/output_schemas.ts).
 */
import { z } from "zod";
import { STREAM_NAMES } from "../types.ts";
import {
  portHolderSchema,
  portsSchema,
  processInfoSchema,
  processStatusSchema,
  stopReportSchema,
} from "./process.ts";

/** How a wait ended: ready (every condition held), exited (the process ended first), timeout. */
export const waitResultSchema = z.enum(["ready", "exited", "timeout"]);

/** Why a wait ended without the program ready: its output tails and any port conflict. */
export const notReadyReportSchema = z.object({
  /** Exited or timed out: the newest lines of each stream since this start. */
  stderr_tail: z.array(z.string()),
  stdout_tail: z.array(z.string()),
  /** Who holds the port when the program could not get it, or null. */
  port_conflict: portHolderSchema.nullable(),
});

/** How a start's or restart's wait ended, with what explains it. */
export const readyOutcomeSchema = notReadyReportSchema.extend({
  ready: z.boolean(),
  wait_result: waitResultSchema,
  /** The conditions not met when the wait ended, e.g. `["port 3000"]`; empty when ready. */
  not_met: z.array(z.string()),
  /** The output line that matched wait_for_log (escapes stripped), or null. */
  matched_line: z.string().nullable(),
  waited_ms: z.number(),
});

/**
 * What a start or restart returns: the process after it, the ports its tree listens on, what
 * stopping an old run found of its ports (each list only when not empty), and how the wait
 * ended when one was asked for.
 */
export const startResultSchema = processInfoSchema.extend({
  ports: portsSchema,
  already_running: z.literal(true).optional(),
  /** With an assigned port: also passed as a flag, or listened on elsewhere (port_flags.ts). */
  port_note: z.string().optional(),
  ...stopReportSchema.partial().shape,
  ...readyOutcomeSchema.partial().shape,
});

/** What a stop returns: the process after it, and what the stop found of its ports. */
export const stopResultSchema = processInfoSchema.extend(stopReportSchema.shape);

/**
 * The lines `output` returns, newest last, as the program printed them (in the combined
 * stream a stderr line starts with `[err] `), and where the read leaves off.
 */
export const outputPageSchema = z.object({
  pid: z.number(),
  label: z.string(),
  status: processStatusSchema,
  stream: z.enum(STREAM_NAMES),
  output: z.array(z.string()),
  /** Arrival time of the first and last line returned (UTC ISO), null when none. */
  first_time: z.string().nullable(),
  last_time: z.string().nullable(),
  /** With `timestamps`: each line's arrival time (UTC ISO; "" for a separator). */
  times: z.array(z.string()).optional(),
  /** Pass back as `cursor` to get only lines stored after this read. */
  next_cursor: z.string(),
  /** Lines in the range read that met the request (time window, cursor, grep). */
  matched_lines: z.number(),
  /** Of those, how many are not in `output` (kept out by `lines` or `max_bytes`). */
  omitted_lines: z.number(),
  /** Lines after the cursor that were dropped by the disk cap before this read. */
  skipped_lines: z.number(),
  /** Whether the scan stopped at its time budget; next_cursor then points where it stopped. */
  search_cut: z.boolean(),
});

/** How `output`'s wait ended. */
export const outputWaitOutcomeSchema = z.object({
  /** ready: a line matched; exited: the process ended (first); timeout: neither in time. */
  wait_result: waitResultSchema,
  /** The line that matched wait_for_log (escapes stripped), or null. */
  matched_line: z.string().nullable(),
  /** How the process ended, when it did. */
  exit_code: z.number().nullable().optional(),
  exit_signal: z.string().nullable().optional(),
  waited_ms: z.number(),
});

/** The read, and the wait's outcome when one was asked for. */
export const waitedOutputPageSchema = outputPageSchema.extend(
  outputWaitOutcomeSchema.partial().shape,
);

/** What adopting would do, as every door shows it before asking. */
export const adoptionPlanSchema = z.object({
  /** The process whose tree would be stopped. */
  pid: z.number(),
  /** The process named (or holding the port), when it is a child of `pid`'s launcher. */
  named_pid: z.number(),
  /** The command that would run in its place. */
  command: z.string(),
  working_directory: z.string(),
  /** The label it would run under (the default label of that command and folder). */
  label: z.string(),
  /** How many variables of its environment it would get (null: unreadable, the server's). */
  environment_variables: z.number().nullable(),
  /** The ports its tree listens on now. */
  ports: portsSchema,
  /** The port waited for after the start, or null when it held none. */
  wait_for_port: z.number().nullable(),
  /** The interactive shell it was started from, whose terminal will see it end, if any. */
  terminal: z.string().nullable(),
  /** What could not be read exactly. */
  limits: z.array(z.string()),
});

/**
 * What the adopt verb answers: the plan and `adopted: false` until consent is given; then the
 * process started in its place (as a start answers, with the wait for the port it held) and
 * how the old tree ended.
 */
export const adoptResultSchema = z.discriminatedUnion("adopted", [
  z.object({ adopted: z.literal(false), adoption: adoptionPlanSchema }),
  startResultSchema.extend({
    adopted: z.literal(true),
    adoption: adoptionPlanSchema,
    /** The signal that ended the old tree (SIGKILL when SIGTERM's grace ran out). */
    stopped_with: z.enum(["SIGTERM", "SIGKILL"]).nullable(),
  }),
]);

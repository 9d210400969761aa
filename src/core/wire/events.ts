/**
 * The event stream's records as zod schemas: what `/api/hub/events` and
 * `persistproc events --format json` give, one numbered event each. The core's event types are
 * inferred from them (src/core/events/event.ts).
 */
import { z } from "zod";
import { EVENT_KINDS } from "../events/event.ts";

/** One kind of event. */
const eventKindSchema = z.enum(EVENT_KINDS);

/** The process an event is about, as it was when the event happened. */
export const eventSubjectSchema = z.object({
  label: z.string(),
  pid: z.number(),
  working_directory: z.string(),
  started_by: z.string().nullable(),
});

/** What an event says beyond its kind and its process; each field only where it applies. */
export const eventDetailsSchema = z.object({
  /** exited: the exit code, or null (a signal, or an end no server saw). */
  exit_code: z.number().nullable().optional(),
  /** exited: the signal that ended it, or null. */
  exit_signal: z.string().nullable().optional(),
  /** exited: it ended on its own with a failure (not asked to stop). */
  crashed: z.boolean().optional(),
  /** exited: it ended because it was asked to stop (a stop, a restart, a shutdown). */
  stopped: z.boolean().optional(),
  /** exited (crashed): its last stderr lines of that run, from the error's, at most 300 bytes. */
  stderr_tail: z.string().optional(),
  /** restarted: who asked (a client's name, `cli`, `dashboard`, or `autorestart`). */
  by: z.string().nullable().optional(),
  /** ready: the conditions that were met, e.g. `["port 3000"]`. */
  met: z.array(z.string()).optional(),
  /** port_opened, port_closed: the TCP port. */
  port: z.number().optional(),
  /** autorestart_backoff: when the next run is due. */
  restart_at: z.string().optional(),
  /** autorestart_backoff: which restart in a row that will be; gave_up: how many failed. */
  attempt: z.number().optional(),
  /** log_error, log_warning: what the server says about storing the process's output. */
  message: z.string().optional(),
  /** log_match: the output line that matched notify_on_log (escapes stripped, cut short). */
  line: z.string().optional(),
});

/** One event, numbered: `id` is the cursor a reader resumes after. */
export const hubEventSchema = z.object({
  id: z.number(),
  kind: eventKindSchema,
  /** When it happened (ISO 8601, UTC). */
  time: z.string(),
  ...eventSubjectSchema.shape,
  ...eventDetailsSchema.shape,
  /**
   * Only on an event that stands for several like it (a crash loop, a chatty pattern): how
   * many it stands for, itself included. The others were not sent.
   */
  merged: z.number().optional(),
  /** With `merged`: when the first of the events it stands for happened (ISO 8601, UTC). */
  merged_since: z.string().optional(),
});

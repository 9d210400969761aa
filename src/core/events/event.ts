/**
 * What happened to a managed process, as one compact record: the hub's event stream (see
 * event_log.ts) keeps the last of them, replays them from a cursor and tells listeners of new
 * ones. The fields are snake_case: they are the wire format of `/api/hub/events` and of
 * `persistproc events --format json`, whose schemas are in src/core/wire/events.ts.
 */
import type { z } from "zod";
import { canonicalDirectory } from "../supervisor/target_resolution.ts";
import type { eventDetailsSchema, eventSubjectSchema, hubEventSchema } from "../wire/events.ts";

/** Every kind of event, in the order a process's life usually shows them. */
export const EVENT_KINDS = [
  "started",
  "ready",
  "port_opened",
  "port_closed",
  "log_match",
  "log_error",
  "log_warning",
  "exited",
  "restarted",
  "autorestart_backoff",
  "autorestart_gave_up",
] as const;

/** One kind of event. */
export type EventKind = typeof EVENT_KINDS[number];

/**
 * What a filter may name as a kind: an event kind, or `crashed` (an `exited` event of a process
 * that ended on its own with a failure).
 */
export type KindFilter = EventKind | "crashed";

/** The kinds a filter accepts, for argument checks and help. */
export const KIND_FILTERS: readonly KindFilter[] = [...EVENT_KINDS, "crashed"];

/** The process an event is about, as it was when the event happened (see wire/events.ts). */
export type EventSubject = z.infer<typeof eventSubjectSchema>;

/** What an event says beyond its kind and its process; each field only where it applies. */
export type EventDetails = z.infer<typeof eventDetailsSchema>;

/** One event, numbered: `id` is the cursor a reader resumes after. */
export type HubEvent = z.infer<typeof hubEventSchema>;

/** Which events a reader wants; every field narrows, an empty filter takes all. */
export interface EventFilter {
  label?: string;
  /** Events of processes started in this directory. */
  working_directory?: string;
  /** A client's name (any version) or `name/version`, `cli` or `dashboard`. */
  started_by?: string;
  /** Only these kinds (`crashed` names a crash's `exited` event). */
  kinds?: KindFilter[];
}

/** What a read of the event stream asks for: a filter, and where its backlog starts. */
export interface EventQuery extends EventFilter {
  /** Only events after this cursor (an event's id). */
  after?: number;
  /** Only events at or after this time (ISO 8601). */
  since?: string;
  /** At most this many of the newest kept events (all kept when left out; 0: none). */
  limit?: number;
}

/** The test of a filter, its directory resolved once: whether an event passes it. */
export function eventPredicate(filter: EventFilter): (event: HubEvent) => boolean {
  const { label, started_by: by, kinds } = filter;
  const directory = filter.working_directory === undefined
    ? undefined
    : canonicalDirectory(filter.working_directory);
  const anyKind = kinds === undefined || kinds.length === 0;
  return (event) => {
    if (label !== undefined && event.label !== label) return false;
    const started = event.started_by;
    if (by !== undefined && started !== by && !started?.startsWith(`${by}/`)) return false;
    if (directory !== undefined && event.working_directory !== directory) return false;
    return anyKind || kinds.includes(event.kind) ||
      (kinds.includes("crashed") && event.crashed === true);
  };
}

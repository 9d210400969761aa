/**
 * The hub's event stream: what happened to every managed process, numbered, the newest
 * {@link KEPT_EVENTS} kept in memory and in the data directory (./_event_file.ts), so that a
 * reader that was away (or a server that restarted) can replay from a cursor. Floods of like
 * events are merged (./_flood_gate.ts), and every event is numbered in the order it happened. Listeners are someone else's code: each is called in
 * isolation, and one that throws is logged, not allowed to hurt the server or the others.
 */
import { logger } from "../logger.ts";
import { DEFAULT_FLOOD_LIMIT, FloodGate, type FloodLimit } from "./_flood_gate.ts";
import { EventFile } from "./_event_file.ts";
import {
  type EventDetails,
  type EventFilter,
  type EventKind,
  eventPredicate,
  type EventQuery,
  type EventSubject,
  type HubEvent,
} from "./event.ts";

/** How many events are kept for replay. */
export const KEPT_EVENTS = 1_000;

/** Where the log keeps its events, and how it merges floods. */
interface EventLogOptions {
  /** The events file; null keeps them in memory only. */
  path: string | null;
  /** How many like events pass per window (see FloodGate). */
  floodLimit?: FloodLimit;
}

/** A subscription's listener and the test of its filter. */
interface Listener {
  accepts: (event: HubEvent) => boolean;
  listener: (event: HubEvent) => void;
}

type Unnumbered = Omit<HubEvent, "id">;

/** The event stream; see the module comment. */
export class EventLog {
  readonly #ring: HubEvent[] = [];
  readonly #file: EventFile | null;
  readonly #gate: FloodGate<Unnumbered>;
  readonly #listeners = new Set<Listener>();
  #lastId = 0;

  constructor(options: EventLogOptions) {
    this.#file = options.path === null ? null : new EventFile(options.path, KEPT_EVENTS);
    this.#gate = new FloodGate(
      options.floodLimit ?? DEFAULT_FLOOD_LIMIT,
      (event, merged, first) =>
        this.#publish(merged > 1 ? { ...event, merged, merged_since: first.time } : event),
    );
  }

  /** Takes back the events a previous server kept; numbering goes on after them. */
  load(): void {
    const events = this.#file?.load() ?? [];
    this.#ring.push(...events);
    this.#lastId = events.reduce((last, event) => Math.max(last, event.id), this.#lastId);
  }

  /** The cursor of the newest event (0 before the first). */
  get lastId(): number {
    return this.#lastId;
  }

  /**
   * Records that something happened to a process. Like events of one process (same kind, and
   * port when it has one) beyond the flood limit are held and merged.
   */
  record(subject: EventSubject, kind: EventKind, details: EventDetails = {}): void {
    const event: Unnumbered = {
      kind,
      time: new Date().toISOString(),
      label: subject.label,
      pid: subject.pid,
      working_directory: subject.working_directory,
      started_by: subject.started_by,
      ...details,
    };
    const crashed = details.crashed ? ":crashed" : "";
    const port = details.port === undefined ? "" : `:${details.port}`;
    this.#gate.offer(`${subject.label}\0${kind}${crashed}${port}`, event);
  }

  /** The kept events the query asks for, oldest first. */
  read(query: EventQuery): HubEvent[] {
    const accepts = eventPredicate(query);
    const after = query.after ?? 0;
    const since = query.since === undefined ? -Infinity : Date.parse(query.since);
    const found = this.#ring.filter((event) =>
      event.id > after && Date.parse(event.time) >= since && accepts(event)
    );
    const limit = query.limit ?? found.length;
    return limit <= 0 ? [] : found.slice(-limit);
  }

  /** Calls `listener` with each new event that passes `filter`; returns how to stop. */
  subscribe(filter: EventFilter, listener: (event: HubEvent) => void): () => void {
    const entry = { accepts: eventPredicate(filter), listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Lets held events out and stores them (the server is closing). */
  close(): void {
    this.#gate.close();
  }

  /** Numbers an event, keeps and stores it, and tells every listener that wants it. */
  #publish(unnumbered: Unnumbered): void {
    const event: HubEvent = { id: ++this.#lastId, ...unnumbered };
    this.#ring.push(event);
    if (this.#ring.length > KEPT_EVENTS) this.#ring.splice(0, this.#ring.length - KEPT_EVENTS);
    this.#file?.append(event, () => this.#ring);
    for (const { accepts, listener } of [...this.#listeners]) {
      try {
        if (accepts(event)) listener(event);
      } catch (error) {
        logger.error(`An event listener failed on event ${event.id} (${event.kind})`, error);
      }
    }
  }
}

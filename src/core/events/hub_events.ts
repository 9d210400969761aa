/**
 * The supervisor's side of the event stream: the log (event_log.ts) and everything that feeds
 * it from the managed processes, behind the few calls the supervisor's verbs make.
 */
import { join } from "node:path";
import type { EventFeed } from "../hub.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { AutorestartDecision } from "../process/autorestart.ts";
import type { FloodLimit } from "./_flood_gate.ts";
import { PortWatch } from "./_port_watch.ts";
import type { EventQuery, HubEvent } from "./event.ts";
import { EventLog } from "./event_log.ts";
import { recordExits, recordMatches, subjectOf } from "./process_events.ts";

/** The events of one supervisor's processes; see the module comment. */
export class HubEvents {
  readonly #log: EventLog;
  readonly #ports: PortWatch;
  /** How to stop reading each entry's output for its notify_on_log pattern. */
  readonly #matchers = new Map<ManagedProcess, () => void>();

  /**
   * Keeps the events in `<dataDir>/events.jsonl` (taking back what a previous server kept);
   * `entries` are the processes whose ports are watched.
   */
  constructor(dataDir: string, floodLimit: FloodLimit, entries: () => ManagedProcess[]) {
    this.#log = new EventLog({ path: join(dataDir, "events.jsonl"), floodLimit });
    this.#log.load();
    this.#ports = new PortWatch(entries, this.#log);
  }

  /** A new entry: its ends are recorded. Call before anything else listens to it. */
  added(entry: ManagedProcess): ManagedProcess {
    recordExits(entry, this.#log);
    return entry;
  }

  /** Entries taken back from a previous server: their ports and patterns are watched. */
  restored(entries: ManagedProcess[]): void {
    this.#ports.watch();
    for (const entry of entries) this.#matchLog(entry);
  }

  /** A run was launched: a start (`by` undefined) or a restart by `by`. */
  launched(entry: ManagedProcess, by?: string | null): void {
    this.#ports.watch();
    this.#matchLog(entry);
    if (by === undefined) this.#log.record(subjectOf(entry), "started");
    else this.#log.record(subjectOf(entry), "restarted", { by });
  }

  /**
   * Something happened to an entry (it printed, or its state changed): the port watch looks
   * again at its busy pace. Cheap enough to call on every stored batch of output.
   */
  stir(): void {
    this.#ports.stir();
  }

  /** An entry's run ended while no server watched it: how is not known. */
  endedUnseen(entry: ManagedProcess): void {
    this.#log.record(subjectOf(entry), "exited", {
      exit_code: null,
      exit_signal: null,
      crashed: false,
      stopped: false,
    });
  }

  /** What autorestart decided about an entry. */
  decided(entry: ManagedProcess, { kind, ...details }: AutorestartDecision): void {
    this.#log.record(subjectOf(entry), kind, details);
  }

  /** A wait found the entry ready, with these conditions met. */
  ready(entry: ManagedProcess, met: string[]): void {
    this.#log.record(subjectOf(entry), "ready", { met });
  }

  /** An entry was forgotten: its output is no longer read. */
  forgotten(entry: ManagedProcess): void {
    this.#matchers.get(entry)?.();
    this.#matchers.delete(entry);
  }

  /** The kept events the query asks for and, with a listener, the later ones: in one step. */
  feed(query: EventQuery, listener?: (event: HubEvent) => void): EventFeed {
    const unsubscribe = listener ? this.#log.subscribe(query, listener) : () => {};
    return { backlog: this.#log.read(query), last_id: this.#log.lastId, unsubscribe };
  }

  /** Stops watching and stores the events still held (the server is closing). */
  close(): void {
    this.#ports.stop();
    for (const stop of this.#matchers.values()) stop();
    this.#matchers.clear();
    this.#log.close();
  }

  #matchLog(entry: ManagedProcess): void {
    this.#matchers.get(entry)?.();
    this.#matchers.set(entry, recordMatches(entry, this.#log));
  }
}

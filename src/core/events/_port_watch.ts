/**
 * The events nobody announces: a port a process's tree starts or stops listening on, and a
 * problem storing its output that begins (log_error, log_warning). One scan of the listening
 * ports, only while processes run or what they left running lives: a port that a program's
 * child still holds after the program ended is not closed (`list` shows it too), it closes
 * when that child goes. Scans come at {@link PORT_PACE}: often while anything happens, less
 * often while nothing does (each reads the kernel's socket tables, about 10 ms of CPU on a
 * machine with a large connection table), and soon again after any start, exit or output
 * (`stir`).
 */
import { listeningPorts } from "../ports/listeners.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { logger } from "../logger.ts";
import type { EventLog } from "./event_log.ts";
import { subjectOf } from "./process_events.ts";
import { pauseAfter, type PollPace } from "../poll_backoff.ts";

/**
 * How often the ports of running trees are looked at: on Linux (/proc, no subprocess) every
 * 2 s while anything happens, up to every 10 s after five looks that found nothing; elsewhere
 * each look runs `lsof`, so every 10 s, up to every minute.
 */
const PORT_PACE: PollPace = Deno.build.os === "linux"
  ? { busyMs: 2_000, quietMs: 10_000, patience: 5 }
  : { busyMs: 10_000, quietMs: 60_000, patience: 3 };

/** The pause before the next look after `quiet` looks in a row found nothing new. */
export function portPauseAfter(quiet: number): number {
  return pauseAfter(quiet, PORT_PACE);
}

/** What was seen of one entry at the last look. */
interface Seen {
  ports: number[];
  error: string | null;
  warning: string | null;
}

/** The poll; see the module comment. */
export class PortWatch {
  readonly #entries: () => ManagedProcess[];
  readonly #log: EventLog;
  readonly #pace: PollPace;
  readonly #seen = new Map<ManagedProcess, Seen>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the planned look is due (epoch ms). */
  #due = Infinity;
  #stopped = false;
  /** Looks in a row that found nothing new, with no stir between them. */
  #quiet = 0;

  /** Watches the entries `entries` gives at each look, recording into `log`, at `pace`. */
  constructor(entries: () => ManagedProcess[], log: EventLog, pace: PollPace = PORT_PACE) {
    this.#entries = entries;
    this.#log = log;
    this.#pace = pace;
  }

  /** Starts polling (again, soon, after a launch). */
  watch(): void {
    this.#quiet = 0;
    this.#plan(this.#pace.busyMs);
  }

  /**
   * Something happened (a process printed, started or ended): the next look comes at the busy
   * pace again. Cheap enough to call on every stored batch of output.
   */
  stir(): void {
    this.#quiet = 0;
    if (this.#timer !== undefined && this.#due > Date.now() + this.#pace.busyMs) {
      this.#plan(this.#pace.busyMs);
    }
  }

  /** Stops for good (a shutdown). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #plan(delay: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#due = Date.now() + delay;
    this.#timer = setTimeout(() => this.#look(), delay);
  }

  async #look(): Promise<void> {
    this.#timer = undefined;
    this.#due = Infinity;
    let changed = false;
    const entries = this.#entries();
    // As list does: a running tree by its process group and members, an ended one by the
    // members it left (its pid may since lead an unrelated group).
    const live = entries.filter((entry) => entry.status === "running" || entry.tree.pids.length);
    const running = new Set(live.filter((e) => e.status === "running").map((e) => e.pid));
    try {
      const byPid = new Map(live.map((entry) => [entry.pid, entry]));
      const ports = await listeningPorts(
        live.map((entry) => entry.pid),
        (root) => byPid.get(root)?.tree.pids ?? [],
        running,
      );
      for (const entry of entries) {
        changed = this.#compare(entry, ports.get(entry.pid) ?? []) || changed;
      }
      for (const entry of [...this.#seen.keys()]) {
        if (!entries.includes(entry)) this.#seen.delete(entry); // forgotten
      }
    } catch (error) {
      logger.error("Looking at the ports of running processes", error);
    }
    this.#quiet = changed ? 0 : this.#quiet + 1;
    if (live.length > 0 || this.#seen.size > 0) {
      this.#plan(pauseAfter(this.#quiet, this.#pace));
    }
  }

  /** Records what changed for one entry since the last look; returns whether anything did. */
  #compare(entry: ManagedProcess, ports: number[]): boolean {
    const before = this.#seen.get(entry) ?? { ports: [], error: null, warning: null };
    const { error, warning } = entry.output;
    const subject = subjectOf(entry);
    for (const port of ports) {
      if (!before.ports.includes(port)) this.#log.record(subject, "port_opened", { port });
    }
    for (const port of before.ports) {
      if (!ports.includes(port)) this.#log.record(subject, "port_closed", { port });
    }
    if (error && error !== before.error) this.#log.record(subject, "log_error", { message: error });
    if (warning && warning !== before.warning) {
      this.#log.record(subject, "log_warning", { message: warning });
    }
    if (ports.length === 0 && !error && !warning && entry.status !== "running") {
      this.#seen.delete(entry);
    } else this.#seen.set(entry, { ports, error, warning });
    return ports.join() !== before.ports.join() || error !== before.error ||
      warning !== before.warning;
  }
}

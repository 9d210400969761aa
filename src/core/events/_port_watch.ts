/**
 * The events nobody announces: a port a process's tree starts or stops listening on, and a
 * problem storing its output that begins (log_error, log_warning). One scan of the listening
 * ports every {@link PORT_POLL_MS}, only while processes run or what they left running lives:
 * a port that a program's child still holds after the program ended is not closed (`list`
 * shows it too), it closes when that child goes.
 */
import { listeningPorts } from "../ports/listeners.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { logger } from "../logger.ts";
import type { EventLog } from "./event_log.ts";
import { subjectOf } from "./process_events.ts";

/**
 * How often the ports of running trees are looked at: Linux reads /proc, cheaply; elsewhere
 * each look runs `lsof`, so it comes less often.
 */
const PORT_POLL_MS = Deno.build.os === "linux" ? 2_000 : 10_000;

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
  readonly #seen = new Map<ManagedProcess, Seen>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  readonly #pollMs: number;

  /** Watches the entries `entries` gives at each look, recording into `log`. */
  constructor(entries: () => ManagedProcess[], log: EventLog, pollMs = PORT_POLL_MS) {
    this.#entries = entries;
    this.#log = log;
    this.#pollMs = pollMs;
  }

  /** Starts polling (again, soon, after a launch). */
  watch(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#look(), this.#pollMs);
  }

  /** Stops for good (a shutdown). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #look(): Promise<void> {
    this.#timer = undefined;
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
      for (const entry of entries) this.#compare(entry, ports.get(entry.pid) ?? []);
      for (const entry of [...this.#seen.keys()]) {
        if (!entries.includes(entry)) this.#seen.delete(entry); // forgotten
      }
    } catch (error) {
      logger.error("Looking at the ports of running processes", error);
    }
    if (!this.#stopped && (live.length > 0 || this.#seen.size > 0)) this.watch();
  }

  /** Records what changed for one entry since the last look. */
  #compare(entry: ManagedProcess, ports: number[]): void {
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
  }
}

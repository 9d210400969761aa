/**
 * Restart policies: which processes are started again when they end on their own, and when.
 */
import { logger } from "../logger.ts";
import type { ManagedProcess } from "./managed_process.ts";
import type { AutorestartPolicy } from "../state_file.ts";

/** Restarts in a row before autorestart gives up. */
const MAX_AUTORESTARTS = 10;
/** A run this long resets the backoff. */
const STABLE_RUN_MS = 30_000;

/**
 * Keeps each process's policy and restarts it after it ends on its own: `always`, or
 * `on-failure` after a non-zero exit or a signal; never after a stop. The delay doubles from
 * 0.5 s to 30 s with each quick failure in a row, and it gives up after ten of them.
 */
export class Autorestarter {
  readonly #policies = new Map<ManagedProcess, AutorestartPolicy>();
  readonly #streaks = new Map<ManagedProcess, number>();
  readonly #pending = new Map<ManagedProcess, ReturnType<typeof setTimeout>>();
  readonly #closed: () => boolean;

  /** `closed` says when no restart may happen any more (the server is shutting down). */
  constructor(closed: () => boolean) {
    this.#closed = closed;
  }

  /** Sets the policy of a process that was just started, resetting its backoff. */
  set(entry: ManagedProcess, policy: AutorestartPolicy): void {
    this.cancel(entry);
    this.#policies.set(entry, policy);
    this.#streaks.set(entry, 0);
  }

  /** The policy of a process (`no` when none was set). */
  policy(entry: ManagedProcess): AutorestartPolicy {
    return this.#policies.get(entry) ?? "no";
  }

  /** Cancels a pending restart, if any. */
  cancel(entry: ManagedProcess | undefined): void {
    const timer = entry && this.#pending.get(entry);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#pending.delete(entry!);
  }

  /** Cancels every pending restart. */
  cancelAll(): void {
    for (const entry of [...this.#pending.keys()]) this.cancel(entry);
  }

  /** Forgets a process entirely. */
  forget(entry: ManagedProcess): void {
    this.cancel(entry);
    this.#policies.delete(entry);
    this.#streaks.delete(entry);
  }

  /** Called when a run ended for good: schedules a restart if the policy asks for one. */
  ended(entry: ManagedProcess): void {
    const policy = this.policy(entry);
    if (this.#closed() || entry.status === "stopped" || policy === "no") return;
    if (policy === "on-failure" && entry.status !== "failed") return;
    const ranMs = (entry.endTime?.getTime() ?? Date.now()) - entry.startTime.getTime();
    const streak = ranMs >= STABLE_RUN_MS ? 0 : this.#streaks.get(entry) ?? 0;
    if (streak >= MAX_AUTORESTARTS) {
      logger.info(`"${entry.spec.label}" failed ${streak} times in a row; not restarting it again`);
      return;
    }
    const delay = Math.min(30_000, 500 * 2 ** streak);
    this.#pending.set(
      entry,
      setTimeout(() => {
        this.#pending.delete(entry);
        if (this.#closed() || entry.status === "running" || entry.restarting) return;
        try {
          this.#streaks.set(entry, streak + 1);
          entry.restarts++;
          entry.launch();
          entry.emit({ type: "start", process: entry.info() });
        } catch (error) {
          logger.error(`Autorestart of "${entry.spec.label}" failed`, error);
        }
      }, delay),
    );
  }
}

/**
 * Restart policies: which processes are started again when they end on their own, and when.
 * The Autorestarter only decides and asks: the launch itself is the supervisor's, queued on
 * the process like any other operation.
 */
import { logger } from "../logger.ts";
import type { ManagedProcess } from "./managed_process.ts";
import type { AutorestartPolicy } from "../supervisor/state_file.ts";

/** Restarts in a row before autorestart gives up (unless told otherwise). */
export const MAX_AUTORESTARTS = 10;
/** The delay before the first autorestart, doubled after each quick failure up to the most. */
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
/** A run this long resets the backoff. */
const STABLE_RUN_MS = 30_000;

/** Time, as the Autorestarter sees it: the real clock, or a test's. */
export interface Clock {
  now(): number;
  /** Calls `run` in `ms`; returns what clearTimeout takes to cancel it. */
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** What autorestart decided about a process that ended: when it runs again, or never. */
export type AutorestartDecision =
  | { kind: "autorestart_backoff"; restart_at: string; attempt: number }
  | { kind: "autorestart_gave_up"; attempt: number };

/** A process's autorestart state, as saved so that a later server carries it on. */
export interface AutorestartState {
  policy: AutorestartPolicy;
  /** Quick failures in a row so far. */
  streak: number;
  /** When the next run is due, while one is waited for (the process is in `backoff`). */
  next_attempt: string | null;
}

/**
 * Keeps each process's policy and asks for a restart after it ends on its own: `always`, or
 * `on-failure` after a non-zero exit, a signal, or an end no server saw (its exit cannot be
 * known); never after a stop. The delay doubles from {@link BACKOFF_FIRST_MS} to
 * {@link BACKOFF_MAX_MS} with each quick failure in a row, and it gives up after
 * {@link MAX_AUTORESTARTS} of them.
 */
export class Autorestarter {
  readonly #states = new Map<ManagedProcess, AutorestartState>();
  readonly #pending = new Map<ManagedProcess, unknown>();
  readonly #closed: () => boolean;
  readonly #relaunch: (entry: ManagedProcess) => void;
  readonly #decided: (entry: ManagedProcess, decision: AutorestartDecision) => void;
  readonly #maxRestarts: number;
  readonly #clock: Clock;

  /**
   * `closed` says when no restart may happen any more (the server is shutting down);
   * `relaunch` is asked to start a process whose delay is over; `decided` is told when a
   * restart is scheduled or given up; autorestart gives up after `maxRestarts` in a row.
   * `clock` is the real one unless a test gives its own.
   */
  constructor(
    closed: () => boolean,
    relaunch: (entry: ManagedProcess) => void,
    decided: (entry: ManagedProcess, decision: AutorestartDecision) => void = () => {},
    maxRestarts = MAX_AUTORESTARTS,
    clock: Clock = REAL_CLOCK,
  ) {
    this.#closed = closed;
    this.#relaunch = relaunch;
    this.#decided = decided;
    this.#maxRestarts = maxRestarts;
    this.#clock = clock;
  }

  /** Sets the policy of a process that was just started, resetting its backoff. */
  set(entry: ManagedProcess, policy: AutorestartPolicy): void {
    this.cancel(entry);
    this.#states.set(entry, { policy, streak: 0, next_attempt: null });
  }

  /** The policy of a process (`no` when none was set). */
  policy(entry: ManagedProcess): AutorestartPolicy {
    return this.#states.get(entry)?.policy ?? "no";
  }

  /** What to save of a process's autorestart state. */
  state(entry: ManagedProcess): AutorestartState {
    return { ...(this.#states.get(entry) ?? { policy: "no", streak: 0, next_attempt: null }) };
  }

  /**
   * Takes back a saved state. A process that was waiting for its next run waits for what is
   * left of the delay (none, if it is already due).
   */
  restore(entry: ManagedProcess, saved: AutorestartState): void {
    this.#states.set(entry, { ...saved, next_attempt: null });
    if (saved.next_attempt === null || saved.policy === "no") return;
    const due = Date.parse(saved.next_attempt);
    this.#schedule(entry, Number.isNaN(due) ? 0 : Math.max(0, due - this.#clock.now()));
  }

  /** Cancels a pending restart, if any; the process leaves its backoff as stopped. */
  cancel(entry: ManagedProcess | undefined): void {
    if (!entry) return;
    const timer = this.#pending.get(entry);
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    this.#pending.delete(entry);
    const state = this.#states.get(entry);
    if (state) state.next_attempt = null;
    entry.leaveBackoff();
  }

  /** Cancels every pending restart. */
  cancelAll(): void {
    for (const entry of [...this.#pending.keys()]) this.cancel(entry);
  }

  /** Forgets a process entirely. */
  forget(entry: ManagedProcess): void {
    this.cancel(entry);
    this.#states.delete(entry);
  }

  /** Called when a run ended for good: schedules a restart if the policy asks for one. */
  ended(entry: ManagedProcess): void {
    const state = this.#states.get(entry);
    if (!state || this.#closed() || entry.status === "stopped" || state.policy === "no") return;
    const failed = entry.status === "failed" || !entry.exitKnown;
    if (state.policy === "on-failure" && !failed) return;
    const ranMs = (entry.endTime?.getTime() ?? this.#clock.now()) - entry.startTime.getTime();
    if (ranMs >= STABLE_RUN_MS) state.streak = 0;
    if (state.streak >= this.#maxRestarts) {
      logger.info(
        `"${entry.spec.label}" failed ${state.streak} times in a row; not restarting it again`,
      );
      this.#decided(entry, { kind: "autorestart_gave_up", attempt: state.streak });
      return;
    }
    this.#schedule(entry, Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** state.streak));
  }

  /** Counts a launch that the autorestart asked for. */
  launched(entry: ManagedProcess): void {
    const state = this.#states.get(entry);
    if (state) state.streak++;
  }

  #schedule(entry: ManagedProcess, delayMs: number): void {
    const state = this.#states.get(entry)!;
    state.next_attempt = new Date(this.#clock.now() + delayMs).toISOString();
    if (entry.state === "idle") entry.enterBackoff();
    const attempt = state.streak + 1;
    this.#decided(entry, { kind: "autorestart_backoff", restart_at: state.next_attempt, attempt });
    this.#pending.set(
      entry,
      this.#clock.setTimeout(() => {
        this.#pending.delete(entry);
        state.next_attempt = null;
        if (!this.#closed()) this.#relaunch(entry);
      }, delayMs),
    );
  }
}

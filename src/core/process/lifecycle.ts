/**
 * The life of one managed process, written down as data: its states, the transitions allowed
 * between them, one owner that changes the state and one event per change. Operations on one
 * process (start, stop, restart, an autorestart's launch) run one at a time, in order, through
 * its OperationQueue.
 *
 * | from       | to         | when                                                        |
 * | ---------- | ---------- | ----------------------------------------------------------- |
 * | `idle`     | `running`  | start, restart or a launch after a server restart (adopt)   |
 * | `running`  | `stopping` | stop or restart signalled its tree                          |
 * | `running`  | `idle`     | the program ended on its own                                |
 * | `stopping` | `idle`     | the program ended after the stop                            |
 * | `idle`     | `backoff`  | its autorestart policy asks for another run, after a delay  |
 * | `backoff`  | `running`  | the delay is over and it is launched again                  |
 * | `backoff`  | `idle`     | stop, restart or shutdown during the delay                  |
 */

import { tellEach } from "./_listeners.ts";

/** Where a managed process is in its life. */
export type LifeState = "idle" | "running" | "stopping" | "backoff";

/** Every allowed transition: state -> the states it may go to. */
export const TRANSITIONS: Readonly<Record<LifeState, readonly LifeState[]>> = {
  idle: ["running", "backoff"],
  running: ["stopping", "idle"],
  stopping: ["idle"],
  backoff: ["running", "idle"],
};

/** One change of state. */
export interface Transition {
  from: LifeState;
  to: LifeState;
}

/** A transition the table does not allow: a bug in the caller, never a user's mistake. */
export class InvalidTransitionError extends Error {
  constructor(from: LifeState, to: LifeState) {
    super(`Invalid transition of a process from "${from}" to "${to}"`);
    this.name = "InvalidTransitionError";
  }
}

/** The state of one process; its only writer is the process it belongs to. */
export class Lifecycle {
  #state: LifeState;
  readonly #listeners = new Set<(transition: Transition) => void>();

  constructor(initial: LifeState = "idle") {
    this.#state = initial;
  }

  /** The current state. */
  get state(): LifeState {
    return this.#state;
  }

  /** Whether the table allows going to `to` from here. */
  can(to: LifeState): boolean {
    return TRANSITIONS[this.#state].includes(to);
  }

  /**
   * Moves to `to` and tells every listener once, each in isolation (see tellEach); throws
   * InvalidTransitionError if not allowed.
   */
  to(to: LifeState): void {
    const from = this.#state;
    if (!this.can(to)) throw new InvalidTransitionError(from, to);
    this.#state = to;
    tellEach(this.#listeners, { from, to }, "a process's state");
  }

  /** Adds a listener of transitions; returns the function that removes it. */
  onChange(listener: (transition: Transition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Runs operations one after another, in the order they were queued; a failing operation
 * rejects its own promise only and the next one still runs.
 */
export class OperationQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `operation`; resolves or rejects with its result once it has run. */
  run<T>(operation: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(operation);
    this.#tail = result.catch(() => {});
    return result;
  }
}

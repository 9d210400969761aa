/**
 * Keeping the trees of running processes up to date: one read of the process table (and of
 * the environments of processes not seen before, for their tree markers) for all of them, soon
 * after a launch (a daemon forks early) and then every second while any tree is watched (see
 * ProcessTree.watched).
 */
import type { ProcessTree } from "./process/tree.ts";
import { lookAtTable } from "./process/tree_marker.ts";

/** How often the trees of running processes are brought up to date. */
const TREE_POLL_MS = 1_000;
/** How soon after a launch its tree is first looked at. */
const TREE_FIRST_POLL_MS = 150;

/** The timer that updates the trees; `changed` is called when a poll changed any of them. */
export class TreeWatch {
  readonly #trees: () => ProcessTree[];
  readonly #changed: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(trees: () => ProcessTree[], changed: () => void) {
    this.#trees = trees;
    this.#changed = changed;
  }

  /** Polls from now on, if not already; `soon` (after a launch) polls again shortly. */
  watch(soon = false): void {
    if (soon) clearTimeout(this.#timer);
    else if (this.#timer !== undefined) return;
    const tick = () => {
      this.#timer = undefined;
      const trees = this.#trees().filter((tree) => tree.watched);
      if (this.#stopped || trees.length === 0) return;
      const look = lookAtTable(trees.some((tree) => tree.marker !== null));
      if (look === null) return; // neither /proc nor ps: the process group is all we have
      let changed = false;
      for (const tree of trees) {
        const before = tree.pids.join();
        tree.update(look.table, false, look.markers);
        changed ||= tree.pids.join() !== before;
      }
      if (changed) this.#changed();
      this.#timer = setTimeout(tick, TREE_POLL_MS);
    };
    this.#timer = setTimeout(tick, soon ? TREE_FIRST_POLL_MS : TREE_POLL_MS);
  }

  /** Stops polling for good (a shutdown). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

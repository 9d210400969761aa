/**
 * Keeping the trees of running processes up to date: one look at the process table for all of
 * them, soon after a launch and every 100 ms for 5 s after it (a daemon forks early), then every
 * second while anything happens, and less often (up to every 10 s) while nothing does (see
 * ProcessTree.watched).
 *
 * A look costs what changed since the last one: the census reads only processes not seen
 * before (see ProcessCensus), their environments are read once (for tree markers, see
 * MarkerCache), and the table is indexed once for all trees (see ProcessTree.update) only
 * when it changed. So a server
 * with hundreds of quiet processes reads one directory every few seconds. Any start, exit or
 * output (`stir`) brings the next look within a second again.
 */
import type { ProcessTree } from "./tree.ts";
import { markersOf } from "./tree_marker.ts";
import { census } from "../system/census.ts";
import { pauseAfter, type PollPace } from "../poll_backoff.ts";

/**
 * Every second while anything happens; after 10 looks a second apart that found nothing, the
 * pauses grow to 10 s.
 */
const TREE_PACE: PollPace = { busyMs: 1_000, quietMs: 10_000, patience: 10 };
const TREE_POLL_MS = TREE_PACE.busyMs;
/** How soon after a launch its tree is first looked at. */
const TREE_FIRST_POLL_MS = 150;
/**
 * How long after a launch its tree is looked at more often, and how often: a daemon forks and
 * lets its parent go early, and one that also clears its environment (no tree marker) is found
 * only if a look falls while its parent still lives.
 */
const YOUNG_MS = 5_000;
const YOUNG_POLL_MS = 100;

/** The pause before the next look after `quiet` looks in a row found nothing new. */
export function treePauseAfter(quiet: number): number {
  return pauseAfter(quiet, TREE_PACE);
}

/** The timer that updates the trees; `changed` is called when a look changed any of them. */
export class TreeWatch {
  readonly #trees: () => ProcessTree[];
  readonly #changed: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the planned look is due (epoch ms). */
  #due = Infinity;
  #stopped = false;
  /** Looks in a row that changed no tree, with no stir between them. */
  #quiet = 0;
  /** Until when (epoch ms) the newest launch's tree is young (see YOUNG_MS). */
  #youngUntil = 0;
  /**
   * The markers of the table of census version `version` (null: not asked for): while the
   * table is the same, the same objects go to every tree, which index them once (see tree.ts).
   */
  #markers: { version: number; markers: Map<number, string> | null } | null = null;
  /** The trees of the last look: a new one is brought up to date even if the table is not. */
  #seen = new WeakSet<ProcessTree>();

  constructor(trees: () => ProcessTree[], changed: () => void) {
    this.#trees = trees;
    this.#changed = changed;
  }

  /** Looks from now on, if not already; `soon` (after a launch) looks again shortly. */
  watch(soon = false): void {
    if (soon) {
      this.#quiet = 0;
      this.#youngUntil = Date.now() + YOUNG_MS;
      this.#plan(TREE_FIRST_POLL_MS);
    } else if (this.#timer === undefined) {
      this.#plan(treePauseAfter(this.#quiet));
    }
  }

  /**
   * Something happened (a process ended, printed, started): the next look comes within a
   * second. Cheap enough to call on every stored batch of output.
   */
  stir(): void {
    this.#quiet = 0;
    if (this.#timer !== undefined && this.#due > Date.now() + TREE_POLL_MS) {
      this.#plan(TREE_POLL_MS);
    }
  }

  /** Stops looking for good (a shutdown). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #plan(delay: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#due = Date.now() + delay;
    this.#timer = setTimeout(() => this.#look(), delay);
  }

  #look(): void {
    this.#timer = undefined;
    this.#due = Infinity;
    const trees = this.#trees().filter((tree) => tree.watched);
    if (this.#stopped || trees.length === 0) return;
    const look = census.look();
    if (look === null) return; // neither /proc nor ps: the process group is all we have
    const marked = trees.some((tree) => tree.marker !== null);
    const fresh = this.#markers === null || this.#markers.version !== look.version ||
      (marked && this.#markers.markers === null);
    if (fresh) {
      this.#markers = { version: look.version, markers: marked ? markersOf(look.table) : null };
    }
    const markers = this.#markers!.markers ?? undefined;
    let changed = false;
    for (const tree of trees) {
      // An unchanged table brings an unchanged tree nothing new, unless the tree is new.
      if (!fresh && this.#seen.has(tree) && tree.pids.length > 0) continue;
      this.#seen.add(tree);
      const before = tree.pids.join();
      tree.update(look.table, false, markers);
      changed ||= tree.pids.join() !== before;
    }
    if (changed) this.#changed();
    // Other users' processes come and go all the time: only a change to a tree counts.
    this.#quiet = changed ? 0 : this.#quiet + 1;
    this.#plan(Date.now() < this.#youngUntil ? YOUNG_POLL_MS : treePauseAfter(this.#quiet));
  }
}

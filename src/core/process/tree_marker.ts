/**
 * Tree markers: every run of a managed program gets `PERSISTPROC_TREE=<id of the run>` in its
 * environment, and its descendants inherit it, so a process that escaped the tree before the
 * server first looked (its parent exited at once, it is init's child in a session of its own)
 * is still known as the run's: parent links and the process group cannot tell any more.
 *
 * Why the environment: it is the one thing a daemon carries over from its origin through
 * `fork`, `setsid` and `exec` that needs no privileges and exists on every Unix. cgroups (the
 * systemd way) would also hold every descendant, but only where the server may create them (a
 * delegated cgroup v2 subtree), which is not the case for a server run from a shell, nor on
 * macOS. What the marker misses: a program that clears its environment (`env -i`) before it
 * escapes; parent links and the group still find it if it escapes after the first look.
 *
 * A process's environment is read once per pid and start token (see MarkerCache), so a poll
 * reads only processes it has not seen yet. The id is not a secret: it only names a run.
 */
import { environmentValues } from "../system/environ.ts";
import { type ProcessEntry, processTable } from "../system/processes.ts";
import { TREE_MARKER } from "./tree_marker_variable.ts";

export { TREE_MARKER };

/** A new run's marker: unique per run, also across servers. */
export function newTreeMarker(): string {
  return crypto.randomUUID();
}

/** Reads the marker of each of `pids` that has one; null when nothing could be read. */
type MarkerReader = (pids: readonly number[]) => Map<number, string> | null;

/**
 * The markers of the processes of a table, each process's environment read once: an entry is
 * kept while the pid names the same process (same start token).
 */
export class MarkerCache {
  readonly #read: MarkerReader;
  readonly #seen = new Map<number, { token: string; marker: string | null }>();

  constructor(read: MarkerReader = (pids) => environmentValues(TREE_MARKER, pids)) {
    this.#read = read;
  }

  /**
   * The marker of each live process of `table` that has one, by pid; the environments of
   * processes not seen before are read, in one go. `table` is the whole process table: what it
   * lacks is forgotten.
   */
  markers(table: readonly ProcessEntry[]): Map<number, string> {
    const live = new Map(table.filter((entry) => !entry.zombie).map((e) => [e.pid, e.token]));
    for (const [pid, { token }] of this.#seen) {
      if (live.get(pid) !== token) this.#seen.delete(pid);
    }
    // Not the server itself: its environment is not a managed process's business.
    const unseen = [...live.keys()].filter((pid) => !this.#seen.has(pid) && pid !== Deno.pid);
    const read = unseen.length > 0 ? this.#read(unseen) : new Map<number, string>();
    // Nothing could be read (a tool failed to run): asked again at the next look.
    if (read !== null) {
      for (const pid of unseen) {
        this.#seen.set(pid, { token: live.get(pid)!, marker: read.get(pid) ?? null });
      }
    }
    const markers = new Map<number, string>();
    for (const [pid, { marker }] of this.#seen) if (marker !== null) markers.set(pid, marker);
    return markers;
  }

  /** How many processes are known; for tests. */
  get size(): number {
    return this.#seen.size;
  }
}

/** One look at the process table, with the markers of its processes when they were asked for. */
interface TableLook {
  table: ProcessEntry[];
  markers: Map<number, string>;
}

const shared = new MarkerCache();

/** The markers of the processes of `table`, through the server's one MarkerCache. */
export function markersOf(table: readonly ProcessEntry[]): Map<number, string> {
  return shared.markers(table);
}

/** How old a look may be given again while looks are shared (see shareLooks). */
const SHARED_LOOK_MS = 20;
let sharing = 0;
let last: { at: number; look: TableLook; withMarkers: boolean } | null = null;

/**
 * From now until the returned function is called, a look at most a few ms old is given again
 * instead of reading the table anew: hundreds of trees stopped at once (a shutdown) share one
 * read per poll instead of one each, which would take minutes. Only while nothing new is
 * spawned: a process started after the look would be missing from it, and taken for gone.
 */
export function shareLooks(): () => void {
  sharing++;
  return () => {
    sharing--;
    if (sharing === 0) last = null;
  };
}

/**
 * Reads the process table, and the markers of its processes when `withMarkers` (some tree to
 * update has a marker) through the server's one MarkerCache; null when the table cannot be
 * read here. See shareLooks.
 */
export function lookAtTable(withMarkers: boolean): TableLook | null {
  if (
    sharing > 0 && last !== null && performance.now() - last.at <= SHARED_LOOK_MS &&
    (last.withMarkers || !withMarkers)
  ) {
    return last.look;
  }
  const table = processTable();
  if (table === null) return null;
  const look = { table, markers: withMarkers ? markersOf(table) : new Map() };
  if (sharing > 0) last = { at: performance.now(), look, withMarkers };
  return look;
}

/**
 * The whole tree of a managed process: every descendant the server has seen, including those
 * that left its process group or session (`setsid`, a double fork), each known by pid and start
 * token from the moment it was seen, so that a pid reused later is never taken for one of them.
 * Descendants are found through parent links in the process table, polled while the tree lives
 * (see core/process/tree_watch.ts); a descendant whose parent exits before the next look can be missed.
 */
import { isSameProcess, type ProcessEntry } from "../system/processes.ts";

/** One member of a tree: a pid, and the token of the process that had it when seen. */
export interface TreeMember {
  pid: number;
  token: string;
}

/** A managed process's tree; see the module comment. */
export class ProcessTree {
  /** The managed process itself: its pid is also its process group. */
  readonly root: number;
  /** The run's marker (see ./tree_marker.ts); null for a run that had none (an older server's). */
  readonly marker: string | null;
  readonly #members = new Map<number, string>();
  #emptyLooks = 0;

  constructor(
    root: number,
    rootToken: string | null,
    members: readonly TreeMember[] = [],
    marker: string | null = null,
  ) {
    this.root = root;
    this.marker = marker;
    if (rootToken !== null) this.#members.set(root, rootToken);
    for (const member of members) this.#members.set(member.pid, member.token);
  }

  /** Every member seen and not yet seen gone, the root first if it lives. */
  get members(): TreeMember[] {
    return [...this.#members].map(([pid, token]) => ({ pid, token }));
  }

  /** The pids of the members. */
  get pids(): number[] {
    return [...this.#members.keys()];
  }

  /**
   * Whether the tree is still worth looking at: it has members, or it has a marker and was not
   * yet seen empty twice. A marked process cannot appear once none lives (only a marked one
   * passes the marker on), but a look can miss one forked while it read the table.
   */
  get watched(): boolean {
    return this.#members.size > 0 || (this.marker !== null && this.#emptyLooks < 2);
  }

  /**
   * Brings the tree up to date with one snapshot of the process table: members gone (or whose
   * pid now names another process) are dropped, and every live process joins that carries the
   * tree's marker (`markers`: the marker of each process that has one), whose parent is a
   * member, or which is in the root's process group while that group is known to be ours: the
   * root lives, a member is in it, or the caller knows (`groupIsOurs`: the root has only just
   * ended). A group number cannot be reused while any process is in the group.
   */
  update(
    table: readonly ProcessEntry[],
    groupIsOurs = false,
    markers: ReadonlyMap<number, string> = new Map(),
  ): void {
    const { byPid, children, groups } = indexOf(table);
    for (const [pid, token] of this.#members) {
      const entry = byPid.get(pid);
      if (!entry || entry.token !== token || entry.zombie) this.#members.delete(pid);
    }
    const ours = groupIsOurs || this.pids.some((pid) => byPid.get(pid)!.pgid === this.root);
    // Every member's children join, and theirs in turn: one walk down from the members.
    const walk = this.pids.map((pid) => byPid.get(pid)!);
    const join = (entry: ProcessEntry | undefined) => {
      // Never the server itself (a CLI call inside a managed process may have started it):
      // stopping the tree must not stop the server, nor through it all its other processes.
      if (!entry || entry.zombie || this.#members.has(entry.pid) || entry.pid === Deno.pid) return;
      this.#members.set(entry.pid, entry.token);
      walk.push(entry);
    };
    if (this.marker !== null) {
      for (const pid of markedBy(markers).get(this.marker) ?? []) join(byPid.get(pid));
    }
    if (ours) { for (const entry of groups.get(this.root) ?? []) join(entry); }
    for (let entry = walk.pop(); entry !== undefined; entry = walk.pop()) {
      for (const child of children.get(entry.pid) ?? []) join(child);
    }
    this.#emptyLooks = this.#members.size > 0 ? 0 : this.#emptyLooks + 1;
  }

  /** Drops members that are gone, checking each one's identity; returns those alive. */
  prune(): TreeMember[] {
    for (const [pid, token] of this.#members) {
      if (!isSameProcess(pid, token)) this.#members.delete(pid);
    }
    return this.members;
  }
}

/** A process table by pid, by parent and by group: made once per table, shared by every tree. */
interface TableIndex {
  byPid: Map<number, ProcessEntry>;
  children: Map<number, ProcessEntry[]>;
  groups: Map<number, ProcessEntry[]>;
}

const indexes = new WeakMap<readonly ProcessEntry[], TableIndex>();
const markedIndexes = new WeakMap<ReadonlyMap<number, string>, Map<string, number[]>>();

/** The index of a table, made at its first use (see TableIndex). */
function indexOf(table: readonly ProcessEntry[]): TableIndex {
  let index = indexes.get(table);
  if (index) return index;
  index = { byPid: new Map(), children: new Map(), groups: new Map() };
  for (const entry of table) {
    index.byPid.set(entry.pid, entry);
    push(index.children, entry.ppid, entry);
    push(index.groups, entry.pgid, entry);
  }
  indexes.set(table, index);
  return index;
}

/** The pids carrying each marker, made once per markers map. */
function markedBy(markers: ReadonlyMap<number, string>): Map<string, number[]> {
  let index = markedIndexes.get(markers);
  if (index) return index;
  index = new Map();
  for (const [pid, marker] of markers) push(index, marker, pid);
  markedIndexes.set(markers, index);
  return index;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

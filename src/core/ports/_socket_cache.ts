/**
 * The socket inodes each process held when its open files were last read, so that a port scan
 * reads again only what may have changed. Reading every candidate's `/proc/<pid>/fd` is a
 * readdir and a readlink per open file, all synchronous: with 150 programs each starting a
 * `sleep` every second it blocked the server 40-90 ms per scan, since the set of processes
 * changed between any two scans.
 */
import type { ProcessEntry } from "../system/processes.ts";

/** More remembered processes than this and the memory starts over. */
const MAX_REMEMBERED = 10_000;

const key = (entry: ProcessEntry) => `${entry.pid}:${entry.token}`;

/** See the module comment. */
export class SocketCache {
  /** "pid:token" (one process, see ProcessEntry.token) -> its socket inodes, and which scan. */
  #sockets = new Map<string, { sockets: string[]; scan: number }>();
  #scan = 0;
  /** The listening inodes at the last scan, sorted and joined. */
  #listening: string | null = null;
  /** Every process of the machine at the last scan, by key. */
  #alive = new Set<string>();

  constructor(private readonly read: (pid: number) => string[]) {}

  /**
   * Each candidate's socket inodes; `table` is every process of the machine now. Every
   * candidate is read again when a listening socket opened or closed on the machine since the
   * last scan (any of them may have opened it). Otherwise only those not read before are, and
   * of those not one born since the last scan to a parent that held no socket when a scan
   * before this one read it: what it
   * holds it inherited from that parent, or made itself, and listening on it would have
   * changed the listening sockets.
   */
  socketsOf(
    table: readonly ProcessEntry[],
    candidates: readonly ProcessEntry[],
    listening: ReadonlyMap<string, number>,
  ): Map<number, string[]> {
    const signature = [...listening.keys()].sort().join();
    const changed = signature !== this.#listening;
    if (changed || this.#sockets.size > MAX_REMEMBERED) this.#sockets.clear();
    this.#listening = signature;
    const scan = ++this.#scan;
    const parents = new Map(table.map((entry) => [entry.pid, entry]));
    const found = new Map<number, string[]>();
    for (const entry of candidates) {
      let sockets = this.#sockets.get(key(entry))?.sockets;
      if (sockets === undefined) {
        const parent = parents.get(entry.ppid);
        const born = !changed && !this.#alive.has(key(entry));
        const before = parent && this.#sockets.get(key(parent));
        const barren = before && before.scan < scan && before.sockets.length === 0;
        sockets = born && barren ? [] : this.read(entry.pid);
        this.#sockets.set(key(entry), { sockets, scan });
      }
      found.set(entry.pid, sockets);
    }
    this.#alive = new Set(table.map(key));
    return found;
  }
}

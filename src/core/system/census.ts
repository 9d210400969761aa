/**
 * The process table kept up to date for a watch that looks often; see {@link ProcessCensus}.
 */
import { listProcPids, readProcStat } from "./proc.ts";
import { entryFromStat, type ProcessEntry, processTable } from "./processes.ts";

/** How a {@link ProcessCensus} lists processes and reads one; null: no such way here. */
interface CensusSource {
  list(): number[] | null;
  read(pid: number): ProcessEntry | null;
}

const PROC_SOURCE: CensusSource = {
  list: listProcPids,
  read(pid) {
    const stat = readProcStat(pid);
    return stat ? entryFromStat(stat) : null;
  },
};

/** One look of a {@link ProcessCensus}. */
interface CensusLook {
  table: readonly ProcessEntry[];
  /** Goes up whenever a look finds a process come or gone: equal versions, equal tables. */
  version: number;
}

/**
 * The process table, kept up to date cheaply for watching it often: where this server reads
 * `/proc`, a look lists its directory and reads the stat of new pids only, so a machine where
 * nothing starts or ends costs one directory read. A process already seen keeps what was read
 * of it then: its parent, group and state as they were (a reparented orphan, a zombie not yet
 * reaped are not seen as such), and its pid: a pid is only reused once the kernel's pid counter
 * has wrapped, which a look notices (a new pid below the highest new one) and answers with a
 * whole read. Elsewhere each look reads the whole table (through `cat` or `ps`).
 */
export class ProcessCensus {
  readonly #source: CensusSource;
  #known = new Map<number, ProcessEntry>();
  #table: readonly ProcessEntry[] = [];
  #version = 0;
  #highest = 0;

  /** `source` lists and reads processes (for tests); `/proc` unless told. */
  constructor(source: CensusSource = PROC_SOURCE) {
    this.#source = source;
  }

  /** The table now; null when neither `/proc` nor `ps` can tell. */
  look(): CensusLook | null {
    const pids = this.#source.list();
    if (pids === null) {
      const table = processTable();
      if (table === null) return null;
      if (!sameTable(this.#table, table)) this.#replace(table);
      return { table: this.#table, version: this.#version };
    }
    const fresh = pids.filter((pid) => !this.#known.has(pid));
    // With no new pid, every listed one is known: a known one is gone when the counts differ.
    if (fresh.length === 0 && pids.length === this.#known.size) {
      return { table: this.#table, version: this.#version };
    }
    const wrapped = fresh.some((pid) => pid < this.#highest);
    const known = new Map<number, ProcessEntry>();
    if (!wrapped) {
      for (const pid of pids) if (this.#known.has(pid)) known.set(pid, this.#known.get(pid)!);
    }
    for (const pid of wrapped ? pids : fresh) {
      const entry = this.#source.read(pid);
      if (entry) known.set(pid, entry);
    }
    this.#highest = fresh.length === 0
      ? this.#highest
      : wrapped
      ? Math.max(...fresh.filter((pid) => pid < this.#highest))
      : Math.max(this.#highest, ...fresh);
    this.#known = known;
    this.#table = [...known.values()];
    this.#version++;
    return { table: this.#table, version: this.#version };
  }

  #replace(table: ProcessEntry[]): void {
    this.#known = new Map(table.map((entry) => [entry.pid, entry]));
    this.#table = table;
    this.#version++;
  }
}

function sameTable(a: readonly ProcessEntry[], b: readonly ProcessEntry[]): boolean {
  return a.length === b.length &&
    a.every((entry, i) =>
      entry.pid === b[i].pid && entry.token === b[i].token && entry.ppid === b[i].ppid &&
      entry.pgid === b[i].pgid && entry.zombie === b[i].zombie
    );
}

/** The server's one census, shared by the tree watch and the port scans. */
export const census: ProcessCensus = new ProcessCensus();

/**
 * Finds listening TCP sockets and their processes on Linux by reading /proc directly: the
 * kernel's socket tables give the port of each listening socket inode, and each process's
 * `fd/` links name the socket inodes it holds. No subprocess, so a scan costs milliseconds.
 */
import { census } from "../system/census.ts";
import type { ProcessEntry } from "../system/processes.ts";
import { procDirect, readCommandLine, readTcpTables, socketInodes } from "../system/proc.ts";
import { listeningTcpSockets } from "../system/sock_diag.ts";

/** A listening TCP socket and the process that holds it. */
export interface Listener {
  port: number;
  pid: number;
  pgid: number;
  /** The holder's command line (arguments joined by spaces), shortened to 300 characters. */
  command: string;
}

const LISTEN_STATE = "0A";
const MAX_COMMAND = 300;

/**
 * Parses `/proc/net/tcp` or `/proc/net/tcp6` into a map from the inode of each listening
 * socket to its local port.
 */
export function parseProcNetTcp(text: string): Map<string, number> {
  const inodes = new Map<string, number>();
  for (const row of text.split("\n").slice(1)) {
    const fields = row.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN_STATE) continue;
    const port = parseInt(fields[1].slice(fields[1].lastIndexOf(":") + 1), 16);
    if (Number.isInteger(port) && fields[9] !== "0") inodes.set(fields[9], port);
  }
  return inodes;
}

/**
 * The listening sockets of this network namespace, inode to port: from the kernel's socket
 * diagnostics where it can be asked (see system/sock_diag.ts), else from /proc/net/tcp; null
 * when neither can be read (not Linux, not mounted, or Deno lacks the permission).
 */
export function readListenInodes(): Map<string, number> | null {
  const asked = listeningTcpSockets();
  if (asked !== null) return asked;
  return readProcListenInodes();
}

/** {@link readListenInodes} from /proc/net/tcp and tcp6 alone. */
export function readProcListenInodes(): Map<string, number> | null {
  const tables = readTcpTables();
  if (tables === null) return null;
  const inodes = new Map<string, number>();
  for (const text of tables) {
    for (const [inode, port] of parseProcNetTcp(text)) inodes.set(inode, port);
  }
  return inodes;
}

/**
 * The processes of this machine that `wantGroup` accepts (by group and pid), from the server's
 * one census (see system/census.ts) unless `table` is given; null when /proc cannot be read.
 * Sockets are found through /proc/<pid>/fd, which only direct access reads (Deno's or libc's
 * over FFI, see system/proc_ffi.ts): without it the caller asks `ss` (the process table alone
 * would be read, and every socket missed).
 */
export function procCandidates(
  wantGroup: (pgid: number, pid: number) => boolean,
  table: readonly ProcessEntry[] | null = procTable(),
): ProcessEntry[] | null {
  return table?.filter(({ pid, pgid, zombie }) => !zombie && wantGroup(pgid, pid)) ??
    null;
}

/** Every process of this machine, for {@link procCandidates}; null as it says. */
export function procTable(): readonly ProcessEntry[] | null {
  if (!procDirect()) return null;
  return census.look()?.table ?? null;
}

/**
 * The listeners held by `candidates` (see {@link procCandidates}), read from their open files;
 * null when /proc cannot be read. The socket tables are read only when one of them holds a
 * socket at all (they are slow to read on a busy machine), unless `inodes` is given. Processes
 * that vanish or belong to another user are skipped. `sockets` gives a process's socket inodes
 * (read from its open files unless told).
 */
export function candidateListeners(
  candidates: readonly ProcessEntry[],
  inodes?: ReadonlyMap<string, number>,
  sockets: (pid: number) => string[] = socketInodes,
): Listener[] | null {
  const holders: { pid: number; pgid: number; sockets: string[] }[] = [];
  for (const { pid, pgid } of candidates) {
    const held = sockets(pid);
    if (held.length > 0) holders.push({ pid, pgid, sockets: held });
  }
  if (holders.length === 0) return [];
  const listening = inodes ?? readListenInodes();
  if (listening === null) return null;
  const found: Listener[] = [];
  for (const { pid, pgid, sockets: held } of holders) {
    const ports = new Set(held.map((inode) => listening.get(inode)));
    ports.delete(undefined);
    if (ports.size === 0) continue;
    const command = readCommandLine(pid, MAX_COMMAND);
    for (const port of ports) found.push({ port: port!, pid, pgid, command });
  }
  return found;
}

/**
 * Walks /proc once and returns the listeners held by processes that `wantGroup` accepts (by
 * group and pid); null when /proc cannot be read. See {@link candidateListeners}.
 */
export function scanProcListeners(
  wantGroup: (pgid: number, pid: number) => boolean,
  inodes?: ReadonlyMap<string, number>,
): Listener[] | null {
  const candidates = procCandidates(wantGroup);
  return candidates === null ? null : candidateListeners(candidates, inodes);
}

/** A listener as `ss` or `lsof` report it: the pid is missing for other users' processes. */
export interface ReportedListener {
  port: number;
  pid: number | null;
  command: string | null;
}

/**
 * Parses `ss -ltnpH` (listening TCP sockets, with processes, no header). A socket shared by
 * several processes (a pre-fork server) yields one entry per process.
 */
export function parseSsListeners(text: string): ReportedListener[] {
  const found: ReportedListener[] = [];
  for (const row of text.split("\n")) {
    const fields = row.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const local = fields[0] === "LISTEN" ? fields[3] : fields[2];
    const port = Number(local?.slice(local.lastIndexOf(":") + 1));
    if (!Number.isInteger(port) || port < 1) continue;
    const users = [...row.matchAll(/\("([^"]*)",pid=(\d+)/g)];
    if (users.length === 0) found.push({ port, pid: null, command: null });
    for (const [, command, pid] of users) found.push({ port, pid: Number(pid), command });
  }
  return found;
}

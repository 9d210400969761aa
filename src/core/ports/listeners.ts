/**
 * Which TCP ports the managed process trees listen on, and who holds a port someone wants.
 * Linux reads /proc (no subprocess); where /proc cannot be read it asks `ss` and `ps`.
 */
import { lsofListenerArgs, parseLsofListeners } from "./scan_darwin.ts";
import {
  candidateListeners,
  type Listener,
  parseSsListeners,
  procCandidates,
  procTable,
  readListenInodes,
  type ReportedListener,
  scanProcListeners,
} from "./scan_linux.ts";
import { toolText } from "../system/system_tools.ts";
import { socketInodes } from "../system/proc.ts";
import { SocketCache } from "./_socket_cache.ts";

/** A process listening on a port; pid and command are null when the OS hides them. */
export interface PortHolder {
  port: number;
  pid: number | null;
  /** The holder's process group: a managed process's pid when it belongs to that tree. */
  pgid: number | null;
  command: string | null;
}

/** Which listeners a tool scan is after: those of some pids, or those on one port. */
interface ToolScope {
  pids?: number[];
  port?: number;
}

/**
 * Listeners as the platform's own tool reports them: `ss` on Linux where /proc cannot be
 * read, `lsof` on macOS (it has no /proc). Null when the tool is missing or fails.
 */
const TOOL_SCANNERS: Partial<
  Record<typeof Deno.build.os, (scope: ToolScope) => Promise<ReportedListener[] | null>>
> = {
  linux: async () => {
    const text = await toolText("ss", ["-ltnpH"]);
    return text === null ? null : parseSsListeners(text);
  },
  darwin: async ({ pids, port }) => {
    const args = pids
      ? lsofListenerArgs(pids)
      : ["-nP", `-iTCP${port ? `:${port}` : ""}`, "-sTCP:LISTEN", "-Fpn"];
    const text = await toolText("lsof", args, [0, 1]); // 1: nothing matched
    if (text === null) return null;
    return [...parseLsofListeners(text)].flatMap(([pid, ports]) =>
      ports.map((port) => ({ port, pid, command: null }))
    );
  },
};

/**
 * The listening ports of each given process tree, sorted, found in one scan however many trees
 * are asked for. A tree is its root (a managed process's pid, which is also its process group)
 * and the members `membersOf` names: descendants that may have left the group. Only the roots
 * in `groups` (all unless told) are matched by process group: an ended program's pid may since
 * lead an unrelated group, so its tree is its members alone. A tree with no listener, or
 * every tree when the OS cannot tell, maps to an empty list. A fresh scan (a readiness check,
 * the port watch) also retires `list`'s shared scan, so a port it has just seen listening is
 * not then missing from a `list` answered by an older scan.
 */
export async function listeningPorts(
  roots: readonly number[],
  membersOf: (root: number) => readonly number[] = () => [],
  groups: ReadonlySet<number> = new Set(roots),
): Promise<Map<number, number[]>> {
  const ports = await scanListeningPorts(roots, membersOf, groups);
  lastScan = null;
  return ports;
}

async function scanListeningPorts(
  roots: readonly number[],
  membersOf: (root: number) => readonly number[],
  groups: ReadonlySet<number>,
): Promise<Map<number, number[]>> {
  const wanted = new Set([...roots].filter((root) => groups.has(root)));
  const byRoot = new Map<number, number[]>(roots.map((root) => [root, []]));
  if (roots.length === 0) return byRoot;
  const owner = new Map<number, number>();
  for (const root of roots) for (const pid of membersOf(root)) owner.set(pid, root);
  const listeners = procListeners((pgid, pid) => wanted.has(pgid) || owner.has(pid)) ??
    await fromTools({ groups: wanted, members: new Set(owner.keys()) });
  for (const listener of listeners ?? []) {
    const root = (listener.pid === null ? undefined : owner.get(listener.pid)) ??
      (listener.pgid !== null && wanted.has(listener.pgid) ? listener.pgid : undefined);
    const ports = root === undefined ? undefined : byRoot.get(root);
    if (ports && !ports.includes(listener.port)) ports.push(listener.port);
  }
  for (const ports of byRoot.values()) ports.sort((a, b) => a - b);
  return byRoot;
}

/** Sockets of processes already read, for procListeners. */
const socketCache = new SocketCache(socketInodes);

/**
 * The listeners of the processes `want` accepts, from /proc; null when it cannot be read. A
 * process's open files are read only when it is new or a listening socket opened or closed on
 * this machine (see SocketCache). Otherwise (a dashboard polling quiet processes) a scan costs
 * reading the socket tables.
 */
function procListeners(want: (pgid: number, pid: number) => boolean): Listener[] | null {
  const table = procTable();
  const inodes = table === null ? null : readListenInodes();
  if (table === null || inodes === null) return null;
  const candidates = procCandidates(want, table)!;
  const sockets = socketCache.socketsOf(table, candidates, inodes);
  return candidateListeners(candidates, inodes, (pid) => sockets.get(pid) ?? []);
}

/**
 * Who listens on the port: empty when it is free, one entry per holding process otherwise
 * (an entry with a null pid when the holder belongs to another user). Null when the OS cannot
 * tell at all.
 */
export async function findPortHolders(port: number): Promise<PortHolder[] | null> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`Invalid port ${port}: expected a whole number from 1 to 65535`);
  }
  const inodes = readListenInodes();
  if (inodes !== null) {
    const mine = new Map([...inodes].filter(([, p]) => p === port));
    if (mine.size === 0) return [];
    const seen = scanProcListeners(() => true, mine);
    if (seen !== null && seen.length > 0) return seen;
    // Held by a process /proc does not show us (another user's); `ss` may still name it.
    const named = (await fromTools({ port }))?.filter((listener) => listener.port === port);
    return named?.length ? named : [{ port, pid: null, pgid: null, command: null }];
  }
  const listeners = await fromTools({ port });
  if (listeners === null) return null;
  return listeners.filter((listener) => listener.port === port);
}

/** Listeners from `ss`/`lsof`, with groups and command lines from `ps`. */
async function fromTools(
  scope: { groups?: ReadonlySet<number>; members?: ReadonlySet<number>; port?: number },
): Promise<PortHolder[] | null> {
  const scanner = TOOL_SCANNERS[Deno.build.os];
  if (!scanner) return null;
  const processes = parsePs(await toolText("ps", ["-A", "-o", "pid=,pgid=,args="]) ?? "");
  const groups = scope.groups;
  const members = scope.members ?? new Set<number>();
  const pids = groups &&
    [...processes].filter(([pid, p]) => groups.has(p.pgid) || members.has(pid)).map(([pid]) => pid);
  if (pids?.length === 0) return [];
  const reported = await scanner({ pids, port: scope.port });
  if (!reported) return null;
  return reported.map((listener) => {
    const known = listener.pid === null ? undefined : processes.get(listener.pid);
    return {
      port: listener.port,
      pid: listener.pid,
      pgid: known?.pgid ?? null,
      command: known?.command ?? listener.command,
    };
  });
}

/** Parses `ps -A -o pid=,pgid=,args=` into pid -> group and command line. */
export function parsePs(text: string): Map<number, { pgid: number; command: string }> {
  const processes = new Map<number, { pgid: number; command: string }>();
  for (const row of text.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row);
    if (match) {
      processes.set(Number(match[1]), { pgid: Number(match[2]), command: match[3].trim() });
    }
  }
  return processes;
}

/** How long one scan answers `list` calls for the same processes. */
export const LIST_SCAN_MS = 500;
let lastScan: { key: string; at: number; result: Promise<Map<number, number[]>> } | null = null;

/**
 * {@link listeningPorts}, shared by calls for the same trees within {@link LIST_SCAN_MS}: a scan
 * reads all of /proc, and 32 agents listing at once must not each pay for one.
 */
function recentListeningPorts(
  roots: readonly number[],
  membersOf: (root: number) => readonly number[],
  groups: ReadonlySet<number>,
): Promise<Map<number, number[]>> {
  const key = [...roots].sort((a, b) => a - b)
    .map((root) => `${root}${groups.has(root) ? "g" : ""}:${membersOf(root)}`).join(",");
  if (lastScan && lastScan.key === key && Date.now() - lastScan.at < LIST_SCAN_MS) {
    return lastScan.result;
  }
  const result = scanListeningPorts(roots, membersOf, groups);
  lastScan = { key, at: Date.now(), result };
  result.catch(() => lastScan = null);
  return result;
}

/**
 * The processes, each with the ports its tree listens on, found in one scan for all of them:
 * a running one's, and an ended one's while what it left running (`membersOf` names a tree's
 * members beyond its process group) still listens.
 */
export async function withPorts<T extends { pid: number; status: string }>(
  processes: readonly T[],
  membersOf: (root: number) => readonly number[] = () => [],
): Promise<(T & { ports: number[] })[]> {
  const live = processes.filter((p) => p.status === "running" || membersOf(p.pid).length > 0)
    .map((p) => p.pid);
  const running = new Set(processes.filter((p) => p.status === "running").map((p) => p.pid));
  const ports = await recentListeningPorts(live, membersOf, running);
  return processes.map((p) => ({ ...p, ports: ports.get(p.pid) ?? [] }));
}

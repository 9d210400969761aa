/**
 * Reading `/proc` on Linux: the one module that opens its files and parses
 * `/proc/<pid>/stat`. Deno 2.9 refuses every path under `/proc` without `--allow-all` (even
 * with `--allow-read`); a server without it reads the process table through libc over FFI
 * where it may (./proc_ffi.ts), else through `cat` of the same files, so what a process is
 * called does not depend on the server's permissions. Each function says when it cannot read
 * at all, and the callers then ask `ps` (see ./processes.ts).
 */
import { ffiListDir, ffiReadFile, ffiReadLink, ffiUsable } from "./proc_ffi.ts";
import { runToolSync } from "./system_tools.ts";

/** What `/proc/<pid>/stat` says about a process. */
export interface ProcStat {
  pid: number;
  /** One letter: R, S, D, Z (zombie), T... */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** The controlling terminal's device number; 0 when the process has none. */
  tty: number;
  /** Start time, in clock ticks since boot, as printed. */
  start: string;
}

/**
 * How this server reads the process table: Deno's own calls, libc over FFI, or `cat`; null
 * where there is no `/proc` to read.
 */
export type ProcWay = "deno" | "ffi" | "cat";

let readable: boolean | undefined;
let way: ProcWay | null | undefined;

/** How `/proc` is read here (see {@link ProcWay}); the first that works, in that order. */
export function procWay(): ProcWay | null {
  if (way === undefined) {
    way = procReadable()
      ? "deno"
      : Deno.build.os !== "linux"
      ? null
      : ffiUsable() && ffiReadFile("/proc/self/stat")
      ? "ffi"
      : procMounted()
      ? "cat"
      : null;
  }
  return way;
}

/** Forces a way of reading, or back to the one found (`undefined`); for tests. */
export function forceProcWay(forced: ProcWay | undefined): void {
  way = forced;
}

/** Whether this process may read `/proc` at all (Linux, mounted, permitted). */
export function procReadable(): boolean {
  if (readable === undefined) {
    try {
      Deno.statSync("/proc/self/stat");
      Deno.readTextFileSync("/proc/self/stat");
      readable = Deno.build.os === "linux";
    } catch {
      readable = false;
    }
  }
  return readable;
}

/** Parses the text of `/proc/<pid>/stat`; pure, for testing. */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  // The command, in parentheses, may itself hold spaces and parentheses: fields follow the last ")".
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(" ");
  if (fields.length < 20) return null;
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    tty: Number(fields[4]),
    start: fields[19],
  };
}

/**
 * The stat of one process; null when no such process exists, undefined when `/proc` cannot be
 * read here.
 */
export function readProcStat(pid: number): ProcStat | null | undefined {
  const how = procWay();
  if (how === "ffi") {
    const text = ffiReadFile(`/proc/${pid}/stat`);
    return text ? parseProcStat(pid, text) : null;
  }
  if (how !== "deno") {
    // Read through `cat`, so a server with narrow permissions names a process exactly as one
    // with --allow-all does: their tokens must match when one adopts the other's children.
    const text = catProc([`/proc/${pid}/stat`]);
    return text === undefined ? undefined : text ? parseProcStat(pid, text) : null;
  }
  try {
    return parseProcStat(pid, Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return null; // gone, or gone while we looked
  }
}

/** The stat of every process this server can see; null when `/proc` cannot be read. */
export function readAllProcStats(): ProcStat[] | null {
  if (procWay() !== "deno" && procWay() !== "ffi") {
    const text = catProc(["-c", "cd /proc && cat [0-9]*/stat 2>/dev/null"], "sh");
    if (!text) return null;
    const stats: ProcStat[] = [];
    for (const line of text.split("\n")) {
      const stat = parseProcStat(Number(/^\d+/.exec(line)?.[0] ?? 0), line);
      if (stat && stat.pid > 0) stats.push(stat);
    }
    return stats;
  }
  const pids = listProcPids();
  if (pids === null) return null;
  const stats: ProcStat[] = [];
  for (const pid of pids) {
    const stat = readProcStat(pid);
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * The pids of every process this server can see, from one read of the `/proc` directory (no
 * file of a process is opened); null when `/proc` cannot be read here.
 */
export function listProcPids(): number[] | null {
  const how = procWay();
  let names: string[] | null | undefined = null;
  if (how === "ffi") names = ffiListDir("/proc");
  else if (how === "deno") {
    try {
      names = [...Deno.readDirSync("/proc")].map((entry) => entry.name);
    } catch { /* unreadable now */ }
  }
  if (!names) return null;
  const pids: number[] = [];
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code >= 48 && code <= 57) pids.push(Number(name));
  }
  return pids;
}

/**
 * What `cat` (or `sh -c`) prints of files under `/proc` on Linux, for a server that may not
 * read them itself: "" when the process is gone, undefined when there is no such way here.
 */
function catProc(args: string[], program = "cat"): string | undefined {
  if (Deno.build.os !== "linux" || !procMounted()) return undefined;
  const output = runToolSync(program, args);
  if (output === null) return undefined;
  return output.code === 0 || program === "sh" ? output.stdout : "";
}

let mounted: boolean | undefined;

function procMounted(): boolean {
  if (mounted === undefined) {
    const output = runToolSync("cat", ["/proc/self/stat"]);
    mounted = output !== null && output.code === 0 && output.stdout.length > 0;
  }
  return mounted;
}

/**
 * Whether this server reads `/proc` itself, with Deno's calls or libc's, so that it may list a
 * directory there and read links (a process's open files), not only files through `cat`.
 */
export function procDirect(): boolean {
  const how = procWay();
  return how === "deno" || how === "ffi";
}

/** A `/proc` file's text, Deno's way or libc's; null when it cannot be read. */
function readDirect(path: string): string | null {
  if (procWay() === "ffi") return ffiReadFile(path) ?? null;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** Inodes of the sockets among a process's open files; empty for another user's process. */
export function socketInodes(pid: number): string[] {
  const inodes: string[] = [];
  const ffi = procWay() === "ffi";
  let fds: string[] | null | undefined = null;
  if (ffi) fds = ffiListDir(`/proc/${pid}/fd`);
  else {
    try {
      fds = [...Deno.readDirSync(`/proc/${pid}/fd`)].map((entry) => entry.name);
    } catch { /* another user's process, or it exited */ }
  }
  for (const fd of fds ?? []) {
    const path = `/proc/${pid}/fd/${fd}`;
    let target: string | null | undefined = null;
    if (ffi) target = ffiReadLink(path);
    else {
      try {
        target = Deno.readLinkSync(path);
      } catch { /* closed meanwhile */ }
    }
    if (target?.startsWith("socket:[")) inodes.push(target.slice(8, -1));
  }
  return inodes;
}

/** A process's command line, arguments joined by spaces, at most `max` characters. */
export function readCommandLine(pid: number, max: number): string {
  const raw = readDirect(`/proc/${pid}/cmdline`);
  const command = raw?.replace(/\0+$/, "").replaceAll("\0", " ");
  if (command) return command.slice(0, max);
  const stat = readDirect(`/proc/${pid}/stat`) ?? "";
  return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
}

/**
 * The kernel's TCP socket tables (`/proc/net/tcp`, then `tcp6` where the kernel has IPv6);
 * null when they cannot be read.
 */
export function readTcpTables(): string[] | null {
  if (!procDirect()) return null;
  const tables: string[] = [];
  for (const path of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = readDirect(path);
    if (text !== null) tables.push(text);
    else if (path === "/proc/net/tcp") return null; // tcp6 is missing from a kernel without IPv6
  }
  return tables;
}

/** The text of a `/proc` file, or null when it cannot be read (used for the boot id). */
export function readProcFile(path: string): string | null {
  return procDirect() ? readDirect(path) : null;
}

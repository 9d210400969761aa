/**
 * The processes of this machine as the core needs to know them: who started when (so a reused
 * pid is never taken for the process that had it), who is whose parent, and which group each
 * is in. Read from `/proc` where this server may, else from `ps`.
 */
import { type ProcStat, readAllProcStats, readProcFile, readProcStat } from "./proc.ts";
import { runToolSync } from "./system_tools.ts";

/** One process, as seen at one moment. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** Opaque; equal for one pid only when it is the same process (see processStartToken). */
  token: string;
  /** Dead, only waiting for its parent to reap it. */
  zombie: boolean;
  /** Stopped by a signal (SIGSTOP, SIGTSTP) or a tracer: it runs no code until continued. */
  stopped: boolean;
  /** In an uninterruptible wait in the kernel (state D): a signal takes effect after it. */
  blocked: boolean;
}

/** ps prints dates in the caller's locale unless told: a token must not depend on it. */
const PS_ENV = { LC_ALL: "C" };

let cachedBootId: string | undefined;

/**
 * What tells this boot from the next: `/proc/sys/kernel/random/boot_id` on Linux (through
 * `cat` where Deno may not read `/proc`), `sysctl kern.boottime` on macOS and the BSDs; empty
 * where neither exists.
 */
export function bootId(): string {
  if (cachedBootId === undefined) {
    let text: string | null = null;
    if (Deno.build.os === "linux") {
      const path = "/proc/sys/kernel/random/boot_id";
      text = readProcFile(path) ?? runToolSync("cat", [path])?.stdout ?? null;
    } else if (Deno.build.os !== "windows") {
      const output = runToolSync("sysctl", ["-n", "kern.boottime"]);
      text = output?.code === 0 ? /\{[^}]*\}/.exec(output.stdout)?.[0] ?? output.stdout : null;
    }
    cachedBootId = (text ?? "").trim().replace(/[^A-Za-z0-9=,-]+/g, "");
  }
  return cachedBootId;
}

function procToken(start: string): string {
  return `${bootId()}/proc:${start}`;
}

function psToken(lstart: string): string {
  return `${bootId()}/ps:${lstart.trim().replace(/\s+/g, " ")}`;
}

/**
 * An opaque token for when the process `pid` started in this boot, or null when no such
 * process lives (a zombie counts as gone). Two equal tokens for one pid mean one and the same
 * process, even across a reboot.
 */
export function processStartToken(pid: number): string | null {
  if (!Number.isInteger(pid) || pid < 1) return null;
  const stat = readProcStat(pid);
  if (stat !== undefined) return stat === null || stat.state === "Z" ? null : procToken(stat.start);
  return psStartToken(pid);
}

/** The token `ps` gives (macOS, the BSDs; on Linux only for tokens a 0.3 server saved). */
function psStartToken(pid: number): string | null {
  const output = runToolSync("ps", ["-o", "stat=,lstart=", "-p", String(pid)], PS_ENV);
  const match = output?.code === 0 ? /^\s*(\S+)\s+(.+?)\s*$/.exec(output.stdout) : null;
  if (!match || match[1].startsWith("Z")) return null;
  return psToken(match[2]);
}

/**
 * Whether `pid` is still the process `token` was taken from. Tokens saved before the boot id
 * was part of them (`proc:...`, `ps:...`) are compared without it.
 */
export function isSameProcess(pid: number, token: string | null): boolean {
  if (token === null) return false;
  // A token is compared with one taken the same way: `ps` and /proc word start times apart.
  const current = /(^|\/)ps:/.test(token) ? psStartToken(pid) : processStartToken(pid);
  if (current === null) return false;
  if (current === token) return true;
  return !token.includes("/") && current.slice(current.indexOf("/") + 1) === token;
}

/** A process as its `/proc/<pid>/stat` describes it. */
export function entryFromStat(stat: ProcStat): ProcessEntry {
  return {
    pid: stat.pid,
    ppid: stat.ppid,
    pgid: stat.pgid,
    token: procToken(stat.start),
    zombie: stat.state === "Z",
    stopped: stat.state === "T" || stat.state === "t",
    blocked: stat.state === "D",
  };
}

/** Every process this server can see; null when neither `/proc` nor `ps` can tell. */
export function processTable(): ProcessEntry[] | null {
  const stats = readAllProcStats();
  if (stats !== null) return stats.map(entryFromStat);
  if (Deno.build.os === "windows") return null;
  const output = runToolSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat=,lstart="], PS_ENV);
  return output?.code === 0 ? parsePsTable(output.stdout, psToken) : null;
}

/**
 * Parses `ps -A -o pid=,ppid=,pgid=,stat=,lstart=`; pure, for testing. `token` turns the
 * start time into a token.
 */
export function parsePsTable(text: string, token: (lstart: string) => string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const row of text.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(row);
    if (!match) continue;
    entries.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      pgid: Number(match[3]),
      token: token(match[5]),
      zombie: match[4].startsWith("Z"),
      stopped: match[4].startsWith("T"),
      // BSD ps says U for an uninterruptible wait, procps says D.
      blocked: /^[DU]/.test(match[4]),
    });
  }
  return entries;
}

/**
 * Whether the process group has a member that is not a zombie; undefined when neither
 * `/proc` nor `ps` can tell.
 */
export function groupHasLiveMember(pgid: number): boolean | undefined {
  // Elsewhere a zombie member is rare and short-lived enough for signal 0 to answer alone.
  if (Deno.build.os !== "linux") return undefined;
  return processTable()?.some((entry) => entry.pgid === pgid && !entry.zombie);
}

/**
 * Reading one variable from the environment other processes were started with, for many
 * processes in one go: a Linux server reads `/proc/<pid>/environ` itself where Deno lets it,
 * else in one `sh` run that checks ownership and `grep`s every file at once; elsewhere one
 * `ps` run with its environment display (`-E` on macOS, where `-e` means every process; `-e`
 * on the BSDs; the BSD-style `e` of procps, which lets a Linux test take this path too).
 *
 * Only processes of this server's own user count: another user's process is passed over even
 * where it could be read (a server running as root). What is read is the environment a
 * process was started with; a program that changes its own later is not seen changing it.
 */
import { procReadable } from "./proc.ts";
import { runToolSync } from "./system_tools.ts";

/** How the environments are read: see the module comment. */
type EnvironmentSource = "proc" | "ps";

/** The `ps` option that adds the environment to the command column, per system (also used by ./process_details.ts). */
export const PS_ENVIRONMENT_FLAG: Partial<Record<typeof Deno.build.os, string>> = {
  darwin: "-E",
  freebsd: "-e",
  netbsd: "-e",
  linux: "e",
};

/**
 * The value of `name` in the environment of each of `pids` that runs as this user and has it.
 * A pid missing from the answer was read and has no such variable, is another user's, or is
 * gone. Null when nothing could be read here (no `/proc`, no `ps`, or a system whose `ps`
 * cannot show environments). `source` forces a way of reading (for tests).
 */
export function environmentValues(
  name: string,
  pids: readonly number[],
  source: EnvironmentSource = defaultSource(),
): Map<number, string> | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`Bad variable name "${name}"`);
  if (pids.length === 0) return new Map();
  if (source === "ps") return fromPs(name, pids);
  return procReadable() ? fromProc(name, pids) : fromGrep(name, pids);
}

function defaultSource(): EnvironmentSource {
  return Deno.build.os === "linux" ? "proc" : "ps";
}

function fromProc(name: string, pids: readonly number[]): Map<number, string> {
  const values = new Map<number, string>();
  const prefix = `${name}=`;
  const decoder = new TextDecoder();
  let ownUid: number | null;
  try {
    ownUid = Deno.statSync("/proc/self").uid;
  } catch {
    return values;
  }
  for (const pid of pids) {
    try {
      if (Deno.statSync(`/proc/${pid}`).uid !== ownUid) continue;
      const text = decoder.decode(Deno.readFileSync(`/proc/${pid}/environ`));
      const value = valueIn(text.split("\0"), prefix);
      if (value !== null) values.set(pid, value);
    } catch { /* gone meanwhile */ }
  }
  return values;
}

function valueIn(variables: readonly string[], prefix: string): string | null {
  const found = variables.find((variable) => variable.startsWith(prefix));
  return found === undefined ? null : found.slice(prefix.length);
}

/**
 * One `sh` for all pids: `test -O` keeps the processes of the shell's (this server's) user, and
 * one `grep` prints `/proc/<pid>/environ:NAME=value` for each that has the variable.
 */
const GREP_SCRIPT = 'p="$1"; shift; set -- $(for pid do [ -O "/proc/$pid" ] && ' +
  'echo "/proc/$pid/environ"; done); [ $# -eq 0 ] || grep -a -z -H -s -e "^$p" "$@"';

function fromGrep(name: string, pids: readonly number[]): Map<number, string> | null {
  if (Deno.build.os !== "linux") return null;
  const output = runToolSync("sh", ["-c", GREP_SCRIPT, "sh", `${name}=`, ...pids.map(String)]);
  // grep exits 1 when nothing matched and 2 when a file vanished: its matches still count.
  if (output === null || output.code > 2) return null;
  return parseGrepEnvironments(output.stdout, name);
}

/** Parses what `grep -a -z -H` printed of `/proc/<pid>/environ` files; pure, for testing. */
export function parseGrepEnvironments(text: string, name: string): Map<number, string> {
  const values = new Map<number, string>();
  const prefix = `${name}=`;
  for (const match of text.split("\0")) {
    const found = /^\/proc\/(\d+)\/environ:(.*)$/s.exec(match);
    if (found && found[2].startsWith(prefix) && !values.has(Number(found[1]))) {
      values.set(Number(found[1]), found[2].slice(prefix.length));
    }
  }
  return values;
}

function fromPs(name: string, pids: readonly number[]): Map<number, string> | null {
  const flag = PS_ENVIRONMENT_FLAG[Deno.build.os];
  if (flag === undefined) return null;
  // This server's own pid is asked for too: its row tells which uid is ours.
  const list = [Deno.pid, ...pids].join(",");
  const output = runToolSync("ps", [flag, "-ww", "-o", "pid=,uid=,command=", "-p", list], {
    LC_ALL: "C",
  });
  // ps exits 1 when some pids are gone; the rows of the others are still printed.
  if (output === null || output.stdout.trim() === "") return null;
  return parsePsEnvironments(output.stdout, name, Deno.pid);
}

/**
 * Parses `ps -o pid=,uid=,command=` with the environment shown (macOS and the BSDs print it
 * before the arguments, procps after them): the value of `name` for each row of the same uid
 * as the row of `ownPid`, which is left out. Pure, for testing.
 */
export function parsePsEnvironments(
  text: string,
  name: string,
  ownPid: number,
): Map<number, string> {
  const rows = text.split("\n").flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s?(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), uid: match[2], rest: match[3] }] : [];
  });
  const ownUid = rows.find((row) => row.pid === ownPid)?.uid;
  const values = new Map<number, string>();
  const pattern = new RegExp(`(?:^|\\s)${name}=(\\S*)`);
  for (const row of rows) {
    if (row.pid === ownPid || row.uid !== ownUid) continue;
    const found = pattern.exec(row.rest);
    if (found) values.set(row.pid, found[1]);
  }
  return values;
}

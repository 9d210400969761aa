/**
 * What it takes to run a process again that persistproc did not start: its arguments, working
 * directory and environment, with its owner, parent, group and terminal. Linux reads `/proc`
 * (through `cat` and `readlink` where Deno may not); elsewhere `ps` and `lsof` tell what they
 * can, and what they cannot is said in `limits`: `ps` joins the arguments with spaces and
 * prints the environment on the same line, so an argument or value holding a space followed
 * by `NAME=` is not told apart. A Linux test forces that way to keep it exercised.
 */
import { PS_ENVIRONMENT_FLAG } from "./environ.ts";
import { procReadable, readProcStat } from "./proc.ts";
import { runToolSync } from "./system_tools.ts";

/** How the details are read: see the module comment. */
export type DetailsSource = "proc" | "ps";

/** One process, as adopting it needs to know it. */
export interface ProcessDetails {
  pid: number;
  ppid: number;
  pgid: number;
  /** Null where `ps` cannot tell the session. */
  sid: number | null;
  /** Null when the owner cannot be read. */
  uid: number | null;
  /** The arguments, exactly (`/proc`); null when only the joined line is known (`ps`). */
  argv: string[] | null;
  /** The arguments joined by spaces, as `ps` shows them. */
  commandLine: string;
  /** Null when it cannot be read (another user's process, no `lsof`). */
  cwd: string | null;
  /** Null when it cannot be read. */
  environment: Record<string, string> | null;
  /** Whether it has a controlling terminal. */
  tty: boolean;
  /** What could not be read exactly, in words, for the person deciding. */
  limits: string[];
}

let cachedUid: number | null | undefined;

/**
 * The user this server runs as, or null where the system has no uids. Asked of `id` where
 * Deno may not tell (the compiled binary has no --allow-sys).
 */
export function ownUid(): number | null {
  if (cachedUid === undefined) {
    try {
      cachedUid = Deno.uid();
    } catch {
      const output = runToolSync("id", ["-u"]);
      cachedUid = output?.code === 0 ? Number(output.stdout.trim()) : null;
    }
  }
  return cachedUid;
}

/**
 * The details of `pid`, or null when no such process lives. `source` forces a way of reading
 * (for tests); by default `/proc` on Linux, `ps` elsewhere.
 */
export function processDetails(
  pid: number,
  source: DetailsSource = Deno.build.os === "linux" ? "proc" : "ps",
): ProcessDetails | null {
  return source === "proc" ? fromProc(pid) : fromPs(pid);
}

function fromProc(pid: number): ProcessDetails | null {
  const stat = readProcStat(pid);
  if (!stat || stat.state === "Z") return null;
  const limits: string[] = [];
  const cmdline = readText(`/proc/${pid}/cmdline`);
  const argv = cmdline === null ? null : splitNul(cmdline);
  const environ = readText(`/proc/${pid}/environ`);
  const cwd = readLink(`/proc/${pid}/cwd`);
  if (argv === null || argv.length === 0) limits.push("its command line cannot be read");
  if (environ === null) limits.push("its environment cannot be read");
  if (cwd === null) limits.push("its working directory cannot be read");
  return {
    pid,
    ppid: stat.ppid,
    pgid: stat.pgid,
    sid: stat.sid,
    uid: ownerOf(`/proc/${pid}`),
    argv: argv?.length ? argv : null,
    commandLine: argv?.join(" ") ?? "",
    cwd,
    environment: environ === null ? null : parseVariables(splitNul(environ)),
    tty: stat.tty !== 0,
    limits,
  };
}

/** A `/proc` file's text; null when it cannot be read (gone, another user's). */
function readText(path: string): string | null {
  if (procReadable()) {
    try {
      return new TextDecoder().decode(Deno.readFileSync(path));
    } catch {
      return null;
    }
  }
  const output = runToolSync("cat", [path]);
  return output?.code === 0 ? output.stdout : null;
}

function readLink(path: string): string | null {
  if (procReadable()) {
    try {
      return Deno.readLinkSync(path);
    } catch {
      return null;
    }
  }
  const output = runToolSync("readlink", [path]);
  return output?.code === 0 ? output.stdout.replace(/\n$/, "") : null;
}

function ownerOf(path: string): number | null {
  if (procReadable()) {
    try {
      return Deno.statSync(path).uid;
    } catch {
      return null;
    }
  }
  const output = runToolSync("stat", ["-c", "%u", path]);
  return output?.code === 0 ? Number(output.stdout.trim()) : null;
}

function splitNul(text: string): string[] {
  return text.replace(/\0+$/, "").split("\0").filter((part, i) => part !== "" || i > 0);
}

/** `NAME=value` strings as a record; pure. Later duplicates win, as getenv's callers see. */
function parseVariables(variables: readonly string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variable of variables) {
    const eq = variable.indexOf("=");
    if (eq > 0) environment[variable.slice(0, eq)] = variable.slice(eq + 1);
  }
  return environment;
}

const PS_ENV = { LC_ALL: "C" };

function fromPs(pid: number): ProcessDetails | null {
  const fields = runToolSync("ps", ["-o", "uid=,ppid=,pgid=,tty=", "-p", String(pid)], PS_ENV);
  const match = fields?.code === 0 ? /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)/.exec(fields.stdout) : null;
  if (!match) return null;
  const limits = ["ps joins its arguments with spaces: an argument holding a space is split"];
  const commandLine = psColumn(pid, []);
  const flag = PS_ENVIRONMENT_FLAG[Deno.build.os];
  const withEnvironment = flag === undefined ? null : psColumn(pid, [flag]);
  const environment = commandLine !== null && withEnvironment !== null
    ? parsePsEnvironment(commandLine, withEnvironment)
    : null;
  if (environment === null) limits.push("its environment cannot be read");
  else limits.push("ps shows the environment on one line: a value holding ' NAME=' is cut");
  const cwd = lsofCwd(pid);
  if (cwd === null) limits.push("its working directory cannot be read (lsof)");
  return {
    pid,
    ppid: Number(match[2]),
    pgid: Number(match[3]),
    sid: null,
    uid: Number(match[1]),
    argv: null,
    commandLine: commandLine ?? "",
    cwd,
    environment,
    tty: !/^\?+$/.test(match[4]),
    limits,
  };
}

function psColumn(pid: number, flags: string[]): string | null {
  const output = runToolSync("ps", [...flags, "-ww", "-o", "command=", "-p", String(pid)], PS_ENV);
  return output?.code === 0 ? output.stdout.replace(/\n$/, "").trim() : null;
}

/**
 * The environment in what `ps` printed with it (`withEnvironment`), given what it printed
 * without (`commandLine`): the rest of the line after the command (procps, macOS) or before it
 * (the BSDs), split where a word starts with `NAME=`. Pure; null when the line is not the
 * command plus variables.
 */
export function parsePsEnvironment(
  commandLine: string,
  withEnvironment: string,
): Record<string, string> | null {
  let rest: string;
  if (withEnvironment.startsWith(commandLine)) rest = withEnvironment.slice(commandLine.length);
  else if (withEnvironment.endsWith(commandLine)) {
    rest = withEnvironment.slice(0, withEnvironment.length - commandLine.length);
  } else return null;
  const variables: string[] = [];
  for (const word of rest.trim().split(" ")) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || variables.length === 0) variables.push(word);
    else variables[variables.length - 1] += ` ${word}`;
  }
  return parseVariables(variables.filter((variable) => variable !== ""));
}

/** The working directory `lsof` names; null when it cannot (missing, another user's). */
function lsofCwd(pid: number): string | null {
  const output = runToolSync("lsof", ["-a", "-p", String(pid), "-d", "cwd", "-Fn"]);
  if (output?.code !== 0) return null;
  const line = output.stdout.split("\n").find((row) => row.startsWith("n"));
  return line ? line.slice(1) : null;
}

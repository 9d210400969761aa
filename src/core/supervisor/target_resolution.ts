/**
 * Finds the process a caller means: by pid, else by label, else by command (+ directory).
 */
import { AmbiguousTargetError, InvalidArgumentError, ProcessNotFoundError } from "../errors.ts";
import type { ProcessFilter, ProcessStatus, ProcessTarget } from "../types.ts";

/** The part of a managed process that addressing looks at. */
export interface Addressable {
  pid: number;
  /** The pids of its earlier runs: a pid from before a restart still names it. */
  earlierPids?: readonly number[];
  status: string;
  startTime?: Date;
  spec: {
    label: string;
    command_line: string;
    working_directory: string;
    started_by?: string | null;
  };
}

/**
 * The directory as processes are recorded under it: its real path (a start resolves symlinks,
 * so `/tmp/link` must match what was started there), or the path as given, less a trailing
 * slash, when it does not exist (any more).
 */
export function canonicalDirectory(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path.length > 1 ? path.replace(/\/+$/, "") : path;
  }
}

/** Whether an entry matches a `list` filter; an empty filter matches everything. */
export function matchesFilter(entry: Addressable, filter: ProcessFilter): boolean {
  if (filter.pid !== undefined && entry.pid !== filter.pid) return false;
  const status = filter.status;
  if (status !== undefined && ![status].flat().includes(entry.status as ProcessStatus)) {
    return false;
  }
  const by = filter.started_by;
  const started = entry.spec.started_by;
  if (by !== undefined && started !== by && !started?.startsWith(`${by}/`)) return false;
  if (
    filter.working_directory !== undefined &&
    entry.spec.working_directory !== canonicalDirectory(filter.working_directory)
  ) return false;
  const name = filter.command_or_label;
  return name === undefined || entry.spec.label === name || runsCommand(entry, name);
}

/**
 * Whether `entry` runs the command `name` as it was asked for: its command line, or the command
 * its default label records (`npm run dev` for a Vite server started with `assign_port`, whose
 * command line gained `-- --port N --strictPort`).
 */
function runsCommand(entry: Addressable, name: string): boolean {
  const { command_line, label, working_directory } = entry.spec;
  return command_line === name || label === `${name} in ${working_directory}`;
}

/**
 * Returns the one entry the target names. A pid wins over a label, a label over a command; a
 * pid no process has now names the process it belonged to before a restart; of several
 * entries a name matches, the only one running. No match, or
 * several, is an error that lists the candidates (and names one whose label is close to what
 * was asked for) so the caller can pick.
 */
export function resolveTarget<T extends Addressable>(entries: T[], target: ProcessTarget): T {
  if (target.pid !== undefined) {
    if (!Number.isInteger(target.pid) || target.pid < 1) {
      throw new InvalidArgumentError(`Invalid pid ${target.pid}: expected a positive whole number`);
    }
    // An ended entry's pid may since have been given to a newer process: the running one wins,
    // else the latest started.
    const withPid = entries.filter((entry) => entry.pid === target.pid);
    const found = withPid.find((entry) => entry.status === "running") ??
      newestFirst(withPid)[0] ??
      newestFirst(entries.filter((entry) => entry.earlierPids?.includes(target.pid!)))[0];
    if (found) return found;
    throw new ProcessNotFoundError(`No managed process has PID ${target.pid}${known(entries)}`);
  }
  const name = target.command_or_label?.trim();
  if (!name) {
    throw new InvalidArgumentError(
      "Name the process: give pid, or command_or_label (a label or command)",
    );
  }
  const directory = target.working_directory === undefined
    ? undefined
    : canonicalDirectory(target.working_directory);
  const inDir = directory === undefined
    ? entries
    : entries.filter((e) => e.spec.working_directory === directory);
  const byLabel = inDir.filter((entry) => entry.spec.label === name);
  if (byLabel.length === 1) return byLabel[0];
  const byCommand = inDir.filter((entry) => runsCommand(entry, name));
  if (byCommand.length === 1) return byCommand[0];
  const matches = byLabel.length > 1 ? byLabel : byCommand;
  // Of several, the one that runs is the one meant (`stop "npm run dev"` with ended runs of it
  // in other folders still listed).
  const running = matches.filter((entry) => entry.status === "running");
  if (running.length === 1) return running[0];
  if (matches.length > 1) {
    throw new AmbiguousTargetError(
      `"${name}" matches ${matches.length} processes; give pid or working_directory:\n${
        candidateLines(matches)
      }`,
    );
  }
  const where = target.working_directory ? ` in "${target.working_directory}"` : "";
  throw new ProcessNotFoundError(
    `No managed process is labelled or runs "${name}"${where}${closeTo(name, entries)}${
      known(entries)
    }`,
  );
}

function newestFirst<T extends Addressable>(entries: T[]): T[] {
  return entries.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
}

/** `; did you mean "watcher" (PID 7, running)` for a label a typo away, running ones first. */
function closeTo(name: string, entries: Addressable[]): string {
  const close = ordered(entries).find(({ spec: { label } }) =>
    editDistance(label.toLowerCase(), name.toLowerCase()) <=
      Math.max(1, Math.floor(name.length / 4))
  );
  return close ? `; did you mean "${close.spec.label}" (PID ${close.pid}, ${close.status})` : "";
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/** Running ones first, then the rest, newest first. */
function ordered<T extends Addressable>(entries: T[]): T[] {
  const running = entries.filter((e) => e.status === "running");
  return [...newestFirst(running), ...newestFirst(entries.filter((e) => e.status !== "running"))];
}

/** One candidate a line, running ones first, so the one that is meant stands out. */
function candidateLines(entries: Addressable[]): string {
  return ordered(entries).map((e) => `  ${describeOne(e)}`).join("\n");
}

function describeOne(e: Addressable): string {
  return `PID ${e.pid} "${e.spec.label}" (${e.status})`;
}

function describe(entries: Addressable[]): string {
  return entries.map(describeOne).join("; ");
}

/** The processes known, running ones first, then the newest ended ones: at most 10. */
function known(entries: Addressable[]): string {
  if (entries.length === 0) return "; no processes are managed yet";
  const shown = ordered(entries).slice(0, 10);
  return `; known: ${describe(shown)}${entries.length > shown.length ? "; ..." : ""}`;
}

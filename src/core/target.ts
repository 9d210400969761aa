/**
 * Finds the process a caller means: by pid, else by label, else by command (+ directory).
 */
import { AmbiguousTargetError, ProcessNotFoundError } from "./errors.ts";
import type { ProcessFilter, ProcessTarget } from "./types.ts";

/** The part of a managed process that addressing looks at. */
export interface Addressable {
  pid: number;
  status: string;
  startTime?: Date;
  spec: {
    label: string;
    command_line: string;
    working_directory: string;
    started_by?: string | null;
  };
}

/** Whether an entry matches a `list` filter; an empty filter matches everything. */
export function matchesFilter(entry: Addressable, filter: ProcessFilter): boolean {
  if (filter.pid !== undefined && entry.pid !== filter.pid) return false;
  const by = filter.started_by;
  const started = entry.spec.started_by;
  if (by !== undefined && started !== by && !started?.startsWith(`${by}/`)) return false;
  if (
    filter.working_directory !== undefined &&
    entry.spec.working_directory !== stripSlash(filter.working_directory)
  ) return false;
  const name = filter.command_or_label;
  return name === undefined || entry.spec.label === name || entry.spec.command_line === name;
}

/**
 * Returns the one entry the target names. A pid wins over a label, a label over a command.
 * No match, or several, is an error that lists the candidates so the caller can pick.
 */
export function resolveTarget<T extends Addressable>(entries: T[], target: ProcessTarget): T {
  if (target.pid !== undefined) {
    if (!Number.isInteger(target.pid) || target.pid < 1) {
      throw new RangeError(`Invalid pid ${target.pid}: expected a positive whole number`);
    }
    // An ended entry's pid may since have been given to a newer process: the running one wins,
    // else the latest started.
    const withPid = entries.filter((entry) => entry.pid === target.pid);
    const found = withPid.find((entry) => entry.status === "running") ??
      withPid.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0))[0];
    if (found) return found;
    throw new ProcessNotFoundError(`No managed process has PID ${target.pid}${known(entries)}`);
  }
  const name = target.command_or_label?.trim();
  if (!name) {
    throw new TypeError("Name the process: give pid, or command_or_label (a label or command)");
  }
  const inDir = target.working_directory === undefined
    ? entries
    : entries.filter((e) => e.spec.working_directory === stripSlash(target.working_directory!));
  const byLabel = inDir.filter((entry) => entry.spec.label === name);
  if (byLabel.length === 1) return byLabel[0];
  const byCommand = inDir.filter((entry) => entry.spec.command_line === name);
  if (byCommand.length === 1) return byCommand[0];
  const matches = byLabel.length > 1 ? byLabel : byCommand;
  if (matches.length > 1) {
    throw new AmbiguousTargetError(
      `"${name}" matches ${matches.length} processes; give a pid or working_directory: ${
        describe(matches)
      }`,
    );
  }
  const where = target.working_directory ? ` in "${target.working_directory}"` : "";
  throw new ProcessNotFoundError(
    `No managed process is labelled or runs "${name}"${where}${known(entries)}`,
  );
}

function stripSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function describe(entries: Addressable[]): string {
  return entries.map((e) => `PID ${e.pid} "${e.spec.label}" (${e.status})`).join("; ");
}

function known(entries: Addressable[]): string {
  if (entries.length === 0) return "; no processes are managed yet";
  const shown = entries.slice(-10);
  return `; known: ${describe(shown)}${entries.length > shown.length ? "; ..." : ""}`;
}

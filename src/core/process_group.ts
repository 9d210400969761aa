/**
 * Signals and watches a whole process group: a managed child and everything it started.
 */
import process from "node:process";

/** How often a stop looks again whether the group is gone. */
const POLL_MS = 50;

/**
 * Whether any live member of the process group still exists. Signal 0 counts zombies too, and
 * an init that reaps orphans slowly can keep dead members visible for seconds; where /proc can
 * be read, members that are only zombies count as gone.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`Invalid process group ${pgid}`);
  try {
    // Signal 0 checks for existence without delivering anything; Deno.kill has no signal 0.
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
  return hasLiveMember(pgid) ?? true;
}

/** Scans /proc for a non-zombie member of the group; undefined when /proc cannot be read. */
function hasLiveMember(pgid: number): boolean | undefined {
  if (Deno.build.os !== "linux") return undefined;
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync("/proc");
  } catch {
    return undefined; // not permitted (Deno wants --allow-all for /proc) or not mounted
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
  }
  return false;
}

/** Sends a signal to every member of the group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: Deno.Signal): void {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`Invalid process group ${pgid}`);
  try {
    Deno.kill(-pgid, signal);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) && !isNoSuchProcess(error)) throw error;
  }
}

function isNoSuchProcess(error: unknown): boolean {
  return /ESRCH|No such process/i.test(String((error as Error)?.message ?? error));
}

/** Options for {@link stopGroup}. */
export interface StopGroupOptions {
  /** How long members get to exit after SIGTERM before SIGKILL. */
  graceMs: number;
  /** SIGKILL at once, without SIGTERM first. */
  force?: boolean;
}

/**
 * Stops a whole process group: SIGTERM, wait up to `graceMs` for every member to be gone, then
 * SIGKILL and wait again. Resolves with the signal that finished the job, or null when the
 * group was already gone. Waiting polls, so other requests are served meanwhile.
 */
export async function stopGroup(
  pgid: number,
  options: StopGroupOptions,
): Promise<"SIGTERM" | "SIGKILL" | null> {
  if (!isGroupAlive(pgid)) return null;
  if (!options.force) {
    signalGroup(pgid, "SIGTERM");
    if (await waitGone(pgid, options.graceMs)) return "SIGTERM";
  }
  signalGroup(pgid, "SIGKILL");
  await waitGone(pgid, 5_000);
  return "SIGKILL";
}

/** Waits until the group is gone or the time is up; says which. */
export async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/**
 * Signals and watches a whole process group: a managed child and everything it started.
 */
import process from "node:process";
import { groupHasLiveMember } from "../system/processes.ts";
import { runTool } from "../system/system_tools.ts";

/** How often a stop looks again whether the group is gone. */
const POLL_MS = 50;

/**
 * Whether any live member of the process group still exists. Signal 0 counts zombies too, and
 * an init that reaps orphans slowly can keep dead members visible for seconds; on Linux, where
 * /proc or `ps` can tell, members that are only zombies count as gone.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`Invalid process group ${pgid}`);
  try {
    // Signal 0 checks for existence without delivering anything; Deno.kill has no signal 0.
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
  return groupHasLiveMember(pgid) ?? true;
}

/** Sends a signal to every member of the group; a group already gone is not an error. */
function signalGroup(pgid: number, signal: Deno.Signal): void {
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
 * How one platform stops a process tree. On Unix the managed child leads its own process group
 * (it is spawned detached), so signals go to the group: SIGTERM, then SIGKILL once the grace
 * period is over, or SIGKILL alone when forced. Windows has no process groups and no SIGTERM a
 * console program can catch, so the tree is ended at once with `taskkill /T /F`, which walks
 * the child's descendants by parent pid (an orphan whose parent already exited is not found).
 */
type TreeStopPlan =
  | { kind: "signals"; pgid: number; signals: Array<"SIGTERM" | "SIGKILL"> }
  | { kind: "command"; program: string; args: string[] };

/** Builds the {@link TreeStopPlan} for `os`; pure, so every platform's plan is testable anywhere. */
export function treeStopPlan(
  os: typeof Deno.build.os,
  pid: number,
  force: boolean,
): TreeStopPlan {
  if (!Number.isInteger(pid) || pid <= 1) throw new RangeError(`Invalid process ${pid}`);
  if (os === "windows") {
    return { kind: "command", program: "taskkill", args: ["/T", "/F", "/PID", String(pid)] };
  }
  return { kind: "signals", pgid: pid, signals: force ? ["SIGKILL"] : ["SIGTERM", "SIGKILL"] };
}

/** taskkill's exit code when no process has the pid. */
const TASKKILL_NOT_FOUND = 128;

/**
 * Runs a `command` plan and says what happened: `SIGKILL` (the tree was killed; Windows has no
 * gentler stop for console programs) or null when the process was already gone. Any other
 * failure, such as access denied, throws with the command's own message.
 */
export async function runStopCommand(
  plan: Extract<TreeStopPlan, { kind: "command" }>,
): Promise<"SIGKILL" | null> {
  const output = await runTool(plan.program, plan.args);
  if (output === null) {
    throw new Error(`Cannot stop the process tree: "${plan.program}" cannot be run`);
  }
  const { code, stdout, stderr } = output;
  if (code === 0) return "SIGKILL";
  if (code === TASKKILL_NOT_FOUND) return null;
  const text = (stderr || stdout).trim();
  throw new Error(`Cannot stop the process tree: "${plan.program}" exited with ${code}: ${text}`);
}

/**
 * Stops a whole process tree as {@link treeStopPlan} says. On Unix: SIGTERM, wait up to
 * `graceMs` for every group member to be gone, then SIGKILL and wait again. Resolves with the
 * signal that finished the job, or null when the group was already gone. Waiting polls, so
 * other requests are served meanwhile.
 */
export async function stopGroup(
  pgid: number,
  options: StopGroupOptions,
): Promise<"SIGTERM" | "SIGKILL" | null> {
  const plan = treeStopPlan(Deno.build.os, pgid, options.force ?? false);
  if (plan.kind === "command") return await runStopCommand(plan);
  if (!isGroupAlive(pgid)) return null;
  for (const signal of plan.signals) {
    signalGroup(pgid, signal);
    if (signal === "SIGKILL") break;
    if (await waitGone(pgid, options.graceMs)) return signal;
  }
  await waitGone(pgid, 5_000);
  return "SIGKILL";
}

/** Waits until the group is gone or the time is up; says which. */
async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

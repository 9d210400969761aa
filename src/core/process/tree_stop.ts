/**
 * Stopping a whole tree: the process group of a managed process and every descendant that left
 * it. Each pid is signalled only while it still names the process seen as a member (same start
 * token), so a pid reused by an unrelated program is never signalled.
 */
import { lookAtTable } from "./tree_marker.ts";
import { runStopCommand, stopGroup, type StopGroupOptions, treeStopPlan } from "./group.ts";
import type { ProcessTree } from "./tree.ts";

/** How often a stop looks again whether the tree is gone. */
const POLL_MS = 50;
/** How long members get to vanish after SIGKILL, unless told. */
const KILL_WAIT_MS = 5_000;

/** How a tree is stopped: a group stop's options, and the wait after SIGKILL. */
export interface TreeStopOptions extends StopGroupOptions {
  /** How long members get to vanish after SIGKILL before they are reported as survivors. */
  killWaitMs?: number;
}

/** How a tree stop ended. */
export interface TreeStopResult {
  /** The signal that finished the job, or null when nothing of the tree was alive. */
  signal: "SIGTERM" | "SIGKILL" | null;
  /** Members still alive at the end, each with the error that signalling it gave, if any. */
  survivors: { pid: number; error: string | null }[];
}

/**
 * Brings the tree up to date (see ProcessTree.update for `groupIsOurs`); false when the process
 * table cannot be read here.
 */
export function refreshTree(tree: ProcessTree, groupIsOurs = false): boolean {
  const look = lookAtTable(tree.marker !== null);
  if (look === null) return false;
  tree.update(look.table, groupIsOurs, look.markers);
  return true;
}

/**
 * Stops the tree as treeStopPlan says: on Unix SIGTERM to the group and to each member outside
 * it, up to `graceMs` for all of them to be gone, then SIGKILL and another wait. Where the
 * process table cannot be read, the group is all that is stopped. Never throws for a signal
 * that fails (EPERM, ESRCH): a member that survives is reported with its error.
 */
export async function stopTree(
  tree: ProcessTree,
  options: TreeStopOptions,
): Promise<TreeStopResult> {
  const plan = treeStopPlan(Deno.build.os, tree.root, options.force ?? false);
  if (plan.kind === "command") return { signal: await runStopCommand(plan), survivors: [] };
  if (!refreshTree(tree)) return { signal: await stopGroup(tree.root, options), survivors: [] };
  if (tree.members.length === 0) return { signal: null, survivors: [] };
  const errors = new Map<number, string>();
  for (const signal of plan.signals) {
    signalTree(tree, signal, errors);
    if (signal === "SIGKILL") break;
    if (await waitTreeGone(tree, options.graceMs)) return { signal, survivors: [] };
  }
  await waitTreeGone(tree, options.killWaitMs ?? KILL_WAIT_MS);
  return {
    signal: "SIGKILL",
    survivors: tree.members.map(({ pid }) => ({ pid, error: errors.get(pid) ?? null })),
  };
}

/**
 * Signals the group (when a live member still belongs to it, so the group is ours) and every
 * member outside it, each checked against a fresh table just before. A signal that fails for
 * a reason other than the process being gone is noted in `errors` by pid.
 */
function signalTree(tree: ProcessTree, signal: Deno.Signal, errors: Map<number, string>): void {
  const { table, markers } = lookAtTable(tree.marker !== null) ?? { table: [], markers: undefined };
  tree.update(table, false, markers);
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const live = tree.members.filter(({ pid, token }) => byPid.get(pid)?.token === token);
  const groupIsOurs = live.some(({ pid }) => byPid.get(pid)!.pgid === tree.root);
  if (groupIsOurs) send(-tree.root, signal, tree.root, errors);
  for (const { pid } of live) {
    if (!(groupIsOurs && byPid.get(pid)!.pgid === tree.root)) send(pid, signal, pid, errors);
  }
}

function send(target: number, signal: Deno.Signal, pid: number, errors: Map<number, string>) {
  try {
    Deno.kill(target, signal);
  } catch (error) {
    // Gone meanwhile is what we wanted; anything else (EPERM) is reported if the pid survives.
    if (!(error instanceof Deno.errors.NotFound) && !/ESRCH/.test(String(error))) {
      errors.set(pid, `${signal}: ${(error as Error).message}`);
    }
  }
}

/** Waits until no member of the tree is alive, or the time is up; says which. */
async function waitTreeGone(tree: ProcessTree, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    refreshTree(tree);
    if (tree.members.length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

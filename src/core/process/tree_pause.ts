/**
 * Pausing a whole tree for an instant: the way output is rotated without losing any where the
 * file system cannot punch holes. The writers are stopped (SIGSTOP, which a program cannot
 * catch or ignore), the rest of the spool is copied and the spool emptied, and they are
 * continued (SIGCONT). A write under way when SIGSTOP arrives completes first: a process is
 * stopped only between system calls, so once every member shows as stopped, nothing of the
 * tree writes until it is continued. One exception counts as stopped too: a member blocked in
 * the kernel (state D) while a child of it is stopped, as a shell is while it waits in `vfork`
 * for a child that was stopped before its `exec`.
 *
 * Synchronous on purpose: the rotation it guards is, and it lasts a few milliseconds.
 */
import { processTable } from "../system/processes.ts";
import { signalTree } from "./tree_stop.ts";
import type { ProcessTree } from "./tree.ts";

/** How long the pause waits for every member to show as stopped. */
const CONFIRM_MS = 200;
/** Between two looks at the process table while waiting. */
const LOOK_MS = 1;

/** A paused tree: `resume` continues it; `confirmed` says every member was seen stopped. */
export interface Pause {
  confirmed: boolean;
  resume(): void;
}

/**
 * Stops every member of the tree and waits (up to 200 ms, blocking) until each shows as
 * stopped, or is gone. Where the process table cannot be read, the group alone is paused and
 * the pause is unconfirmed. Never throws: a signal that fails leaves the pause unconfirmed.
 */
export function pauseTree(tree: ProcessTree): Pause {
  if (Deno.build.os === "windows") return { confirmed: false, resume: () => {} };
  const errors = new Map<number, string>();
  const resume = () => resumeTree(tree);
  signalTree(tree, "SIGSTOP", errors);
  const deadline = Date.now() + CONFIRM_MS;
  for (;;) {
    if (errors.size > 0) return { confirmed: false, resume };
    const table = processTable();
    if (table === null) return { confirmed: false, resume };
    const byPid = new Map(table.map((entry) => [entry.pid, entry]));
    const stoppedParents = new Set(table.filter((e) => e.stopped).map((e) => e.ppid));
    const running = tree.members.filter(({ pid, token }) => {
      const entry = byPid.get(pid);
      if (entry === undefined || entry.token !== token || entry.zombie || entry.stopped) {
        return false;
      }
      // A shell waiting in vfork for a child that was stopped before its exec: it cannot run
      // (nor write) before the child does.
      return !(entry.blocked && stoppedParents.has(pid));
    });
    if (running.length === 0) return { confirmed: true, resume };
    if (Date.now() >= deadline) return { confirmed: false, resume };
    sleepSync(LOOK_MS);
  }
}

/**
 * Continues every member of the tree: after a pause, and when a server adopts a tree that one
 * that ended mid-rotation may have left paused.
 */
export function resumeTree(tree: ProcessTree): void {
  if (Deno.build.os !== "windows") signalTree(tree, "SIGCONT", new Map());
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Pausing a whole tree for an instant: the way output is rotated without losing any where the
 * file system cannot punch holes. The writers are stopped (SIGSTOP, which a program cannot
 * catch or ignore), the rest of the spool is copied and the spool emptied, and they are
 * continued (SIGCONT). A write under way when SIGSTOP arrives completes first: a process is
 * stopped only between system calls, so once every member shows as stopped, nothing of the
 * tree writes until it is continued.
 *
 * - Each member is stopped by pid, and the table is looked at again until a look finds no new
 *   member and every member stopped: a child forked just before its parent stopped is found
 *   and stopped too.
 * - A member that was already stopped (by its user, or a debugger) is left as it is, and is
 *   not continued afterwards.
 * - A member blocked in the kernel (state D) for 10 ms while a child of it is stopped counts
 *   as stopped: a shell waiting in `vfork` for a child stopped before its `exec` never shows
 *   as stopped, and cannot run (nor write) before that child does.
 * - Resuming continues exactly the processes this pause stopped, without reading the process
 *   table again (which may fail, with no file descriptor left), and a stopped process cannot
 *   end by itself, so its pid cannot have been reused.
 * - Whom a pause stopped is noted in a file before each is stopped, and the note is removed
 *   once they are continued: a server that dies during a pause leaves the note, and the next
 *   one continues them (continueNoted).
 *
 * Synchronous on purpose: the rotation it guards is, and it lasts a few milliseconds.
 */
import { isSameProcess, processTable } from "../system/processes.ts";
import type { ProcessTree, TreeMember } from "./tree.ts";

/** How long the pause waits for every member to show as stopped. */
const CONFIRM_MS = 200;
/** Between two looks at the process table while waiting. */
const LOOK_MS = 1;
/** How long a member must be seen blocked with a stopped child to count as stopped. */
const BLOCKED_MS = 10;

/** A paused tree: `resume` continues it; `confirmed` says every member was seen stopped. */
export interface Pause {
  confirmed: boolean;
  resume(): void;
}

/**
 * Stops every member of the tree and waits (up to 200 ms, blocking) until each shows as
 * stopped, or is gone; `notePath` is where whom it stopped is noted meanwhile. Where the
 * process table cannot be read, the process group alone is paused, unconfirmed. Never throws:
 * a signal that fails leaves the pause unconfirmed.
 */
export function pauseTree(tree: ProcessTree, notePath: string): Pause {
  if (Deno.build.os === "windows") return { confirmed: false, resume: () => {} };
  const paused = new Map<number, string>();
  const resume = () => {
    for (const pid of paused.keys()) send(pid, "SIGCONT");
    paused.clear();
    removeNote(notePath);
  };
  const leftAlone = new Set<number>();
  const blockedSince = new Map<number, number>();
  const deadline = Date.now() + CONFIRM_MS;
  for (let first = true;; first = false) {
    const table = processTable();
    if (table === null) return pauseGroupOnly(tree.root);
    tree.update(table);
    const byPid = new Map(table.map((entry) => [entry.pid, entry]));
    const stoppedParents = new Set(table.filter((e) => e.stopped).map((e) => e.ppid));
    const fresh: TreeMember[] = [];
    let running = 0;
    for (const member of tree.members) {
      const entry = byPid.get(member.pid);
      if (!entry || entry.token !== member.token || entry.zombie) continue;
      if (entry.stopped) {
        if (first) leftAlone.add(member.pid);
        continue;
      }
      leftAlone.delete(member.pid); // continued by someone else meanwhile: it is ours to stop
      if (!paused.has(member.pid)) fresh.push(member);
      else if (!(entry.blocked && stoppedParents.has(member.pid))) running++;
      else {
        if (!blockedSince.has(member.pid)) blockedSince.set(member.pid, Date.now());
        if (Date.now() - blockedSince.get(member.pid)! < BLOCKED_MS) running++;
      }
    }
    if (fresh.length > 0) {
      for (const { pid, token } of fresh) paused.set(pid, token);
      if (!writeNote(notePath, paused)) {
        // Unnoted, a stop could outlive a server that dies now: go on without pausing.
        for (const { pid } of fresh) paused.delete(pid);
        resume();
        return { confirmed: false, resume: () => {} };
      }
      if (!fresh.every(({ pid }) => send(pid, "SIGSTOP"))) return { confirmed: false, resume };
    } else if (running === 0) return { confirmed: true, resume };
    if (Date.now() >= deadline) return { confirmed: false, resume };
    sleepSync(LOOK_MS);
  }
}

/**
 * Continues the processes a pause noted in `notePath` and never continued (its server died
 * meanwhile), each only while its pid still names the process that was stopped; removes the
 * note. Nothing happens when there is no note.
 */
export function continueNoted(notePath: string): void {
  let noted: TreeMember[];
  try {
    noted = JSON.parse(Deno.readTextFileSync(notePath));
  } catch {
    return; // no note (the usual case), or a torn one from a death while it was written
  } finally {
    removeNote(notePath);
  }
  if (!Array.isArray(noted)) return;
  for (const { pid, token } of noted) {
    if (Number.isInteger(pid) && pid > 1 && isSameProcess(pid, token)) send(pid, "SIGCONT");
  }
}

/** Where the process table cannot be read: the group, stopped and continued as one. */
function pauseGroupOnly(group: number): Pause {
  send(-group, "SIGSTOP");
  sleepSync(5);
  return { confirmed: false, resume: () => void send(-group, "SIGCONT") };
}

/** Sends the signal; false when it failed for another reason than the process being gone. */
function send(target: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(target, signal);
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound || /ESRCH/.test(String(error));
  }
}

/** Notes whom the pause stopped; false when the note could not be written (disk full). */
function writeNote(path: string, paused: Map<number, string>): boolean {
  const members = [...paused].map(([pid, token]) => ({ pid, token }));
  try {
    Deno.writeTextFileSync(path, JSON.stringify(members), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

function removeNote(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* none */ }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

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
 *   one continues them (continueAllNoted, at its start).
 * - Where the process table cannot be read, nothing is paused (the pause is unconfirmed).
 *
 * Synchronous on purpose: the rotation it guards is, and it lasts a few milliseconds.
 */
import { join } from "node:path";
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
 * process table cannot be read, nothing is paused. Never throws: a signal that fails leaves
 * the pause unconfirmed.
 */
export function pauseTree(tree: ProcessTree, notePath: string): Pause {
  if (Deno.build.os === "windows") return { confirmed: false, resume: () => {} };
  const paused = new Map<number, string>();
  const resume = () => {
    for (const pid of paused.keys()) send(pid, "SIGCONT");
    paused.clear();
    removeNote(notePath);
  };
  const blockedSince = new Map<number, number>();
  const deadline = Date.now() + CONFIRM_MS;
  for (;;) {
    const table = processTable();
    // Unseen members cannot be stopped safely: no pause, and what is written meanwhile may go.
    if (table === null) return { confirmed: false, resume };
    tree.update(table);
    const byPid = new Map(table.map((entry) => [entry.pid, entry]));
    const stoppedParents = new Set(table.filter((e) => e.stopped).map((e) => e.ppid));
    const fresh: TreeMember[] = [];
    let running = 0;
    for (const member of tree.members) {
      const entry = byPid.get(member.pid);
      if (!entry || entry.token !== member.token || entry.zombie) continue;
      // Stopped by its user, or by this pause: either way it runs no code.
      if (entry.stopped) continue;
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
      const failed = fresh.filter(({ pid }) => !send(pid, "SIGSTOP"));
      if (failed.length > 0) {
        // Not stopped, so not to be continued: out of the note, and the pause is unconfirmed.
        for (const { pid } of failed) paused.delete(pid);
        writeNote(notePath, paused);
        return { confirmed: false, resume };
      }
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
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // no note: the usual case
    if (!(error instanceof SyntaxError)) return; // unreadable now (no descriptor left): later
    noted = []; // a note is replaced whole (see writeNote), so this is not one of ours
  }
  removeNote(notePath);
  if (!Array.isArray(noted)) return;
  for (const { pid, token } of noted.filter((member) => member && typeof member === "object")) {
    if (
      Number.isInteger(pid) && pid > 1 && typeof token === "string" && isSameProcess(pid, token)
    ) {
      send(pid, "SIGCONT");
    }
  }
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

/**
 * Notes whom the pause stopped, replacing the note whole (written aside, then renamed), so a
 * death mid-write leaves the previous note; false when it could not be written (disk full).
 */
function writeNote(path: string, paused: Map<number, string>): boolean {
  const members = [...paused].map(([pid, token]) => ({ pid, token }));
  try {
    Deno.writeTextFileSync(`${path}.tmp`, JSON.stringify(members), { mode: 0o600 });
    Deno.renameSync(`${path}.tmp`, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Continues what every note under `logsDir` (one folder per process) names: a server's first
 * step, before it reads its state, so that a tree a dead server left paused is continued even
 * when its record cannot be restored. Each folder is first handed to `before`, while its tree
 * is still paused.
 */
export function continueAllNoted(logsDir: string, before?: (folder: string) => void): void {
  let folders: Deno.DirEntry[];
  try {
    folders = [...Deno.readDirSync(logsDir)];
  } catch {
    return; // no logs yet
  }
  for (const folder of folders) {
    if (!folder.isDirectory) continue;
    before?.(join(logsDir, folder.name));
    continueNoted(join(logsDir, folder.name, NOTE));
  }
}

/** The note's name in a process's log folder. */
export const NOTE = "paused.json";

function removeNote(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* none */ }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

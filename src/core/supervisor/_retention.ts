/**
 * Which ended processes the registry keeps: the newest `maxEnded` ones, and always one whose
 * leftover children still run, since, forgotten, they could never be stopped again.
 */
import { PersistprocError } from "../errors.ts";
import type { ManagedProcess } from "../process/managed_process.ts";

/**
 * The oldest ended entries beyond `maxEnded`, oldest first, without those whose leftovers
 * still run (they stay listed, so that a stop can still end them).
 */
export function beyondLimit(entries: ManagedProcess[], maxEnded: number): ManagedProcess[] {
  const ended = entries
    .filter((entry) => entry.state === "idle")
    .sort((a, b) => (a.endTime?.getTime() ?? 0) - (b.endTime?.getTime() ?? 0));
  return ended.slice(0, Math.max(0, ended.length - maxEnded))
    .filter((entry) => entry.treePids().length === 0);
}

/** Refuses (code `busy`) to forget an entry that runs or whose leftover children still run. */
export function assertForgettable(entry: ManagedProcess): void {
  if (entry.state === "running" || entry.state === "stopping") {
    throw new PersistprocError(
      "busy",
      `Cannot forget "${entry.spec.label}": it is running (PID ${entry.pid}); stop it first`,
    );
  }
  const left = entry.treePids();
  if (left.length > 0) {
    // Forgotten, they could never be stopped again: stop ends what a program left.
    throw new PersistprocError(
      "busy",
      `Cannot forget "${entry.spec.label}": programs it left running are still alive (PID ${
        left.join(", ")
      }); stop it first`,
    );
  }
}

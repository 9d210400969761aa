/**
 * One server per data directory: two would adopt the same children, store their output twice
 * and overwrite each other's state file.
 *
 * The lock is the kernel's (`flock` on `server.lock`, LockFileEx on Windows), not the
 * existence of a file: the kernel drops it the instant its holder dies, even by SIGKILL, so
 * there is never a stale lock to judge and remove, and two servers starting together cannot
 * both win. Who holds it is written beside it, whole (written aside, then renamed), only so that
 * the loser can name the winner.
 */
import { join } from "node:path";
import { PersistprocError } from "../core/mod.ts";

/** What the holder file says about the server holding the lock. */
interface Holder {
  pid: number;
  port?: number;
}

/**
 * Takes the data directory's lock for this process and returns the function that releases it.
 * A live holder is a PersistprocError `data_dir_in_use` naming its pid and port.
 */
export function lockDataDir(dataDir: string, port: number): () => void {
  const path = join(dataDir, "server.lock");
  const holderPath = join(dataDir, "server.lock.json");
  const file = Deno.openSync(path, { read: true, write: true, create: true, mode: 0o600 });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) {
    const holder = readHolder(holderPath);
    throw new PersistprocError(
      "data_dir_in_use",
      `Another persistproc server (${holder ? `PID ${holder.pid}` : "its PID unknown"}${
        holder?.port ? `, port ${holder.port}` : ""
      }) uses the data directory "${dataDir}"; stop it, or give this one another --data-dir`,
    );
  }
  const me: Holder = { pid: Deno.pid, port };
  const temporary = `${holderPath}.tmp-${Deno.pid}`;
  try {
    Deno.writeTextFileSync(temporary, JSON.stringify(me), { mode: 0o600 });
    Deno.renameSync(temporary, holderPath);
  } catch {
    // Only the loser's message needs it; the lock itself is held either way.
    Deno.remove(temporary).catch(() => {});
  }
  return () => {
    if (readHolder(holderPath)?.pid === Deno.pid) {
      try {
        Deno.removeSync(holderPath);
      } catch { /* already gone */ }
    }
    file.close(); // releases the lock
  };
}

function readHolder(path: string): Holder | null {
  try {
    const holder = JSON.parse(Deno.readTextFileSync(path)) as Holder;
    return Number.isInteger(holder?.pid) ? holder : null;
  } catch {
    return null;
  }
}

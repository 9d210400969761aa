/**
 * One server per data directory: two would adopt the same children, store their output twice
 * and overwrite each other's state file.
 */
import { join } from "node:path";
import { PersistprocError } from "./errors.ts";
import { processStartToken } from "./process/identity.ts";

/** What the lock file says about its holder. */
interface Holder {
  pid: number;
  token: string | null;
  port?: number;
}

/**
 * Takes the data directory's lock (`server.lock`, created exclusively) for this process, and
 * returns the function that releases it. A lock whose holder no longer runs (its pid gone or
 * reused) is stale and taken over. A live holder is a PersistprocError `data_dir_in_use` naming
 * its pid and port.
 */
export function lockDataDir(dataDir: string, port: number): () => void {
  const path = join(dataDir, "server.lock");
  const me: Holder = { pid: Deno.pid, token: processStartToken(Deno.pid), port };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      Deno.writeTextFileSync(path, JSON.stringify(me), { createNew: true, mode: 0o600 });
      return () => {
        try {
          const holder = JSON.parse(Deno.readTextFileSync(path)) as Holder;
          if (holder.pid === Deno.pid) Deno.removeSync(path);
        } catch { /* already gone */ }
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const holder = readHolder(path);
    if (holder && holder.token !== null && processStartToken(holder.pid) === holder.token) {
      throw new PersistprocError(
        "data_dir_in_use",
        `Another persistproc server (PID ${holder.pid}${
          holder.port ? `, port ${holder.port}` : ""
        }) uses the data directory "${dataDir}"; stop it, or give this one another --data-dir`,
      );
    }
    try {
      Deno.removeSync(path); // stale: its server is gone
    } catch { /* removed by someone else meanwhile */ }
  }
  throw new PersistprocError("data_dir_in_use", `Cannot lock the data directory "${dataDir}"`);
}

function readHolder(path: string): Holder | null {
  try {
    const holder = JSON.parse(Deno.readTextFileSync(path)) as Holder;
    return Number.isInteger(holder?.pid) ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Taking back what a previous server saved: each record becomes an entry again, with its run,
 * its tree and its autorestart state. A process that still runs as the same program is adopted
 * (a reused pid never is); one that ended meanwhile is recorded as ended.
 */
import { basename, dirname, join, resolve } from "node:path";
import type { Autorestarter } from "../process/autorestart.ts";
import { logger } from "../logger.ts";
import { ManagedProcess } from "../process/managed_process.ts";
import type { ProcessRecord } from "./state_file.ts";
import { savedAutorestart, savedRun, savedSpec } from "./_saved_process.ts";
import type { SupervisorOptions } from "./supervisor_options.ts";

/** What a restore found. */
export interface RestoreSummary {
  adopted: number;
  ended: number;
}

/**
 * Makes an entry of each record and passes it to `track` (which registers it) before anything
 * is done with it, then adopts it or records how it ended; `endedUnseen` is told of each that
 * ended while no server watched it, before its autorestart policy is asked.
 */
export function restoreRecords(
  records: ProcessRecord[],
  options: Required<SupervisorOptions>,
  autorestart: Autorestarter,
  track: (entry: ManagedProcess) => ManagedProcess,
  endedUnseen: (entry: ManagedProcess) => void = () => {},
): RestoreSummary {
  const summary = { adopted: 0, ended: 0 };
  const logs = resolve(join(options.dataDir, "logs"));
  for (const record of records) {
    // Its log folder is made private, pruned and deleted: only one of ours may be.
    if (!isLogFolderIn(record.log_dir, logs)) {
      logger.error(
        `The saved record of "${record.label}" keeps its output in "${record.log_dir}", outside "${logs}"; it is left out`,
      );
      continue;
    }
    const spec = savedSpec(record, options);
    const entry = track(new ManagedProcess(spec, record.log_dir, options.logMaxBytes));
    const run = savedRun(record);
    entry.restoreRun(run);
    autorestart.restore(entry, savedAutorestart(record));
    if (record.status === "running" && entry.adopt(record.pid, record.pid_token, run.tree)) {
      summary.adopted++;
      continue;
    }
    // Output not yet stored is stored now, also when an earlier server was stopped or killed
    // while storing it (its record already says the run ended).
    entry.recoverOutput().catch((error) =>
      logger.error(`Recovering the output of "${entry.spec.label}"`, error)
    );
    if (record.status === "running") {
      // It ended while no server watched it: when and how cannot be known, but its policy
      // may want it back.
      entry.endedUnseen();
      endedUnseen(entry);
      summary.ended++;
      autorestart.ended(entry);
    }
  }
  return summary;
}

/**
 * Whether `logDir` names a folder right inside `logs`, as every log folder a server makes
 * does; decided on the path alone, so no link outside the data directory can lead elsewhere.
 */
function isLogFolderIn(logDir: string, logs: string): boolean {
  const path = resolve(logDir);
  return dirname(path) === logs && basename(path) !== "" && path !== logs;
}

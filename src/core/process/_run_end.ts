/**
 * Waiting for the end of a run: the program's exit (or, for an adopted one, its pid gone), then
 * the rest of its output stored. Internal to ManagedProcess, which records how the run ended.
 */
import { logger } from "../logger.ts";
import type { ProcessTree } from "./tree.ts";
import { refreshTree } from "./tree_stop.ts";

/** How a run ended: an exit code or a signal, unknown (both null) for one not our child. */
export interface RunEnding {
  success: boolean;
  code: number | null;
  signal: string | null;
}

/**
 * Waits for `ended`, notes what the run left in its group, waits for its `output` to be stored,
 * then calls `record`. Never rejects: a failure is logged, since nothing may be awaiting the
 * end of a run nobody stops.
 */
export async function watchRunEnd(
  label: string,
  tree: ProcessTree,
  output: Promise<void>,
  ended: Promise<RunEnding>,
  record: (ending: RunEnding) => void,
): Promise<void> {
  try {
    const ending = await ended;
    // What it left in its group: the group is still ours, since the program has only just ended.
    refreshTree(tree, true);
    await output.catch((error) => logger.error(`Reading the output of "${label}"`, error));
    record(ending);
  } catch (error) {
    logger.error(`Recording the end of "${label}"`, error);
  }
}

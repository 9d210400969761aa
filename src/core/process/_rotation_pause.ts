/**
 * Pausing a process's tree while its output is rotated (see ./tree_pause.ts), noting whom the
 * pause stopped in the process's log folder. Internal to ManagedProcess.
 */
import { join } from "node:path";
import { logger } from "../logger.ts";
import type { ProcessTree } from "./tree.ts";
import { NOTE, pauseTree } from "./tree_pause.ts";

/**
 * A process's `pauseWriters`: each call pauses its tree as it is then and returns what continues
 * it. A pause that cannot be confirmed (a member that may not be signalled) is said once: output
 * written during a rotation may be lost.
 */
export function rotationPause(
  label: () => string,
  logDir: string,
  tree: () => ProcessTree,
): () => () => void {
  let unconfirmedSaid = false;
  return () => {
    const pause = pauseTree(tree(), join(logDir, NOTE));
    if (!pause.confirmed && !unconfirmedSaid) {
      unconfirmedSaid = true;
      try {
        logger.info(
          `Could not pause "${label()}" to rotate its output: lines it writes during a rotation may be lost`,
        );
      } catch {
        // The log cannot be written (its disk is full): the tree must be continued regardless.
      }
    }
    return pause.resume;
  };
}

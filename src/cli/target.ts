/**
 * Reading a TARGET from the command line: a PID when it is all digits, else a label or a
 * command line (several words are joined as `run` joins them, so they match what it started).
 */

import { type ProcessTarget, resolvePath } from "../core/mod.ts";
import { joinCommand } from "../core/process/mod.ts";

/**
 * Builds the API's target from positionals and an optional `-C DIR`; an empty target when
 * nothing is given, so the server can apply its own default.
 */
export function parseTarget(positionals: string[], workingDirectory?: string): ProcessTarget {
  const target: ProcessTarget = {};
  if (positionals.length === 1 && /^\d+$/.test(positionals[0])) {
    target.pid = Number(positionals[0]);
  } else if (positionals.length > 0) {
    target.command_or_label = joinCommand(positionals);
  }
  if (workingDirectory !== undefined) target.working_directory = resolvePath(workingDirectory);
  return target;
}

/** The `-C DIR` flag the target-taking commands share. */
export const WORKING_DIRECTORY_FLAG = {
  "working-directory": { type: "string", short: "C" },
} as const;

/** How a TARGET is found, for the help of the commands that take one. */
export const TARGET_HELP = `
TARGET is a PID, a label or a command line. When a command line matches processes in
several folders, the one started in the current folder is meant; -C DIR names another.
`;

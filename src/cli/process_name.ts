/**
 * How the CLI names a process in its messages: the label the user chose, or, when the label
 * is the server's default (`<command> in <dir>`), the command line alone.
 */

import type { ProcessInfo } from "../core/mod.ts";
import { escapeControls } from "../core/process/mod.ts";

/** The process's name for messages, single-quoted: `'npm run dev'`. */
export function displayName(
  process: Pick<ProcessInfo, "label" | "command_line" | "working_directory">,
): string {
  const isDefault = process.label === "" ||
    process.label === `${process.command_line} in ${process.working_directory}`;
  return `'${escapeControls(isDefault ? process.command_line : process.label)}'`;
}

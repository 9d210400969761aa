/**
 * How the CLI names a process in its messages: the label the user chose, or, when the label
 * is the server's default (`<command> in <dir>`), the command as it was given.
 */

import type { ProcessInfo } from "../core/mod.ts";
import { escapeControls } from "../core/process/mod.ts";

/**
 * The process's name for messages, single-quoted: `'npm run dev'`. A default label names the
 * command as given, also when an assigned port's flag was appended to the command line
 * (`npm run dev -- --port 23885 --strictPort` under `npm run dev in /app`).
 */
export function displayName(
  process: Pick<ProcessInfo, "label" | "command_line" | "working_directory">,
): string {
  if (process.label === "") return `'${escapeControls(process.command_line)}'`;
  const suffix = ` in ${process.working_directory}`;
  const given = process.label.endsWith(suffix) ? process.label.slice(0, -suffix.length) : null;
  const isDefault = given !== null &&
    (process.command_line === given || process.command_line.startsWith(`${given} `));
  return `'${escapeControls(isDefault ? given : process.label)}'`;
}

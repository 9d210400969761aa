/**
 * `persistproc forget TARGET`: remove an ended process from the list, with its stored output.
 */

import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { actOnTarget } from "../folder.ts";
import { printOut } from "../print.ts";
import { displayName } from "../process_name.ts";
import { MAX_ENDED } from "../../core/mod.ts";
import { TARGET_HELP, WORKING_DIRECTORY_FLAG } from "../target.ts";

/** The `forget` subcommand. */
export const forgetCommand = defineCommand({
  names: ["forget"],
  summary: "remove an ended process from the list, with its stored output",
  usage: "persistproc forget [-C DIR] TARGET",
  details: `Removes TARGET, a process that has ended, from the list and deletes its stored output.
A running process is refused: stop it first. (The server keeps the last ${MAX_ENDED} ended processes
and forgets older ones by itself.)
${TARGET_HELP}
Flags:
  -C, --working-directory DIR   narrow a command TARGET to DIR`,
  flags: { ...WORKING_DIRECTORY_FLAG },
  async run({ values, positionals, settings }) {
    if (positionals.length === 0) throw new UsageError("Missing the process to forget");
    const client = await connect(settings, { autostart: false });
    const forgotten = await actOnTarget(
      client,
      positionals,
      values["working-directory"],
      (target) => client.forget(target),
    );
    printOut(
      settings.format === "json"
        ? JSON.stringify({ forgotten }, null, 2)
        : `forgot ${displayName(forgotten)} (PID ${forgotten.pid}) and its stored output`,
    );
    return 0;
  },
});

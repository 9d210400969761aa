/**
 * `persistproc list` (`ls`): the managed processes, as a table or as the API's JSON.
 */

import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printOut, stdoutHasColor } from "../output.ts";
import { formatProcessTable } from "../process_table.ts";
import { parseTarget, WORKING_DIRECTORY_FLAG } from "../target.ts";

/** The `list` subcommand. */
export const listCommand = defineCommand({
  names: ["list", "ls"],
  summary: "list managed processes",
  usage: "persistproc list [-C DIR] [TARGET]",
  details: `Lists the processes the server manages, running or ended: PID, status, exit code
or signal, start time, listening ports and label. With TARGET, only the matching ones. --format json prints
the API's object: {"processes": [...]}.

Flags:
  -C, --working-directory DIR   only processes started in DIR`,
  flags: { ...WORKING_DIRECTORY_FLAG },
  async run({ values, positionals, settings }) {
    const client = await connect(settings);
    const result = await client.list(parseTarget(positionals, values["working-directory"]));
    if (settings.format === "json") printOut(JSON.stringify(result, null, 2));
    else if (result.processes.length === 0) printOut("no processes");
    else {
      const table = formatProcessTable(result.processes, {
        colour: stdoutHasColor(),
        now: new Date(),
      });
      printOut(table.join("\n"));
    }
    return 0;
  },
});

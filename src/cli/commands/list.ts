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
  usage: "persistproc list [--started-by WHO] [-C DIR] [TARGET]",
  details: `Lists the processes the server manages, running or ended: PID, status, exit code
or signal, start time, listening ports, who started it (BY: an MCP client's name/version,
cli or dashboard) and label. With TARGET, only the matching ones. --format json prints
the API's object: {"processes": [...]}.

Flags:
  --started-by WHO              only processes started by WHO (cli, dashboard, or an MCP
                                client's name or name/version)
  -C, --working-directory DIR   only processes started in DIR`,
  flags: { "started-by": { type: "string" }, ...WORKING_DIRECTORY_FLAG },
  async run({ values, positionals, settings }) {
    const client = await connect(settings);
    const by = values["started-by"];
    const result = await client.list({
      ...parseTarget(positionals, values["working-directory"]),
      ...(by === undefined ? {} : { started_by: by }),
    });
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

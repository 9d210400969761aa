/**
 * `persistproc list` (`ls`): the managed processes, as a table or as the API's JSON. Run in a
 * project folder where processes were started, it shows those, and says how many others
 * there are.
 */

import type { ListResult } from "../../client/api.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printErr, printOut, stdoutHasColor } from "../print.ts";
import { formatProcessTable } from "../process_table.ts";
import { parseTarget, WORKING_DIRECTORY_FLAG } from "../target.ts";

/** The `list` subcommand. */
export const listCommand = defineCommand({
  names: ["list", "ls", "status"],
  summary: "list managed processes",
  usage: "persistproc list [--all] [--running] [--started-by WHO] [-C DIR] [TARGET]",
  details: `Lists the processes the server manages, running or ended: PID, status, exit code
or signal, restarts, start time (local), listening ports, who started it (BY: an MCP
client's name/version, cli or dashboard) and label. With TARGET, only the matching ones.
--format json prints the API's object: {"processes": [...]}.

Without TARGET or -C, in a folder where processes were started, only those are listed
(and a line says how many others there are); elsewhere, all of them.

Flags:
  -a, --all                     every process, wherever it was started
  --running                     only running processes
  --started-by WHO              only processes started by WHO (cli, dashboard, or an MCP
                                client's name or name/version)
  -C, --working-directory DIR   only processes started in DIR`,
  flags: {
    all: { type: "boolean", short: "a" },
    running: { type: "boolean" },
    "started-by": { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    const client = await connect(settings, { autostart: false });
    const target = parseTarget(positionals, values["working-directory"]);
    const by = values["started-by"];
    let result: ListResult = {
      processes: await client.list({
        ...target,
        ...(by === undefined ? {} : { started_by: by }),
      }),
    };
    let elsewhere = 0;
    if (!values.all && positionals.length === 0 && target.working_directory === undefined) {
      const here = result.processes.filter((p) => p.working_directory === Deno.cwd());
      if (here.length > 0) {
        elsewhere = result.processes.length - here.length;
        result = { ...result, processes: here };
      }
    }
    if (values.running) {
      result = { ...result, processes: result.processes.filter((p) => p.status === "running") };
    }
    show(result, settings.format);
    if (elsewhere > 0 && settings.format === "text") {
      printErr(`(${elsewhere} more started in other folders: persistproc ls --all)`);
    }
    return 0;
  },
});

function show(result: ListResult, format: "text" | "json"): void {
  if (format === "json") printOut(JSON.stringify(result, null, 2));
  else if (result.processes.length === 0) printOut("no processes");
  else {
    const table = formatProcessTable(result.processes, {
      colour: stdoutHasColor(),
      now: new Date(),
    });
    printOut(table.join("\n"));
  }
}

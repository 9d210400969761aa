/**
 * `persistproc list` (`ls`): the managed processes, as a table or as the API's JSON. Run in a
 * project folder where processes were started, it shows those, and says how many others
 * there are.
 */

import type { ListResult } from "../../client/api.ts";
import { PROCESS_STATUSES } from "../../core/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printErr, printOut, stdoutHasColor } from "../print.ts";
import { formatProcessTable } from "../process_table.ts";
import { parseTarget, WORKING_DIRECTORY_FLAG } from "../target.ts";

/** The `list` subcommand. */
export const listCommand = defineCommand({
  names: ["list", "ls", "status"],
  summary: "list managed processes",
  usage:
    "persistproc list [--all] [--running | --status S,...] [--started-by WHO] [-C DIR] [TARGET]",
  details: `Lists the processes the server manages, running or ended: PID, status, exit code
or signal, restarts, start time (local), listening ports, who started it (BY: an MCP
client's name/version, cli or dashboard) and label. With TARGET, only the matching ones.
--format json prints the API's object: {"processes": [...]}.

Without TARGET or -C, in a folder where processes were started, only those are listed
(and a line says how many others there are); elsewhere, all of them.

Flags:
  -a, --all                     every process, wherever it was started
  --running                     only running processes (--status running)
  --status S,...                only processes in these statuses: ${PROCESS_STATUSES.join(", ")}
  --started-by WHO              only processes started by WHO (cli, dashboard, or an MCP
                                client's name or name/version)
  -C, --working-directory DIR   only processes started in DIR`,
  flags: {
    all: { type: "boolean", short: "a" },
    running: { type: "boolean" },
    status: { type: "string" },
    "started-by": { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    const statuses = wantedStatuses(values.status, values.running);
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
    if (statuses) {
      result = { ...result, processes: result.processes.filter((p) => statuses.has(p.status)) };
    }
    show(result, settings.format);
    if (elsewhere > 0 && settings.format === "text") {
      printErr(`(${elsewhere} more started in other folders: persistproc ls --all)`);
    }
    return 0;
  },
});

/** The statuses `--status` (a comma-separated list) and `--running` ask for; null: any. */
function wantedStatuses(status: string | undefined, running: boolean | undefined) {
  if (status === undefined) return running ? new Set(["running"]) : null;
  if (running) throw new UsageError("--running and --status: give one of them");
  const asked = status.split(",").map((s) => s.trim());
  const unknown = asked.find((s) => !(PROCESS_STATUSES as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw new UsageError(
      `Unknown status "${unknown}": expected ${
        PROCESS_STATUSES.join(", ")
      }, or several with commas`,
    );
  }
  return new Set(asked);
}

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

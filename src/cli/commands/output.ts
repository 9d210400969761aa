/**
 * `persistproc output`: print a process's stored output.
 */

import type { StreamName } from "../../core/types.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printOut } from "../output.ts";
import { parseTarget, WORKING_DIRECTORY_FLAG } from "../target.ts";

const STREAMS: readonly StreamName[] = ["stdout", "stderr", "combined"];

/** The `output` subcommand. */
export const outputCommand = defineCommand({
  names: ["output"],
  summary: "print a process's stored output",
  usage: "persistproc output [--stream S] [--lines N] [--since T] [--before T] [-C DIR] [TARGET]",
  details: `Prints stored output lines of TARGET, oldest first, each with its time (and, for
the combined stream, [stdout] or [stderr]).

Flags:
  --stream S      stdout, stderr or combined (the server's default when left out)
  --lines N       only the last N lines
  --since T       only lines at or after T (an ISO time, or as the server accepts)
  --before T      only lines before T
  -C, --working-directory DIR   narrow a command TARGET to DIR`,
  flags: {
    stream: { type: "string" },
    lines: { type: "string" },
    since: { type: "string" },
    before: { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    const stream = values.stream as StreamName | undefined;
    if (stream !== undefined && !STREAMS.includes(stream)) {
      throw new UsageError(`Invalid --stream "${stream}": expected ${STREAMS.join(", ")}`);
    }
    const lines = values.lines;
    if (lines !== undefined && !/^\d+$/.test(lines)) {
      throw new UsageError(`Invalid --lines "${lines}": expected a whole number`);
    }
    const client = await connect(settings);
    const result = await client.output({
      ...parseTarget(positionals, values["working-directory"]),
      ...(stream === undefined ? {} : { stream }),
      ...(lines === undefined ? {} : { lines: Number(lines) }),
      ...(values.since === undefined ? {} : { since_time: values.since }),
      ...(values.before === undefined ? {} : { before_time: values.before }),
    });
    if (settings.format === "json") printOut(JSON.stringify(result, null, 2));
    else if (result.output.length > 0) printOut(result.output.join("\n"));
    return 0;
  },
});

/**
 * `persistproc output`: print a process's stored output: the newest lines, what came after a
 * cursor, or the lines matching a pattern with context; `--follow` keeps printing new lines.
 */

import type {
  OutputPage,
  OutputRequest,
  OutputWaitFields,
  WaitedOutputPage,
} from "../../client/api.ts";
import { describeEnding, exitCodeOf } from "../exit_status.ts";
import type { HubClient } from "../../client/hub_client.ts";
import {
  DEFAULT_WAIT_SECONDS,
  MAX_LINES,
  MAX_MAX_BYTES,
  MAX_WAIT_SECONDS,
  STREAM_NAMES,
  type StreamName,
} from "../../core/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printErr, printOut, stdoutHasColor, stdoutIsGone } from "../print.ts";
import { actOnTarget } from "../folder.ts";
import { TARGET_HELP, WORKING_DIRECTORY_FLAG } from "../target.ts";
import { localizeLine, localizeMarker, parseCliTime } from "../time.ts";
import { waitTimeoutFlag } from "../start_wait.ts";

/** How often `--follow` asks for what is new. */
const FOLLOW_POLL_MS = 250;

/** The `output` subcommand. */
export const outputCommand = defineCommand({
  names: ["output", "logs"],
  summary: "print a process's stored output",
  usage: "persistproc output [--stream S] [--lines N] [--since T] [--before T]\n" +
    "                   [--grep RE [--context N]] [--cursor C] [--run current|all]\n" +
    "                   [--timestamps] [--follow] [--wait-for-log RE] [--wait-for-exit]\n" +
    "                   [--wait-timeout S] [-C DIR] [TARGET]",
  details: `Prints stored output lines of TARGET, oldest first, as the program printed them. In
the combined stream, stderr lines start with "[err] ", and a restart shows as a line
"--- run N (reason) <time> ---". Without TARGET, the process started in the current folder
(or DIR), if there is one. A line that redraws itself with carriage returns (a progress
bar) is shown as it ended up.
${TARGET_HELP}
Flags:
  --stream S      stdout, stderr or combined (the server's default when left out)
  --lines N       only the last N lines (with --grep: the last N matches)
  --since T       only lines at or after T: a local time (16:19, 2026-11-22 16:19), a
                  duration ago (90s, 5m, 2h, 1d), or ISO-8601 with an offset
  --before T      only lines before T (the same forms)
  --grep RE       only lines matching RE (RE2 syntax; (?i) ignores case), searched over the
                  whole stored log, not only the last lines
  --context N     with --grep: also N lines before and after each match ("--" between groups)
  --cursor C      only lines stored after the read that returned next_cursor C (--format json)
  --run R         current: only output since the latest (re)start; all (default)
  --timestamps    put each line's arrival time before it (local, with its offset)
  -f, --follow    keep printing new lines (matching --grep) until the process ends
  -C, --working-directory DIR   narrow a command TARGET to DIR

To wait on the running process first, then print (how the wait ended goes to stderr):
  --wait-for-log RE   until a line printed from now on (or after --cursor) matches RE,
                      then print what came since; exit code 0 when one did
  --wait-for-exit     until the process exits; exit code: the process's own
  --wait-timeout S    give up after S seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}): exit code 124;
                      0: no limit (see also 'persistproc wait')
A process that exits before --wait-for-log matched passes on its exit code (1 if it was 0).

Colours the program printed are kept when stdout is a terminal and removed otherwise.`,
  flags: {
    stream: { type: "string" },
    lines: { type: "string" },
    since: { type: "string" },
    before: { type: "string" },
    grep: { type: "string" },
    context: { type: "string" },
    cursor: { type: "string" },
    run: { type: "string" },
    timestamps: { type: "boolean" },
    follow: { type: "boolean", short: "f" },
    "wait-for-log": { type: "string" },
    "wait-for-exit": { type: "boolean" },
    "wait-timeout": { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    const stream = values.stream as StreamName | undefined;
    if (stream !== undefined && !STREAM_NAMES.includes(stream)) {
      throw new UsageError(`Invalid --stream "${stream}": expected ${STREAM_NAMES.join(", ")}`);
    }
    const lines = wholeNumber("--lines", values.lines);
    const context = wholeNumber("--context", values.context);
    if (context !== undefined && values.grep === undefined) {
      throw new UsageError("--context needs --grep");
    }
    const wait = outputWait(values);
    if (wait && values.follow) throw new UsageError("--follow does not go with --wait-for-*");
    const since = values.since === undefined ? undefined : parseCliTime("--since", values.since);
    const before = values.before === undefined
      ? undefined
      : parseCliTime("--before", values.before);
    const client = await connect(settings, { autostart: false });
    const query: OutputRequest = {
      ...(stream === undefined ? {} : { stream }),
      ...(lines === undefined ? {} : { lines }),
      ...(since === undefined ? {} : { since_time: since.toISOString() }),
      ...(before === undefined ? {} : { before_time: before.toISOString() }),
      ...(values.grep === undefined ? {} : { grep: values.grep }),
      ...(context === undefined ? {} : { context }),
      ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
      ...(values.run === undefined ? {} : { run: values.run as OutputRequest["run"] }),
      ...(values.timestamps ? { timestamps: true } : {}),
      strip_ansi: !stdoutHasColor(),
      // A person asked for these lines: let the server send up to its limit, not an agent's page.
      max_bytes: MAX_MAX_BYTES,
    };
    const json = settings.format === "json";
    let asked = query;
    const first = await actOnTarget(
      client,
      positionals,
      values["working-directory"],
      (target) => client.output({ ...(asked = { ...query, ...target }), ...wait }),
    );
    show(first, json && !values.follow ? "pretty" : json ? "line" : "text");
    if (values.follow) await follow(client, asked, first, json);
    if (!wait) return 0;
    if (!json) printErr(describeWait(first));
    return waitExitCode(first, wait.wait_for_log !== undefined);
  },
});

/** What the wait flags ask of the server; null when none is given. */
function outputWait(values: {
  "wait-for-log"?: string;
  "wait-for-exit"?: boolean;
  "wait-timeout"?: string;
}): OutputWaitFields | null {
  const timeout = waitTimeoutFlag(values["wait-timeout"]);
  if (values["wait-for-log"] === undefined && !values["wait-for-exit"]) {
    if (timeout !== undefined) {
      throw new UsageError("--wait-timeout needs --wait-for-log or --wait-for-exit");
    }
    return null;
  }
  return {
    ...(values["wait-for-log"] === undefined ? {} : { wait_for_log: values["wait-for-log"] }),
    ...(values["wait-for-exit"] ? { wait_for_exit: true } : {}),
    ...(timeout === undefined ? {} : { wait_timeout: Number(timeout) }),
  };
}

/** The exit code of a wait that timed out, as timeout(1) has it. */
const EXIT_WAIT_TIMEOUT = 124;

/**
 * The exit code after a wait: 0 when the line matched, the process's own when it exited (1
 * when that was 0 but the awaited line never came), 124 at the timeout.
 */
function waitExitCode(page: WaitedOutputPage, forLog: boolean): number {
  if (page.wait_result === "ready") return 0;
  if (page.wait_result === "timeout") return EXIT_WAIT_TIMEOUT;
  const code = exitCodeOf(ending(page));
  return code === 0 && forLog ? 1 : code;
}

function ending(page: WaitedOutputPage) {
  return { exit_code: page.exit_code ?? null, exit_signal: page.exit_signal ?? null };
}

/** How the wait ended, for stderr: `matched: ...`, `exited with code 4`, `timed out ...`. */
function describeWait(page: WaitedOutputPage): string {
  const seconds = `${((page.waited_ms ?? 0) / 1000).toFixed(1)} s`;
  if (page.wait_result === "ready") return `matched after ${seconds}: ${page.matched_line}`;
  if (page.wait_result === "timeout") return `timed out after ${seconds}`;
  return `process ${describeEnding(ending(page))}`;
}

/** Prints new lines as they are stored, by polling with the cursor, until the process ends. */
async function follow(
  client: HubClient,
  query: OutputRequest,
  first: OutputPage,
  json: boolean,
): Promise<void> {
  // The label follows the process through restarts, where its pid changes.
  const next: OutputRequest = { ...query, pid: undefined, command_or_label: first.label };
  delete next.since_time;
  let page = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    page = await client.output({ ...next, cursor: page.next_cursor, lines: MAX_LINES });
    show(page, json ? "line" : "text");
    if (stdoutIsGone()) return;
    if (page.status !== "running" && page.matched_lines === 0) return;
  }
}

function show(page: OutputPage, form: "text" | "line" | "pretty"): void {
  if (form !== "text") {
    printOut(JSON.stringify(page, null, form === "pretty" ? 2 : undefined));
    return;
  }
  if (page.skipped_lines > 0) {
    printErr(`(${page.skipped_lines} line(s) were rotated out of the log before they were read)`);
  }
  const times = page.times;
  const lines = page.output.map((line, i) => {
    const shown = localizeMarker(line);
    const time = times?.[i];
    return time ? `${localizeLine(time)} ${shown}` : shown;
  });
  if (lines.length > 0) printOut(lines.join("\n"));
  if (page.search_cut) {
    printErr("(the search stopped at its time budget; narrow it with --since or --cursor)");
  }
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`Invalid ${flag} "${value}": expected a whole number`);
  }
  return Number(value);
}

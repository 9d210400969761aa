/**
 * `persistproc events`: what happened to the managed processes, one line per event (a start,
 * a crash with its last stderr lines, a restart, a port opened...), the kept ones or, with
 * `--follow`, each new one as it happens: a stream made for a human's terminal and for an
 * agent's monitor (Claude Code's Monitor tool wakes the agent on each line).
 */
import { resolve } from "node:path";
import {
  eventLine,
  type EventQuery,
  KEPT_EVENTS,
  KIND_FILTERS,
  type KindFilter,
} from "../../core/events/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { followEvents } from "../event_feed.ts";
import { printOut, stdoutIsGone } from "../print.ts";
import { WORKING_DIRECTORY_FLAG } from "../target.ts";
import { parseCliTime } from "../time.ts";

/** The `events` subcommand. */
export const eventsCommand = defineCommand({
  names: ["events"],
  summary: "print what happens to processes (crashes, restarts, ports), or follow it",
  usage: "persistproc events [--follow] [--label L] [-C DIR] [--kind K,...] [--since T]\n" +
    "                   [--after ID] [--started-by WHO]",
  details: `Prints one line per event, oldest first, for example:
  persistproc: "api" (pid 12346) crashed: exit 1 at 14:12:31; last stderr: Error: listen EADDRINUSE :3000
The server keeps the last ${
    KEPT_EVENTS.toLocaleString("en-US")
  } events, also across its restarts. Events of one kind
that come in a flood (a crash loop) are merged: one line, in its place in time, says how
many and over how long ("crashed 4 times in 9 s, the last: exit 1 at 14:12:40").

${wrapList("Kinds: ", KIND_FILTERS)}
(crashed: an exit that was not asked for and failed).

Flags:
  -f, --follow        print each new event as it happens (only new ones, unless --since or
                      --after), until interrupted; waits for the server while it is down and
                      resumes where it left off
  --label L           only events of the process labelled L
  -C, --working-directory DIR   only events of processes started in DIR
  --kind K,...        only these kinds
  --since T           only events at or after T: a local time (16:19), a duration ago (5m),
                      or ISO-8601
  --after ID          only events after the one with this id (--format json shows ids)
  --started-by WHO    only events of processes started by WHO (cli, dashboard, a client name)

--format json prints each event as one JSON object per line.

For an agent: in Claude Code, arm the Monitor tool with
  persistproc events --follow --label api --kind crashed,autorestart_gave_up
to be woken when the process crashes.`,
  flags: {
    follow: { type: "boolean", short: "f" },
    label: { type: "string" },
    kind: { type: "string" },
    since: { type: "string" },
    after: { type: "string" },
    "started-by": { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) {
      throw new UsageError(`events takes no TARGET: use --label "${positionals.join(" ")}"`);
    }
    const query: EventQuery = {};
    if (values.label !== undefined) query.label = values.label;
    if (values["working-directory"] !== undefined) {
      query.working_directory = resolve(values["working-directory"]);
    }
    if (values["started-by"] !== undefined) query.started_by = values["started-by"];
    if (values.kind !== undefined) query.kinds = kinds(values.kind);
    if (values.since !== undefined) {
      query.since = parseCliTime("--since", values.since).toISOString();
    }
    if (values.after !== undefined) {
      if (!/^\d+$/.test(values.after)) {
        throw new UsageError(`Invalid --after "${values.after}": expected an event id`);
      }
      query.after = Number(values.after);
    }
    const json = settings.format === "json";
    const print = (event: Parameters<typeof eventLine>[0]) => {
      printOut(json ? JSON.stringify(event) : eventLine(event));
      return stdoutIsGone();
    };
    if (!values.follow) {
      const client = await connect(settings, { autostart: false });
      const { backlog } = await client.events(query);
      for (const event of backlog) if (print(event)) break;
      return 0;
    }
    // Following: only what happens from now on, unless asked for the past too.
    if (query.since === undefined && query.after === undefined) query.limit = 0;
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    Deno.addSignalListener("SIGINT", interrupt);
    try {
      await followEvents(settings, query, print, {
        signal: stop.signal,
        waitForServerMs: Infinity,
      });
    } finally {
      Deno.removeSignalListener("SIGINT", interrupt);
    }
    return 0;
  },
});

/** The kinds `--kind` names, checked. */
function kinds(text: string): KindFilter[] {
  return text.split(",").map((kind) => kind.trim()).filter((kind) => kind !== "").map(
    (kind) => {
      if (!KIND_FILTERS.includes(kind as KindFilter)) {
        throw new UsageError(
          `Invalid --kind "${kind}": expected one or more of ${KIND_FILTERS.join(", ")}`,
        );
      }
      return kind as KindFilter;
    },
  );
}

/** `prefix` and `items` joined by ", ", broken into lines of at most `width` characters. */
function wrapList(prefix: string, items: readonly string[], width = 88): string {
  const lines = [prefix.trimEnd()];
  for (const [i, item] of items.entries()) {
    const word = item + (i < items.length - 1 ? "," : "");
    const last = lines.length - 1;
    if (lines[last].length + 1 + word.length > width) lines.push(word);
    else lines[last] += ` ${word}`;
  }
  return lines.join("\n");
}

/**
 * `persistproc events`: what happened to the managed processes, one line per event (a start,
 * a crash with its last stderr lines, a restart, a port opened...), the kept ones or, with
 * `--follow`, each new one as it happens: a stream made for a human's terminal and for an
 * agent's monitor (Claude Code's Monitor tool wakes the agent on each line).
 */
import { resolve } from "node:path";
import { HubError } from "../../client/client_errors.ts";
import type { HubClient } from "../../client/hub_client.ts";
import {
  eventLine,
  type EventQuery,
  KEPT_EVENTS,
  KIND_FILTERS,
  type KindFilter,
} from "../../core/events/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect, NoServerError } from "../connect.ts";
import { followEvents } from "../event_feed.ts";
import { actOnTarget } from "../folder.ts";
import { printErr, printOut, stdoutIsGone } from "../print.ts";
import { WORKING_DIRECTORY_FLAG } from "../target.ts";
import { parseCliTime } from "../time.ts";

/** The `events` subcommand. */
export const eventsCommand = defineCommand({
  names: ["events"],
  summary: "print what happens to processes (crashes, restarts, ports), or follow it",
  usage: "persistproc events [--follow] [--label L] [-C DIR] [--kind K,...] [--since T]\n" +
    "                   [--after ID] [--lines N] [--started-by WHO]",
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
  -f, --follow        print each new event as it happens (only new ones, unless --since,
                      --after or --lines), until interrupted; waits for the server while it
                      is down and resumes where it left off
  --label L           only events of the process labelled L (or the name its lines show:
                      a process started without a label shows as its command); one that
                      names nothing yet is an error, or with --follow waited for
  -C, --working-directory DIR   only events of processes started in DIR
  --kind K,...        only these kinds
  --since T           only events at or after T: a local time (16:19), a duration ago (5m),
                      or ISO-8601
  --after ID          only events after the one with this id (--format json shows ids)
  --lines N           only the last N of the kept events (with --follow: then each new one)
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
    lines: { type: "string" },
    "started-by": { type: "string" },
    ...WORKING_DIRECTORY_FLAG,
  },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) {
      throw new UsageError(`events takes no TARGET: use --label "${positionals.join(" ")}"`);
    }
    const query = eventQuery(values);
    const json = settings.format === "json";
    const print = (event: Parameters<typeof eventLine>[0]) => {
      printOut(json ? JSON.stringify(event) : eventLine(event));
      return stdoutIsGone();
    };
    const directory = values["working-directory"];
    if (!values.follow) {
      const client = await connect(settings, { autostart: false });
      if (query.label !== undefined) {
        query.label = await labelMeant(client, query.label, directory, { follow: false });
      }
      const { backlog } = await client.events(query);
      for (const event of backlog) if (print(event)) break;
      return 0;
    }
    if (query.label !== undefined) {
      // With no server up yet, the label is followed as typed, once one is.
      const client = await connect(settings, { autostart: false }).catch((error) => {
        if (error instanceof NoServerError) return null;
        throw error;
      });
      if (client) query.label = await labelMeant(client, query.label, directory, { follow: true });
    }
    // Following: only what happens from now on, unless asked for the past too.
    if (query.since === undefined && query.after === undefined) query.limit ??= 0;
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

/** What the flags ask of the event stream, checked; `--label` as typed (see labelMeant). */
export function eventQuery(values: {
  label?: string;
  "working-directory"?: string;
  "started-by"?: string;
  kind?: string;
  since?: string;
  after?: string;
  lines?: string;
}): EventQuery {
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
  if (values.lines !== undefined) {
    if (!/^\d+$/.test(values.lines)) {
      throw new UsageError(`Invalid --lines "${values.lines}": expected a whole number`);
    }
    query.limit = Number(values.lines);
  }
  return query;
}

/**
 * The label whose events `--label` asks for: the label as typed when kept events have it, else
 * the label of the process it names as a TARGET does (a label, or the command a default label
 * records: the event lines show `"npm run dev"` for `npm run dev in /src/app`). A name that
 * matches nothing is the server's not-found error (exit 125) rather than an empty stream that
 * never prints; a follower instead says so on stderr and waits for such a process to start.
 */
export async function labelMeant(
  client: Pick<HubClient, "events" | "get" | "list">,
  label: string,
  directory: string | undefined,
  { follow }: { follow: boolean },
): Promise<string> {
  const kept = await client.events({ label, limit: 1 });
  if (kept.backlog.length > 0) return label;
  try {
    // All digits is a label here, never a PID: an event stream follows a label across runs.
    const found = /^\d+$/.test(label)
      ? await client.get({
        command_or_label: label,
        ...(directory === undefined ? {} : { working_directory: resolve(directory) }),
      })
      : await actOnTarget(client, [label], directory, (target) => client.get(target));
    return found.label;
  } catch (error) {
    if (!follow || !(error instanceof HubError && error.code === "not_found")) throw error;
    printErr(`persistproc: no process is labelled "${label}" yet; following for its events`);
    return label;
  }
}

/** The kinds `--kind` names, checked. */
function kinds(text: string): KindFilter[] {
  const named = text.split(",").map((kind) => kind.trim()).filter((kind) => kind !== "");
  const wrong = named.length === 0 ? text : named.find((kind) => !isKind(kind));
  if (wrong !== undefined) {
    throw new UsageError(
      `Invalid --kind "${wrong}": expected one or more of ${KIND_FILTERS.join(", ")}`,
    );
  }
  return named as KindFilter[];
}

function isKind(kind: string): kind is KindFilter {
  return KIND_FILTERS.includes(kind as KindFilter);
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

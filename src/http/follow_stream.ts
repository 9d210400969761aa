/**
 * The follow stream of the JSON API (`GET /api/hub/follow`, for a client's Hub.follow and the
 * page): a process and its backlog as one `following` record, then every live event as NDJSON
 * until the reader leaves (the CLI's `run` and the page leave after the final exit).
 */
import {
  type ErrorBody,
  type Following,
  type FollowingRecord,
  InvalidArgumentError,
  MAX_LINES,
  type ProcessEvent,
  type ProcessTarget,
} from "../core/mod.ts";
import type { ApiContext } from "./json_api.ts";
import { errorResponse } from "./api_errors.ts";

/** Bytes of events a follower may have queued before its line events are skipped. */
const FOLLOW_QUEUE_LIMIT = 16 * 1024 * 1024;

/** How many follow streams may be open at once; each holds a subscription and a queue. */
const MAX_FOLLOWERS = 64;

/**
 * Streams a process's events as NDJSON: a {@link FollowingRecord}, then live events until the
 * reader leaves or the server shuts down. Beyond {@link MAX_FOLLOWERS} open streams, a new one
 * is refused with 429.
 */
export async function followStream(ctx: ApiContext, url: URL): Promise<Response> {
  if (ctx.streams.size >= MAX_FOLLOWERS) {
    return Response.json(
      {
        error: {
          code: "too_many_followers",
          message: `Too many log followers: ${MAX_FOLLOWERS} streams are open; ` +
            "close one (a dashboard tab or a 'persistproc run' or 'output --follow') and retry",
        },
      } satisfies ErrorBody,
      { status: 429, headers: { "retry-after": "1" } },
    );
  }
  const lines = Number(url.searchParams.get("lines") ?? "100");
  if (!Number.isInteger(lines) || lines < 0 || lines > MAX_LINES) {
    return errorResponse(
      new InvalidArgumentError(`Invalid lines "${url.searchParams.get("lines")}"`),
      url.pathname,
    );
  }
  const encoder = new TextEncoder();
  let close = () => {};
  let following: Following;
  try {
    following = await ctx.hub.follow(targetOf(url), lines, (event) => send(event));
  } catch (error) {
    return errorResponse(error, url.pathname);
  }
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const pending: ProcessEvent[] = [];
  // A reader that falls far behind a flood must not grow the server's memory without bound:
  // past the limit its line events are skipped (they stay in the log) and it is told how many.
  let skipped = 0;
  function send(event: ProcessEvent) {
    if (!controller) return void pending.push(event);
    const backlogged = (controller.desiredSize ?? 0) < -FOLLOW_QUEUE_LIMIT;
    if (event.type === "line" && backlogged) return void skipped++;
    // A frame is superseded by the next one: a reader behind does without.
    if (event.type === "frame" && backlogged) return;
    // The notice goes out as soon as there is room, and before any event that is not a line
    // (an exit, say, after which the stream ends), however full the queue is.
    if (skipped > 0 && (!backlogged || event.type !== "line")) {
      const text = `[persistproc] ${skipped} line(s) skipped: this reader fell behind; ` +
        `read them with the output tool (they are stored in ${process.log_dir})`;
      skipped = 0;
      enqueue({ type: "line", stream: "stderr", time: new Date().toISOString(), text });
    }
    enqueue(event);
  }
  function enqueue(record: ProcessEvent | FollowingRecord) {
    controller.enqueue(encoder.encode(JSON.stringify(record) + "\n"));
  }
  const { backlog, process, unsubscribe } = following;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      close = () => {
        unsubscribe();
        ctx.streams.delete(close);
        try {
          c.close();
        } catch { /* already closed */ }
      };
      ctx.streams.add(close);
      enqueue({ type: "following", process, backlog });
      for (const event of pending.splice(0)) send(event);
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  return new Response(body, {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}

/** The process a follow names in its query: `pid`, else `command_or_label` (+ directory). */
function targetOf(url: URL): ProcessTarget {
  const query = url.searchParams;
  const target: ProcessTarget = {};
  if (query.has("pid")) target.pid = Number(query.get("pid"));
  const name = query.get("command_or_label");
  if (name !== null) target.command_or_label = name;
  const directory = query.get("working_directory");
  if (directory !== null) target.working_directory = directory;
  return target;
}

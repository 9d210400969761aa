/**
 * The hub's event stream over HTTP, `GET /api/hub/events`: first one `events` record with the
 * kept events the query asks for and the newest cursor, then (with `follow=1`) each new event
 * as it happens, one JSON line each, until the client leaves. The query names the filter:
 * `label`, `working_directory`, `started_by`, `kind` (comma-separated), `after` (a cursor),
 * `since` (ISO 8601) and `limit`; a bad value is an InvalidArgumentError.
 */
import { type ErrorBody, type EventFeedRecord, InvalidArgumentError } from "../core/mod.ts";
import {
  type EventQuery,
  type HubEvent,
  KEPT_EVENTS,
  KIND_FILTERS,
  type KindFilter,
} from "../core/events/mod.ts";
import type { ApiContext } from "./json_api.ts";
import { errorResponse } from "./api_errors.ts";

/** How many event streams may be open at once (each dashboard tab and CLI follower has one). */
const MAX_EVENT_STREAMS = 64;
/** Bytes a reader may leave unread before its stream is ended (it resumes from its cursor). */
const QUEUE_LIMIT = 4 * 1024 * 1024;

const open = new WeakMap<ApiContext, Set<() => void>>();

/** Answers `GET /api/hub/events`; see the module comment. */
export async function eventStream(ctx: ApiContext, url: URL): Promise<Response> {
  let query: EventQuery;
  try {
    query = eventQuery(url.searchParams);
  } catch (error) {
    return errorResponse(error);
  }
  const follow = url.searchParams.get("follow") === "1";
  const streams = open.get(ctx) ?? new Set();
  open.set(ctx, streams);
  if (follow && streams.size >= MAX_EVENT_STREAMS) {
    return Response.json(
      {
        error: {
          code: "too_many_followers",
          message:
            `Too many event followers: ${MAX_EVENT_STREAMS} streams are open; close one and retry`,
        },
      } satisfies ErrorBody,
      { status: 429, headers: { "retry-after": "1" } },
    );
  }
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const early: HubEvent[] = [];
  let close = () => {};
  const send = (record: HubEvent | EventFeedRecord) => {
    if ((controller.desiredSize ?? 0) < -QUEUE_LIMIT) return close();
    controller.enqueue(encoder.encode(JSON.stringify(record) + "\n"));
  };
  let feed;
  try {
    feed = await ctx.hub.events(
      query,
      follow ? (event) => controller ? send(event) : early.push(event) : undefined,
    );
  } catch (error) {
    return errorResponse(error);
  }
  const { backlog, last_id, unsubscribe } = feed;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      close = () => {
        unsubscribe();
        streams.delete(close);
        ctx.streams.delete(close);
        try {
          c.close();
        } catch { /* already closed */ }
      };
      send({ type: "events", backlog, last_id });
      if (!follow) return close();
      streams.add(close);
      ctx.streams.add(close);
      for (const event of early.splice(0)) send(event);
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  return new Response(body, {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}

/** The query of an event stream, checked; a bad value is an InvalidArgumentError naming it. */
export function eventQuery(params: URLSearchParams): EventQuery {
  const query: EventQuery = {};
  for (const name of ["label", "working_directory", "started_by"] as const) {
    const value = params.get(name);
    if (value !== null) query[name] = value;
  }
  const kinds = params.get("kind");
  if (kinds !== null) {
    query.kinds = kinds.split(",").filter((kind) => kind !== "").map((kind) => {
      if (!KIND_FILTERS.includes(kind as KindFilter)) {
        throw new InvalidArgumentError(
          `Invalid kind "${kind}": expected one of ${KIND_FILTERS.join(", ")}`,
        );
      }
      return kind as KindFilter;
    });
  }
  const after = params.get("after");
  if (after !== null) query.after = whole("after", after, Number.MAX_SAFE_INTEGER);
  const limit = params.get("limit");
  if (limit !== null) query.limit = whole("limit", limit, KEPT_EVENTS);
  const since = params.get("since");
  if (since !== null) {
    if (Number.isNaN(Date.parse(since))) {
      throw new InvalidArgumentError(`Invalid since "${since}": expected an ISO 8601 time`);
    }
    query.since = new Date(since).toISOString();
  }
  return query;
}

function whole(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) {
    throw new InvalidArgumentError(
      `Invalid ${name} "${text}": expected a whole number from 0 to ${max}`,
    );
  }
  return value;
}

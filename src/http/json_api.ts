/**
 * The small HTTP/JSON API the CLI (and the page) use: the hub's verbs (`/api/hub/<verb>`, see
 * hub_routes.ts), a process's follow stream (follow_stream.ts), the event stream (event_stream.ts),
 * health and shutdown. It is the one JSON API: the MCP tools are served at /mcp only.
 */
import { type ErrorBody, type Health, type Hub, InvalidArgumentError } from "../core/mod.ts";
import { describeIssues } from "../mcp/argument_errors.ts";
import { orShuttingDown } from "../mcp/tool_errors.ts";
import { clientFromUserAgent } from "../mcp/client_info.ts";
import type { z } from "zod";
import { errorResponse } from "./api_errors.ts";
import { BodyTooLargeError, readBody, tooLarge } from "./body_limit.ts";
import { eventStream } from "./event_stream.ts";
import { followStream } from "./follow_stream.ts";
import { HUB_ROUTES, HUB_SCHEMAS } from "./hub_routes.ts";

/** What the API answers from, besides the hub. */
export interface ApiContext {
  hub: Hub;
  health: Health;
  /** Begins a graceful shutdown of the whole server. */
  requestShutdown: () => void;
  /** Open follow streams, closed by the server when it shuts down. */
  streams: Set<() => void>;
  /** Aborted when the server begins shutting down: calls still running are answered so. */
  closing: AbortSignal;
}

/** Routes a request under `/api/`; null when no route matches. */
export async function handleApi(
  ctx: ApiContext,
  request: Request,
  url: URL,
): Promise<Response | null> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/api/health" && request.method === "GET") return Response.json(ctx.health);
  if (path === "/api/hub/follow" && request.method === "GET") return followStream(ctx, url);
  if (path === "/api/hub/events" && request.method === "GET") return eventStream(ctx, url);
  if (request.method !== "POST") return null;
  // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") {
    return Response.json(
      {
        error: { code: "invalid_argument", message: "Send Content-Type: application/json" },
      } satisfies ErrorBody,
      { status: 415 },
    );
  }
  if (path === "/api/shutdown") {
    queueMicrotask(ctx.requestShutdown);
    return Response.json({ ok: true }, { status: 202 });
  }
  const [kind, name, ...more] = path.split("/").slice(2);
  const verb = kind === "hub" ? HUB_ROUTES.get(name) : undefined;
  if (!verb || more.length > 0) return null;
  const args = await readArguments(request, HUB_SCHEMAS.get(name)!);
  if (args instanceof Response) return args;
  try {
    // No abort signal: Deno aborts request.signal after every successful response (and warns
    // about it); a wait this caller abandons ends at its own timeout.
    // persistproc's own doors (the CLI, the page) name themselves in their own header.
    const door = request.headers.get("x-persistproc-client");
    const client = clientFromUserAgent(door ?? request.headers.get("user-agent"));
    const call = verb.call(ctx.hub, args as never, client);
    return Response.json(await orShuttingDown(call, ctx.closing));
  } catch (error) {
    return errorResponse(error, `POST ${path}`);
  }
}

/** The JSON body of a call, checked against its schema; else the 4xx answer saying why. */
async function readArguments(
  request: Request,
  schema: z.ZodType,
): Promise<unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readBody(request)));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return tooLarge(error);
    return errorResponse(new InvalidArgumentError("The request body is not valid JSON"));
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  return errorResponse(new InvalidArgumentError(describeIssues(parsed.error.issues, body)));
}

/**
 * A research preview, off unless `serve --claude-channel`: Claude Code's development channels.
 * Claude Code lets an MCP server start a turn with `notifications/claude/channel`, but only on
 * a 2025-era session with a GET stream, for a server declaring the `claude/channel`
 * capability, in an interactive session started with
 * `claude --dangerously-load-development-channels server:NAME`, behind a rollout flag. This
 * endpoint, `/channel`, is that and nothing else: it is kept apart from `/mcp` (which is
 * stateless and offers the tools), answers the handshake and pings by hand, and sends each
 * event its query asks for (by default crashes and autorestart giving up) as one notification.
 */
import denoJson from "../../deno.json" with { type: "json" };
import { eventLine, type HubEvent } from "../core/events/mod.ts";
import type { ApiContext } from "./json_api.ts";
import { errorResponse } from "./api_errors.ts";
import { eventQuery } from "./event_stream.ts";

/** The 2025-era revisions the handshake accepts; the newest is answered to anything else. */
const VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"];
/**
 * How many sessions are kept. Claude Code does not always end its session when it quits, so
 * a new one takes the place of the oldest that has no stream open; only when every one
 * streams is a new one refused.
 */
const MAX_SESSIONS = 16;
/** How often an idle stream gets a comment, so that nothing between closes it. */
const KEEPALIVE_MS = 25_000;

/** A session: its query, how to end its stream, and whether one is open. */
interface Session {
  query: URLSearchParams;
  close: () => void;
  streaming: boolean;
}

/** The sessions, oldest first. */
const sessions = new Map<string, Session>();

/** Answers a request to `/channel`; see the module comment. */
export async function claudeChannel(ctx: ApiContext, request: Request, url: URL) {
  const id = request.headers.get("mcp-session-id");
  const session = id === null ? undefined : sessions.get(id);
  if (request.method === "DELETE") {
    session?.close();
    if (id !== null) sessions.delete(id);
    return new Response(null, { status: 200 });
  }
  if (request.method === "GET") {
    if (!session) return new Response("Unknown session", { status: 404 });
    return stream(ctx, session);
  }
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const message = await request.json().catch(() => null) as
    | { id?: unknown; method?: string; params?: { protocolVersion?: string } }
    | null;
  if (message === null || typeof message.method !== "string") {
    return rpcError(null, -32700, "Expected one JSON-RPC message");
  }
  if (message.id === undefined) return new Response(null, { status: 202 }); // a notification
  if (message.method === "initialize") {
    if (!makeRoom()) return rpcError(message.id, -32000, "Too many sessions are streaming");
    const asked = message.params?.protocolVersion ?? "";
    const session = crypto.randomUUID();
    sessions.set(session, { query: url.searchParams, close: () => {}, streaming: false });
    return Response.json({
      jsonrpc: "2.0",
      id: message.id,
      result: {
        protocolVersion: VERSIONS.includes(asked) ? asked : VERSIONS[0],
        capabilities: { experimental: { "claude/channel": {} } },
        serverInfo: { name: "persistproc-channel", version: denoJson.version },
        instructions: "persistproc sends a notification when a managed process crashes " +
          "or autorestart gives up on it; read its output with the persistproc output tool.",
      },
    }, { headers: { "mcp-session-id": session } });
  }
  if (!session) return rpcError(message.id, -32001, "Unknown session: initialize again");
  if (message.method === "ping") {
    return Response.json({ jsonrpc: "2.0", id: message.id, result: {} });
  }
  return rpcError(message.id, -32601, `No method "${message.method}" here`);
}

/** Whether a new session may be kept, once the oldest idle one went when there are too many. */
function makeRoom(): boolean {
  if (sessions.size < MAX_SESSIONS) return true;
  const idle = [...sessions].find(([, session]) => !session.streaming);
  if (idle === undefined) return false;
  sessions.delete(idle[0]);
  return true;
}

/** The session's GET stream: each event its query asks for, as a channel notification. */
async function stream(ctx: ApiContext, session: Session): Promise<Response> {
  session.close(); // one stream per session: a new one replaces the old
  let query;
  try {
    query = eventQuery(session.query);
  } catch (error) {
    return errorResponse(error);
  }
  query.kinds ??= ["crashed", "autorestart_gave_up"];
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const send = (text: string) => {
    try {
      controller?.enqueue(encoder.encode(text));
    } catch { /* closed meanwhile */ }
  };
  const notify = (event: HubEvent) =>
    send(`event: message\ndata: ${JSON.stringify(notification(event))}\n\n`);
  const feed = await ctx.hub.events({ ...query, limit: 0 }, notify);
  const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
  const close = () => {
    if (session.close === close) session.streaming = false; // not when replaced already
    feed.unsubscribe();
    clearInterval(keepalive);
    ctx.streams.delete(close);
    try {
      controller.close();
    } catch { /* already closed */ }
  };
  session.close = close;
  session.streaming = true;
  ctx.streams.add(close);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      send(": persistproc channel\n\n");
    },
    cancel: close,
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
  });
}

/** The notification Claude Code turns into a turn: the event's line, and what it is about. */
export function notification(event: HubEvent) {
  return {
    jsonrpc: "2.0",
    method: "notifications/claude/channel",
    params: {
      content: eventLine(event),
      meta: {
        label: event.label,
        kind: event.crashed ? "crashed" : event.kind,
        pid: String(event.pid),
        event_id: String(event.id),
      },
    },
  };
}

function rpcError(id: unknown, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: id ?? null, error: { code, message } });
}

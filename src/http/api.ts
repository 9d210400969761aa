/**
 * The small HTTP/JSON API the CLI (and the page) use: the same tool table as MCP, a live
 * follow stream, health and shutdown.
 */
import type { Following, Hub } from "../core/hub.ts";
import type { ProcessEvent } from "../core/types.ts";
import { clientFromUserAgent } from "../mcp/client_info.ts";
import { portConflictOf } from "../core/ready/not_ready_report.ts";
import { reportError } from "../mcp/tool_errors.ts";
import { targetShape } from "../mcp/schemas.ts";
import { TOOLS } from "../mcp/tools.ts";
import { z } from "zod";
import { BodyTooLargeError, readBody, tooLarge } from "./body_limit.ts";

/** What the API answers from, besides the hub. */
export interface ApiContext {
  hub: Hub;
  health: Record<string, unknown>;
  /** Begins a graceful shutdown of the whole server. */
  requestShutdown: () => void;
  /** Open follow streams, closed by the server when it shuts down. */
  streams: Set<() => void>;
}

const TOOL_SCHEMAS = new Map(TOOLS.map((tool) => [tool.name, z.object(tool.inputSchema).strict()]));

function errorResponse(error: unknown): Response {
  const { status, ...body } = reportError(error);
  return Response.json({ error: body }, { status });
}

/** Routes a request under `/api/`; null when no route matches. */
export async function handleApi(
  ctx: ApiContext,
  request: Request,
  url: URL,
): Promise<Response | null> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/api/health" && request.method === "GET") return Response.json(ctx.health);
  if (path === "/api/follow" && request.method === "GET") return follow(ctx, url);
  if (path === "/api/port_conflict" && request.method === "GET") return portConflict(ctx, url);
  if (request.method !== "POST") return null;
  // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") {
    return Response.json(
      { error: { code: "invalid_argument", message: "Send Content-Type: application/json" } },
      { status: 415 },
    );
  }
  if (path === "/api/shutdown") {
    queueMicrotask(ctx.requestShutdown);
    return Response.json({ ok: true }, { status: 202 });
  }
  if (path === "/api/forget") return await forget(ctx, request);
  const name = path.startsWith("/api/tools/") ? path.slice("/api/tools/".length) : "";
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) return null;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readBody(request)));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return tooLarge(error);
    return errorResponse(new TypeError("The request body is not valid JSON"));
  }
  const parsed = TOOL_SCHEMAS.get(name)!.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    return errorResponse(new TypeError(`Invalid arguments for ${name}: ${issues.join("; ")}`));
  }
  try {
    // No abort signal: Deno aborts request.signal after every successful response (and warns
    // about it); a wait this caller abandons ends at its own timeout.
    // persistproc's own doors (the CLI, the page) name themselves in their own header.
    const door = request.headers.get("x-persistproc-client");
    const context = { client: clientFromUserAgent(door ?? request.headers.get("user-agent")) };
    return Response.json(
      (await tool.run(ctx.hub, parsed.data as never, context)).structured,
    );
  } catch (error) {
    return errorResponse(error);
  }
}

/** Bytes of events a follower may have queued before its line events are skipped. */
const FOLLOW_QUEUE_LIMIT = 16 * 1024 * 1024;

/** How many follow streams may be open at once; each holds a subscription and a queue. */
const MAX_FOLLOWERS = 64;

/**
 * Streams a process's backlog and live events as NDJSON until it ends for good. Beyond
 * {@link MAX_FOLLOWERS} open streams, a new one is refused with 429.
 */
async function follow(ctx: ApiContext, url: URL): Promise<Response> {
  if (ctx.streams.size >= MAX_FOLLOWERS) {
    return Response.json({
      error: {
        code: "too_many_followers",
        message: `Too many log followers: ${MAX_FOLLOWERS} streams are open; ` +
          "close one (a dashboard tab or a 'persistproc run' or 'output --follow') and retry",
      },
    }, { status: 429, headers: { "retry-after": "1" } });
  }
  const pid = Number(url.searchParams.get("pid"));
  const lines = Number(url.searchParams.get("lines") ?? "100");
  if (!Number.isInteger(lines) || lines < 0 || lines > 10_000) {
    return errorResponse(new RangeError(`Invalid lines "${url.searchParams.get("lines")}"`));
  }
  const encoder = new TextEncoder();
  let close = () => {};
  let following: Following;
  try {
    following = await ctx.hub.follow({ pid }, lines, (event) => send(event));
  } catch (error) {
    return errorResponse(error);
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
    if (event.type === "exit" && !event.restarting) close();
  }
  function enqueue(event: ProcessEvent) {
    controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
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
      for (const event of backlog) send(event);
      if (process.status !== "running" && pending.length === 0) {
        send({ type: "exit", process, restarting: false });
      }
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

const forgetInput = z.object(targetShape).strict();

/** Removes an ended process and its stored output; answers with its last record. */
async function forget(ctx: ApiContext, request: Request): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readBody(request)));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return tooLarge(error);
  }
  const parsed = forgetInput.safeParse(body);
  if (!parsed.success) {
    return errorResponse(new TypeError("Send the process as {pid} or {command_or_label}"));
  }
  try {
    return Response.json({ forgotten: await ctx.hub.forget(parsed.data) });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Who holds the port that process `pid` reported in use, if it did: `{ port_conflict }`. */
async function portConflict(ctx: ApiContext, url: URL): Promise<Response> {
  try {
    const pid = Number(url.searchParams.get("pid"));
    return Response.json({ port_conflict: await portConflictOf(ctx.hub, { pid }) });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * The one HTTP server: MCP at `/mcp`, the JSON API at `/api/`, the page, on loopback only. It
 * serves the hub it is given; the supervisor's life (the data-dir lock, restore, signals,
 * shutdown) is the composition root's, in src/server/.
 */
import denoJson from "../../deno.json" with { type: "json" };
import { findPortHolders } from "../core/ports/mod.ts";
import type { ErrorBody, Hub } from "../core/mod.ts";
import { type ApiContext, handleApi } from "./json_api.ts";
import { BodyTooLargeError, readBody } from "./body_limit.ts";
import { AUTH_CHALLENGE, isLoopbackAddress, refuseForeign, startSession } from "./guard.ts";
import { noteActivity, reduceMemoryWhenIdle } from "./memory.ts";
import { handlePage, isPageAsset } from "./page/page.ts";

/** Settings of the server (see src/server/run_server.ts). */
export interface ServeOptions {
  port: number;
  dataDir: string;
  /** Interface to bind; loopback unless told otherwise. */
  hostname?: string;
  /** Called once the server listens, with the MCP URL. */
  onListen?: (url: string) => void;
  /** Cap of each log file before it rotates (default 16 MiB). */
  logMaxBytes?: number;
  /**
   * Bearer token every request but the page's static files must carry. Leaving it out turns
   * authentication off, which is allowed on loopback only.
   */
  token?: string;
  /** Serve Claude Code's development channel at `/channel` (a research preview). */
  claudeChannel?: boolean;
  /**
   * The command that reaches this server from a shell (`persistproc --port 9000`), which the MCP
   * instructions and a 401 name; `persistproc` unless told.
   */
  cli?: string;
}

/** The port is taken; says whether by another persistproc, else by whom if known. */
export class PortInUseError extends Error {
  readonly code = "port_in_use";
  readonly port: number;
  readonly holder: string | null;
  readonly isPersistproc: boolean;
  constructor(port: number, holder: string | null, isPersistproc: boolean, options?: ErrorOptions) {
    super(
      isPersistproc
        ? `persistproc is already running on port ${port}`
        : `Port ${port} is in use by ${holder ?? "another program"}`,
      options,
    );
    this.name = "PortInUseError";
    this.port = port;
    this.holder = holder;
    this.isPersistproc = isPersistproc;
  }
}

/** What {@link listen} needs besides the settings: the hub to serve, and how to stop. */
interface DoorContext {
  hub: Hub;
  /** Begins a graceful shutdown of the whole server (`POST /api/shutdown`). */
  requestShutdown: () => void;
}

/** The listening door: ends when closed. */
interface HttpDoor {
  /** Resolves once the server has stopped listening. */
  finished: Promise<void>;
  /**
   * Answers every call still running "the server is shutting down" (a wait for a port or a
   * log line, say), as every call made from now on; the door still listens.
   */
  refuseCalls(): void;
  /** Refuses calls (see refuseCalls), ends every open follow stream and stops listening. */
  close(): void;
}

/**
 * Checks that the settings may be served: a non-loopback host needs a token. Throws a
 * TypeError saying why not.
 */
export function checkExposure(options: Pick<ServeOptions, "hostname" | "token">): void {
  const hostname = options.hostname ?? "127.0.0.1";
  if (!isLoopbackAddress(hostname) && !options.token) {
    throw new TypeError(
      `Refusing to listen on "${hostname}" without a token: anyone who can reach it could run programs. Set --token or PERSISTPROC_TOKEN`,
    );
  }
}

/**
 * Listens on the port and serves the MCP door, the JSON API and the page over `context`'s
 * hub. Throws PortInUseError when the port is taken.
 */
export async function listen(options: ServeOptions, context: DoorContext): Promise<HttpDoor> {
  checkExposure(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const policy = {
    token: options.token,
    anyHost: !isLoopbackAddress(hostname),
    cli: options.cli,
  };
  // A URL names an IPv6 address in brackets.
  const urlHost = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  const { hub } = context;
  const identity = { name: "persistproc", version: denoJson.version };
  const abort = new AbortController();
  const closing = new AbortController();
  const ctx: ApiContext = {
    hub,
    health: { ...identity, pid: Deno.pid, port: options.port, data_dir: options.dataDir },
    requestShutdown: context.requestShutdown,
    streams: new Set(),
    closing: closing.signal,
  };
  let mcp: Promise<(request: Request, parsedBody?: unknown) => Promise<Response>> | undefined;
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname,
      port: options.port,
      signal: abort.signal,
      onListen: () => options.onListen?.(`http://${urlHost}:${options.port}/mcp/`),
    }, async (request, info) => {
      noteActivity();
      const url = new URL(request.url);
      const refused = refuseForeign(request, policy, !isPageAsset(request, url));
      if (refused) return refused;
      if (url.pathname === "/mcp" || url.pathname === "/mcp/") {
        // The MCP exchange's own signal, aborted when its client goes away before the answer is
        // delivered: Deno's request.signal also aborts after every answer it delivers.
        const gone = new AbortController();
        info.completed.catch(() => gone.abort());
        const exchange = await capBody(request, gone.signal);
        if (exchange instanceof Response) return exchange;
        // Loaded on the first MCP request: the SDK is most of an idle server's memory.
        mcp ??= import("../mcp/mcp_door.ts").then(({ createMcpDoor }) => {
          reduceMemoryWhenIdle(); // the SDK's load is the largest burst the server ever makes
          return createMcpDoor(hub, identity, {
            anyHost: policy.anyHost,
            closing: closing.signal,
            cli: options.cli,
          });
        });
        return await (await mcp)(exchange.request, exchange.parsedBody);
      }
      if (options.claudeChannel && url.pathname === "/channel") {
        const { claudeChannel } = await import("./claude_channel.ts");
        return await claudeChannel(ctx, request, url);
      }
      if (url.pathname === "/api/session" && request.method === "POST") {
        return startSession(policy.token);
      }
      if (url.pathname.startsWith("/api/")) {
        const response = await handleApi(ctx, request, url);
        if (response) return response;
      }
      const page = handlePage(request, url);
      if (page) return page;
      return Response.json(
        {
          error: { code: "no_route", message: `No route for ${request.method} ${url.pathname}` },
        } satisfies ErrorBody,
        { status: 404 },
      );
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      const isPersistproc = await probePersistproc(options.port);
      const holder = isPersistproc ? null : describeHolder(await findPortHolders(options.port));
      throw new PortInUseError(options.port, holder, isPersistproc, { cause: error });
    }
    throw error;
  }
  reduceMemoryWhenIdle(); // start-up's module loading is a burst too
  return {
    finished: server.finished,
    refuseCalls() {
      closing.abort();
    },
    close() {
      closing.abort();
      for (const close of [...ctx.streams]) close();
      abort.abort();
    },
  };
}

/** Names the first holder with a known pid, e.g. `python3 (PID 42)`; null when none is known. */
function describeHolder(holders: { pid: number | null; command: string | null }[] | null) {
  const holder = holders?.find((h) => h.pid !== null);
  return holder ? `${holder.command ?? "a program"} (PID ${holder.pid})` : null;
}

/**
 * The request with its body read under the size cap (413 past it), so that the MCP transport
 * never reads an unbounded body, and with `signal` as its abort signal. A JSON body comes back
 * parsed, for the transport not to read it again; any other is left for it to refuse.
 */
async function capBody(
  request: Request,
  signal: AbortSignal,
): Promise<{ request: Request; parsedBody?: unknown } | Response> {
  // Built from its parts: copying the Request itself would read its signal, which makes Deno
  // warn that the signal aborts after every answer.
  const { url, method, headers } = request;
  let body: Uint8Array<ArrayBuffer> | null;
  try {
    body = request.body === null ? null : await readBody(request);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // In JSON-RPC's shape, which is what an MCP client reads.
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32600, message: error.message }, id: null },
      { status: 413, headers: { connection: "close" } },
    );
  }
  if (body !== null) {
    try {
      const parsedBody = JSON.parse(new TextDecoder().decode(body));
      return { request: new Request(url, { method, headers, signal }), parsedBody };
    } catch { /* not JSON: the transport answers with its parse error */ }
  }
  return { request: new Request(url, { method, headers, body, signal }) };
}

/**
 * Whether the program on the port answers as persistproc: its health, or the challenge of a
 * persistproc that wants a token.
 */
export async function probePersistproc(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    if (response.status === 401) {
      await response.body?.cancel();
      return response.headers.get("www-authenticate") === AUTH_CHALLENGE;
    }
    const body = await response.json();
    return body?.name === "persistproc";
  } catch {
    return false;
  }
}

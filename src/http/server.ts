/**
 * The one HTTP server: MCP at `/mcp`, the JSON API at `/api/`, on loopback only. It owns the
 * supervisor's life: created at start, shut down (every process tree stopped) on SIGINT,
 * SIGTERM or `POST /api/shutdown`.
 */
import denoJson from "../../deno.json" with { type: "json" };
import { logger } from "../core/logger.ts";
import { lockDataDir } from "../core/data_dir_lock.ts";
import { findPortHolders } from "../core/ports/listeners.ts";
import { Supervisor } from "../core/supervisor.ts";
import { type ApiContext, handleApi } from "./api.ts";
import { BodyTooLargeError, readBody } from "./body_limit.ts";
import { AUTH_CHALLENGE, isLoopbackHost, refuseForeign } from "./guard.ts";
import { handlePage } from "./page/page.ts";

/** Settings of {@link serve}. */
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

/**
 * Runs the hub until it is asked to stop, then stops every managed process tree and closes
 * open streams. Throws PortInUseError when the port is taken.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const hostname = options.hostname ?? "127.0.0.1";
  const loopback = hostname === "::1" || isLoopbackHost(hostname);
  if (!loopback && !options.token) {
    throw new TypeError(
      `Refusing to listen on "${hostname}" without a token: anyone who can reach it could run programs. Set --token or PERSISTPROC_TOKEN`,
    );
  }
  const policy = { token: options.token, anyHost: !loopback };
  await Deno.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const supervisor = new Supervisor({
    dataDir: options.dataDir,
    logMaxBytes: options.logMaxBytes,
    // The token must never reach a child, even one whose caller sent it.
    hiddenVariables: ["PERSISTPROC_TOKEN"],
  });
  const identity = { name: "persistproc", version: denoJson.version };
  const abort = new AbortController();
  let stopping: Promise<void> | null = null;
  const ctx: ApiContext = {
    supervisor,
    health: { ...identity, pid: Deno.pid, port: options.port, data_dir: options.dataDir },
    requestShutdown: () => void shutdown(),
    streams: new Set(),
  };

  // The lock comes before the listen: a refused second server must say nothing but its
  // refusal, not announce an address it will never serve.
  let unlock: () => void;
  try {
    unlock = lockDataDir(options.dataDir, options.port);
  } catch (error) {
    // Same data directory and same port: that is simply the server already running.
    if (await probePersistproc(options.port)) {
      throw new PortInUseError(options.port, null, true, { cause: error });
    }
    throw error;
  }

  let mcp: Promise<(request: Request) => Promise<Response>> | undefined;
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname,
      port: options.port,
      signal: abort.signal,
      onListen: () => options.onListen?.(`http://${hostname}:${options.port}/mcp/`),
    }, async (request) => {
      const url = new URL(request.url);
      const refused = refuseForeign(request, policy, !isStaticAsset(request, url));
      if (refused) return refused;
      if (url.pathname === "/mcp" || url.pathname === "/mcp/") {
        const capped = await capBody(request);
        if (capped instanceof Response) return capped;
        // Loaded on the first MCP request: the SDK is most of an idle server's memory.
        mcp ??= import("../mcp/server.ts").then(({ createMcpDoor }) =>
          createMcpDoor(supervisor, identity, { anyHost: policy.anyHost })
        );
        return await (await mcp)(capped);
      }
      if (url.pathname.startsWith("/api/")) {
        const response = await handleApi(ctx, request, url);
        if (response) return response;
      }
      const page = handlePage(request, url);
      if (page) return page;
      return Response.json(
        { error: { code: "not_found", message: `No route for ${request.method} ${url.pathname}` } },
        { status: 404 },
      );
    });
  } catch (error) {
    unlock();
    if (error instanceof Deno.errors.AddrInUse) {
      const isPersistproc = await probePersistproc(options.port);
      const holder = isPersistproc ? null : describeHolder(await findPortHolders(options.port));
      throw new PortInUseError(options.port, holder, isPersistproc, { cause: error });
    }
    throw error;
  }

  const restored = supervisor.restore();
  if (restored.adopted + restored.ended > 0) {
    logger.info(
      `Restored the registry: ${restored.adopted} process(es) still running were adopted, ${restored.ended} had ended`,
    );
  }

  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      logger.info("Shutting down: stopping every managed process");
      await supervisor.shutdown();
      for (const close of [...ctx.streams]) close();
      abort.abort();
    })();
    return stopping;
  }
  const onSignal = () => void shutdown();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  try {
    await server.finished;
    await stopping;
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    unlock();
  }
}

/** Names the first holder with a known pid, e.g. `python3 (PID 42)`; null when none is known. */
function describeHolder(holders: { pid: number | null; command: string | null }[] | null) {
  const holder = holders?.find((h) => h.pid !== null);
  return holder ? `${holder.command ?? "a program"} (PID ${holder.pid})` : null;
}

/**
 * The request with its body read under the size cap (413 past it), so that the MCP transport
 * never reads an unbounded body. A request without a body passes as it is.
 */
async function capBody(request: Request): Promise<Request | Response> {
  if (request.body === null) return request;
  try {
    return new Request(request, { body: await readBody(request) });
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // In JSON-RPC's shape, which is what an MCP client reads.
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32600, message: error.message }, id: null },
      { status: 413, headers: { connection: "close" } },
    );
  }
}

/** The page's files act on nothing, so they are served without the token. */
function isStaticAsset(request: Request, url: URL): boolean {
  return request.method === "GET" && ["/", "/app.js", "/app.css"].includes(url.pathname);
}

/**
 * Whether the program on the port answers as persistproc: its health, or the challenge of a
 * persistproc that wants a token.
 */
async function probePersistproc(port: number): Promise<boolean> {
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

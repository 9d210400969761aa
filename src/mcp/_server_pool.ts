/**
 * Per-request MCP servers kept for the next request. The SDK's HTTP entry asks its factory for
 * a server per request and connects it to a one-exchange transport; building one (the server,
 * its protocol handlers, each tool's registration) was a quarter of the door's work per call
 * and much of its garbage (measured). A 2026-07-28 exchange leaves nothing on its server that
 * the next one does not set again: the entry sets the protocol version and the client's
 * identity from each request's envelope, and the transport is detached when the exchange
 * closes. So such a server, once closed, serves the next 2026-07-28 request.
 *
 * A server goes back only when none of its tool calls is still running: a call whose client
 * went away may go on for a while, and its progress notifications must not reach the next
 * request's client. 2025-era requests get fresh servers: their `initialize` leaves the
 * negotiated version and the client's capabilities on the instance.
 */
import type { McpServer } from "@modelcontextprotocol/server";

/** Counts a server's running tool calls; `runTool` reports each start and end here. */
export class ToolCalls {
  #running = 0;
  #whenIdle: (() => void) | undefined;

  /** A call starts. */
  started(): void {
    this.#running++;
  }

  /** A call ended (returned, failed or gave up). */
  ended(): void {
    if (--this.#running > 0 || !this.#whenIdle) return;
    const then = this.#whenIdle;
    this.#whenIdle = undefined;
    then();
  }

  /** Runs `then` now when no call runs, else when the last running one ends. */
  whenIdle(then: () => void): void {
    if (this.#running === 0) then();
    else this.#whenIdle = then;
  }
}

/**
 * How many closed servers wait for a request at most: as many as requests commonly run at
 * once (32 agents calling together, in the benchmark), at about 10 KiB each. Beyond that,
 * requests build servers as before.
 */
const MAX_IDLE = 32;

/** Hands out servers for 2026-07-28 requests, reusing closed ones (see the module comment). */
export class ServerPool {
  readonly #idle: McpServer[] = [];
  readonly #build: (calls: ToolCalls) => McpServer;

  /** `build` makes a server whose tool calls report to the counter it is given. */
  constructor(build: (calls: ToolCalls) => McpServer) {
    this.#build = build;
  }

  /** A server that serves no exchange: a closed one if any waits, else a new one. */
  take(): McpServer {
    const idle = this.#idle.pop();
    if (idle) return idle;
    const calls = new ToolCalls();
    const server = this.#build(calls);
    // The entry chains its own close handling in front of this one and restores it after.
    server.server.onclose = () =>
      calls.whenIdle(() => {
        if (this.#idle.length < MAX_IDLE) this.#idle.push(server);
      });
    return server;
  }
}

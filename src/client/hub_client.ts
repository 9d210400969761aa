/**
 * A small typed client for a running persistproc server's HTTP API. Every door of the server
 * offers the same tools; this one is what the CLI uses, so the CLI never supervises anything
 * itself.
 */

import type { PortHolderInfo } from "../core/errors.ts";
import type { ProcessEvent, ProcessInfo } from "../core/types.ts";
import type {
  CtrlArgs,
  Health,
  ListResult,
  OutputRequest,
  OutputWaitFields,
  ProcessTarget,
  WaitedCtrlResult,
  WaitedOutputPage,
} from "./api.ts";
import { HubError, ServerUnreachableError } from "./errors.ts";
import { parseNdjson } from "./ndjson.ts";

/** Where the server listens. The hostname is loopback unless a test says otherwise. */
export interface HubClientOptions {
  port: number;
  hostname?: string;
  /** Sent as `Authorization: Bearer <token>` when the server requires one. */
  token?: string;
}

/**
 * Talks to one persistproc server. API refusals become `HubError`s carrying the server's
 * code; failing to connect at all becomes a `ServerUnreachableError`.
 */
export class HubClient {
  /** The port this client talks to. */
  readonly port: number;
  /** The server's origin, e.g. `http://127.0.0.1:8947`. */
  readonly baseUrl: string;

  readonly #token: string | undefined;

  constructor(options: HubClientOptions) {
    this.port = options.port;
    this.#token = options.token;
    this.baseUrl = `http://${options.hostname ?? "127.0.0.1"}:${options.port}`;
  }

  /** Asks who is listening; fails with code `not_persistproc` when it is some other program. */
  async health(): Promise<Health> {
    const response = await this.#request("GET", "/api/health");
    if (response.status === 401 && response.headers.has("www-authenticate")) {
      throw await errorFrom(response);
    }
    const body = await response.json().catch(() => null) as Partial<Health> | null;
    if (!response.ok || body?.name !== "persistproc") {
      throw new HubError(
        "not_persistproc",
        `Port ${this.port} is in use by another program`,
        response.status,
      );
    }
    return body as Health;
  }

  /** Starts, stops or restarts a process; with wait_for_* conditions, once it is ready. */
  ctrl(args: CtrlArgs): Promise<WaitedCtrlResult> {
    return this.#tool("ctrl", args);
  }

  /** Lists managed processes, optionally narrowed to one target. */
  list(args: ProcessTarget & { started_by?: string } = {}): Promise<ListResult> {
    return this.#tool("list", args);
  }

  /** Reads stored output of one process: the newest lines, since a cursor, or grep hits. */
  output(args: OutputRequest & OutputWaitFields): Promise<WaitedOutputPage> {
    return this.#tool("output", args);
  }

  /**
   * Streams a process's events: up to `lines` backlog lines, then live lines, restarts and
   * exits. The stream ends after the final exit; abort `signal` to stop following earlier.
   */
  async *follow(pid: number, lines: number, signal?: AbortSignal): AsyncGenerator<ProcessEvent> {
    const response = await this.#request(
      "GET",
      `/api/follow?pid=${pid}&lines=${lines}`,
      undefined,
      signal,
    );
    if (!response.ok) throw await errorFrom(response);
    if (response.body === null) return;
    try {
      for await (const event of parseNdjson(response.body)) yield event as ProcessEvent;
    } catch (error) {
      if (signal?.aborted || error instanceof SyntaxError) throw error;
      throw new ServerUnreachableError(this.port, { cause: error });
    }
  }

  /** Removes an ended process and its stored output; resolves with its last record. */
  async forget(target: ProcessTarget): Promise<ProcessInfo> {
    const response = await this.#request("POST", "/api/forget", target);
    if (!response.ok) throw await errorFrom(response);
    return (await response.json() as { forgotten: ProcessInfo }).forgotten;
  }

  /** Who holds the port that process `pid` reported in use (say, as it died), or null. */
  async portConflict(pid: number): Promise<PortHolderInfo | null> {
    const response = await this.#request("GET", `/api/port_conflict?pid=${pid}`);
    if (!response.ok) throw await errorFrom(response);
    return (await response.json() as { port_conflict: PortHolderInfo | null }).port_conflict;
  }

  /** Asks the server to stop every managed process and exit. */
  async shutdown(): Promise<void> {
    const response = await this.#request("POST", "/api/shutdown", {});
    if (!response.ok) throw await errorFrom(response);
    await response.body?.cancel();
  }

  async #tool<T>(name: string, args: unknown): Promise<T> {
    const response = await this.#request("POST", `/api/tools/${name}`, args);
    if (!response.ok) throw await errorFrom(response);
    return await response.json() as T;
  }

  async #request(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        signal,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          // What the server records as who started a process.
          "x-persistproc-client": "cli",
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ServerUnreachableError(this.port, { cause: error });
    }
  }
}

/** Turns an error response into a `HubError`, also when the body is not the API's shape. */
async function errorFrom(response: Response): Promise<HubError> {
  const text = await response.text().catch(() => "");
  try {
    const { error } = JSON.parse(text) as {
      error: { code: string; message: string; pid?: number };
    };
    if (typeof error?.code === "string" && typeof error.message === "string") {
      return new HubError(error.code, error.message, response.status, error.pid);
    }
  } catch {
    // Not JSON: fall through to a generic error naming the status.
  }
  const detail = text.trim().slice(0, 200) || response.statusText;
  return new HubError(
    "http_error",
    `Server answered ${response.status}: ${detail}`,
    response.status,
  );
}

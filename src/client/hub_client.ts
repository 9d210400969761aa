/**
 * A typed client for a running persistproc server's HTTP API. It is a Hub (src/core/hub.ts)
 * like the server's Supervisor: each verb is one call to the server's hub, the waits included,
 * so the CLI never supervises anything itself.
 */
import type {
  EventFeed,
  EventFeedRecord,
  Following,
  FollowingRecord,
  Hub,
  ListedProcess,
  PortHolderInfo,
  ProcessEvent,
  ProcessFilter,
  ProcessInfo,
  ProcessTarget,
  RestartOptions,
  RestartResult,
  StartRequest,
  StartResult,
  StopOptions,
  StopResult,
  WaitOptions,
} from "../core/mod.ts";
import type { EventQuery, HubEvent } from "../core/events/mod.ts";
import type { OutputWaitRequest, WaitedOutputPage } from "../core/output/mod.ts";
import type { AdoptRequest, AdoptResult } from "../core/adopt/mod.ts";
import { HubError, ServerUnreachableError } from "./client_errors.ts";
import {
  call,
  errorFrom,
  errorFromAnswer,
  type HubClientOptions,
  isOk,
  originOf,
  request,
} from "./server_connection.ts";

/**
 * Talks to one persistproc server. API refusals become `HubError`s carrying the server's
 * code; failing to connect at all becomes a `ServerUnreachableError`.
 */
export class HubClient implements Hub {
  /** Where the server listens, and the token sent to it (see serverHealth). */
  readonly server: Readonly<HubClientOptions>;
  /** The port this client talks to. */
  readonly port: number;
  /** The server's origin, e.g. `http://127.0.0.1:8947`. */
  readonly baseUrl: string;

  constructor(options: HubClientOptions) {
    this.server = { ...options };
    this.port = options.port;
    this.baseUrl = originOf(options);
  }

  /**
   * Starts a command on the server (the server records this client as who started it), and
   * waits as asked. Aborting `wait.signal` gives up waiting here; the server's wait ends at its
   * own timeout. Progress is not reported over HTTP.
   */
  start(request: StartRequest, wait: WaitOptions = {}): Promise<StartResult> {
    return this.#post("/api/hub/start", request, wait.signal);
  }

  /** Stops a process's whole tree; says which of its ports are free now. */
  stop(target: ProcessTarget, options: StopOptions = {}): Promise<StopResult> {
    return this.#post("/api/hub/stop", { ...targetOf(target), force: options.force });
  }

  /**
   * Stops the process if it runs and starts it again; says which ports the old run freed, and
   * waits as asked (as start does).
   */
  restart(
    target: ProcessTarget,
    options: RestartOptions = {},
    wait: WaitOptions = {},
  ): Promise<RestartResult> {
    const { force, by, wait_for_port, wait_for_log, wait_for_url, wait_timeout } = options;
    const conditions = { wait_for_port, wait_for_log, wait_for_url, wait_timeout };
    return this.#post(
      "/api/hub/restart",
      { ...targetOf(target), force, by, ...conditions },
      wait.signal,
    );
  }

  /** Every process matching the filter, oldest start first, with the ports each listens on. */
  list(filter: ProcessFilter = {}): Promise<ListedProcess[]> {
    return this.#post("/api/hub/list", {
      ...targetOf(filter),
      started_by: filter.started_by,
      status: filter.status,
    });
  }

  /** The one process the target names. */
  get(target: ProcessTarget): Promise<ProcessInfo> {
    return this.#post("/api/hub/get", targetOf(target));
  }

  /** Who holds the port the process reported in use (say, as it died), or null. */
  portConflict(target: ProcessTarget): Promise<PortHolderInfo | null> {
    return this.#post("/api/hub/port_conflict", targetOf(target));
  }

  /** Removes an ended process and its stored output; resolves with its last record. */
  forget(target: ProcessTarget): Promise<ProcessInfo> {
    return this.#post("/api/hub/forget", targetOf(target));
  }

  /** A page of a process's stored output, after a wait when one is asked for. */
  output(request: OutputWaitRequest, wait: WaitOptions = {}): Promise<WaitedOutputPage> {
    return this.#post("/api/hub/output", request, wait.signal);
  }

  /**
   * Subscribes to a process's events over one stream: resolves once the server has sent the
   * process and its backlog; live events then go to `listener` until `unsubscribe`, or until
   * the stream ends, when `ended` (if given) is called: with null when the server closed it
   * (it is shutting down), with the error when the connection broke. The events missed are in
   * the process's output.
   */
  async follow(
    target: ProcessTarget,
    backlogLines: number,
    listener: (event: ProcessEvent) => void,
    ended?: (error: unknown) => void,
  ): Promise<Following> {
    const leave = new AbortController();
    const records = this.#stream("/api/hub/follow", target, backlogLines, leave.signal);
    try {
      const { value } = await records.next();
      const head = value as FollowingRecord | undefined;
      if (head?.type !== "following") {
        throw new HubError("http_error", "The follow stream did not begin with its process", 502);
      }
      (async () => {
        for await (const event of records) listener(event as ProcessEvent);
      })().then(() => ended?.(null), (error) => leave.signal.aborted || ended?.(error));
      return { process: head.process, backlog: head.backlog, unsubscribe: () => leave.abort() };
    } catch (error) {
      leave.abort();
      throw error;
    }
  }

  /**
   * The server's event stream: resolves with the kept events the query asks for; with a
   * listener, later events go to it until `unsubscribe` or until the connection ends, when
   * `ended` (if given) is called; a reader resumes with `after: ` the last id it saw.
   */
  async events(
    query: EventQuery,
    listener?: (event: HubEvent) => void,
    ended?: (error: unknown) => void,
  ): Promise<EventFeed> {
    const leave = new AbortController();
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      params.set(
        name === "kinds" ? "kind" : name,
        Array.isArray(value) ? value.join(",") : String(value),
      );
    }
    if (listener) params.set("follow", "1");
    const records = this.#records(`/api/hub/events?${params}`, leave.signal);
    try {
      const { value } = await records.next();
      const head = value as EventFeedRecord | undefined;
      if (head?.type !== "events") {
        throw new HubError("http_error", "The event stream did not begin with its events", 502);
      }
      if (listener) {
        (async () => {
          for await (const event of records) listener(event as HubEvent);
        })().then(() => ended?.(null), (error) => leave.signal.aborted || ended?.(error));
      } else leave.abort();
      return { backlog: head.backlog, last_id: head.last_id, unsubscribe: () => leave.abort() };
    } catch (error) {
      leave.abort();
      throw error;
    }
  }

  /** Asks the server to stop every managed process and exit. */
  async shutdown(): Promise<void> {
    const response = await this.#request("POST", "/api/shutdown", {});
    if (!response.ok) throw await errorFrom(response);
    await response.body?.cancel();
  }

  /**
   * The plan for adopting a process started outside persistproc, or (with `confirm`) the
   * adoption carried out; the server records this client as who adopted it.
   */
  adopt(request: AdoptRequest, wait: WaitOptions = {}): Promise<AdoptResult> {
    return this.#post("/api/hub/adopt", request, wait.signal);
  }

  async #post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const answer = await call(this.server, "POST", path, body, signal);
    if (!isOk(answer)) throw errorFromAnswer(answer, path);
    return JSON.parse(answer.text) as T;
  }

  /** The records of an NDJSON stream; a broken connection is a ServerUnreachableError. */
  async *#stream(
    path: string,
    target: ProcessTarget,
    lines: number,
    signal?: AbortSignal,
  ): AsyncGenerator<unknown> {
    const query = new URLSearchParams({ lines: String(lines) });
    for (const [name, value] of Object.entries(targetOf(target))) {
      if (value !== undefined) query.set(name, String(value));
    }
    yield* this.#records(`${path}?${query}`, signal);
  }

  /** The records of the NDJSON stream at `path`; a broken connection: ServerUnreachableError. */
  async *#records(path: string, signal?: AbortSignal): AsyncGenerator<unknown> {
    const response = await this.#request("GET", path, undefined, signal);
    if (!response.ok) throw await errorFrom(response);
    if (response.body === null) return;
    // Loaded with the first stream: the one-shot calls (list, stop) need not.
    const { parseNdjson } = await import("./ndjson.ts");
    try {
      yield* parseNdjson(response.body);
    } catch (error) {
      if (signal?.aborted || error instanceof SyntaxError) throw error;
      throw new ServerUnreachableError(this.port, { cause: error });
    }
  }

  #request(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    return request(this.server, method, path, body, signal);
  }
}

/** Only the fields that name a process: the server refuses fields it does not know. */
function targetOf(target: ProcessTarget): ProcessTarget {
  const { pid, command_or_label, working_directory } = target;
  return { pid, command_or_label, working_directory };
}

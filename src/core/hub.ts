/**
 * The hub: the verbs every door calls on the core. The MCP tools, the HTTP API (and through it
 * the CLI and the page) take a Hub, never the Supervisor itself, so each door sees the same
 * operations: a door turns its arguments into one verb call and the verb's result into words.
 * The Supervisor implements it in the server; the HubClient (src/client/) implements it over
 * the HTTP API, and a contract test (tests/hub_contract_test.ts) holds both to the same
 * behaviour.
 */
import type { AdoptRequest, AdoptResult } from "./adopt/adopt_process.ts";
import type { PortHolderInfo } from "./errors.ts";
import type { EventQuery, HubEvent } from "./events/event.ts";
import type { OutputWaitRequest, WaitedOutputPage } from "./output/output_wait.ts";
import type { z } from "zod";
import type { restartOptionsSchema, stopOptionsSchema } from "./wire/requests.ts";
import type { startResultSchema, stopResultSchema } from "./wire/results.ts";
import type {
  ListedProcess,
  ProcessEvent,
  ProcessFilter,
  ProcessInfo,
  ProcessTarget,
  StartRequest,
} from "./types.ts";

/** What a follower gets: the backlog read at subscription time, and the live feed after it. */
export interface Following {
  process: ProcessInfo;
  /** The newest stored lines (and run starts among them), as line events. */
  backlog: Extract<ProcessEvent, { type: "line" }>[];
  unsubscribe: () => void;
}

/**
 * What the first record of a hub's follow stream carries (over HTTP): what Hub.follow
 * resolves with, but unsubscribing, which a client does by leaving the stream.
 */
export interface FollowingRecord extends Omit<Following, "unsubscribe"> {
  type: "following";
}

/** How a stop (or the stop of a restart) is done. */
export type StopOptions = z.infer<typeof stopOptionsSchema>;

/**
 * What a reader of the event stream gets: the kept events its query asks for, and the live
 * ones after them (given to its listener, if any, until `unsubscribe`). Each event is in the
 * backlog or given to the listener, never both, never neither.
 */
export interface EventFeed {
  backlog: HubEvent[];
  /** The cursor of the newest event when the feed began (0 before the first). */
  last_id: number;
  unsubscribe: () => void;
}

/** What the first record of a hub's event stream carries (over HTTP): the feed, not unsubscribing. */
export interface EventFeedRecord extends Omit<EventFeed, "unsubscribe"> {
  type: "events";
}

/** How a restart is done: its stop, and what to wait for once it runs again. */
export type RestartOptions = z.infer<typeof restartOptionsSchema>;

/** How far a wait has got, reported about once a second. */
export interface WaitProgress {
  elapsed_ms: number;
  timeout_ms: number;
  /** What is still waited for, e.g. `["port 3000"]`. */
  pending: string[];
}

/**
 * What a caller gives a verb that may wait: a signal that ends the wait early when the caller
 * goes away (the verb then answers as at a timeout), and where to report progress.
 */
export interface WaitOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WaitProgress) => void;
}

/**
 * What a start or restart returns: the process after it, the ports its tree listens on, what
 * stopping an old run found of its ports, and how the wait ended (see wire/results.ts).
 */
export type StartResult = z.infer<typeof startResultSchema>;

/** What a stop returns: the process after it, and what the stop found of its ports. */
export type StopResult = z.infer<typeof stopResultSchema>;

/** What a restart returns: as a start (see StartResult). */
export type RestartResult = StartResult;

/** The operations on managed processes that the doors offer. */
export interface Hub {
  /**
   * Starts a command; by default refuses a label that is running (AlreadyRunningError), else
   * keeps or restarts it (`if_running`). Refuses a port to wait for that another process
   * holds, before spawning. With `assign_port`, passes it a free port; with `wait_for_*`,
   * resolves once it is ready, has exited, or the wait timed out.
   */
  start(request: StartRequest, wait?: WaitOptions): Promise<StartResult>;
  /** Stops a process's whole tree and says which of its ports are free now. */
  stop(target: ProcessTarget, options?: StopOptions): Promise<StopResult>;
  /**
   * Stops the process if it runs and starts it again as it was started; says, as stop does,
   * which ports the old run's tree freed or left held; waits as start does.
   */
  restart(
    target: ProcessTarget,
    options?: RestartOptions,
    wait?: WaitOptions,
  ): Promise<RestartResult>;
  /** Every process matching the filter, oldest start first, with the ports each listens on. */
  list(filter?: ProcessFilter): Promise<ListedProcess[]>;
  /** The one process the target names. */
  get(target: ProcessTarget): Promise<ProcessInfo>;
  /**
   * Who holds the port a process could not get, when its output since its latest start reports
   * an address in use (it died of it, say); null when it reports none or the port is free again.
   */
  portConflict(target: ProcessTarget): Promise<PortHolderInfo | null>;
  /**
   * A page of a process's stored output (newest lines, after a cursor, grep matches); with
   * `wait_for_log`/`wait_for_exit`, read once the line came, the process exited, or the wait
   * timed out.
   */
  output(request: OutputWaitRequest, wait?: WaitOptions): Promise<WaitedOutputPage>;
  /**
   * Subscribes to a process's events and reads its backlog in the same step: each line is
   * either in the backlog or given to the listener, never both, never neither. The listener
   * may be called before the promise resolves.
   */
  follow(
    target: ProcessTarget,
    backlogLines: number,
    listener: (event: ProcessEvent) => void,
  ): Promise<Following>;
  /**
   * The event stream (see src/core/events/): the kept events `query` asks for, and with a
   * `listener`, every later event that passes its filter.
   */
  events(query: EventQuery, listener?: (event: HubEvent) => void): Promise<EventFeed>;
  /**
   * Takes over a process started outside persistproc: says what it would do, and with
   * `confirm` (given once a person agreed) stops its tree and starts its command in its place,
   * waiting for the port it held.
   */
  adopt(request: AdoptRequest, wait?: WaitOptions): Promise<AdoptResult>;
  /** Removes an ended process from the registry, with its logs; refuses a running one. */
  forget(target: ProcessTarget): Promise<ProcessInfo>;
  /** Stops every process tree and refuses new work. */
  shutdown(): Promise<void>;
}

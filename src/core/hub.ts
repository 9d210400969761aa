/**
 * The hub: the verbs every door calls on the core. The MCP tools, the HTTP API (and through it
 * the CLI and the page) and the start-and-wait helpers take a Hub, never the Supervisor itself,
 * so each door sees the same operations. The Supervisor implements it in the server; the
 * HubClient (src/client/) implements it over the HTTP API, and a contract test
 * (tests/hub_contract_test.ts) holds both to the same behaviour.
 */
import type { EventQuery, HubEvent } from "./events/event.ts";
import type {
  ProcessEvent,
  ProcessFilter,
  ProcessInfo,
  ProcessTarget,
  RestartResult,
  StartRequest,
  StopReport,
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
export interface StopOptions {
  /** SIGKILL at once instead of SIGTERM and a grace. */
  force?: boolean;
  /** Who asks, as a restart's `restarted` event names them (a client's name, `cli`). */
  by?: string | null;
}

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

/** Where a start request would run: its label and real working directory. */
export interface Place {
  label: string;
  working_directory: string;
}

/** The operations on managed processes that the doors offer. */
export interface Hub {
  /** Starts a command; refuses a label that is running (AlreadyRunningError). */
  start(request: StartRequest): Promise<ProcessInfo>;
  /** Stops a process's whole tree and says which of its ports are free now. */
  stop(target: ProcessTarget, options?: StopOptions): Promise<ProcessInfo & StopReport>;
  /**
   * Stops the process if it runs and starts it again as it was started; says, as stop does,
   * which ports the old run's tree freed or left held.
   */
  restart(target: ProcessTarget, options?: StopOptions): Promise<RestartResult>;
  /** Every process matching the filter, oldest start first. */
  list(filter?: ProcessFilter): Promise<ProcessInfo[]>;
  /** The one process the target names. */
  get(target: ProcessTarget): Promise<ProcessInfo>;
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
  /** Records that a start's or restart's wait found the process ready: what was met. */
  noteReady(pid: number, met: string[]): Promise<void>;
  /** Removes an ended process from the registry, with its logs; refuses a running one. */
  forget(target: ProcessTarget): Promise<ProcessInfo>;
  /** The label and real directory a start request would get. */
  placeOf(request: StartRequest): Promise<Place>;
  /** The pids of a process's tree: the program and every descendant seen. */
  treeMembers(pid: number): Promise<number[]>;
  /** Stops every process tree and refuses new work. */
  shutdown(): Promise<void>;
}

/**
 * The tree members of each of `pids`, asked of the hub once each, as the synchronous lookup
 * that the port scans take.
 */
export async function treesOf(
  hub: Hub,
  pids: readonly number[],
): Promise<(pid: number) => number[]> {
  const members = new Map(
    await Promise.all(pids.map(async (pid) => [pid, await hub.treeMembers(pid)] as const)),
  );
  return (pid) => members.get(pid) ?? [];
}

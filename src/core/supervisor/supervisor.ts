/**
 * The supervisor: every operation the doors offer on managed processes (the Hub), over the
 * registry that keeps them (_registry.ts). The verbs that wait (start, restart, output) run in
 * ready/readiness.ts and output/output_wait.ts over its inside (supervision.ts); how a run
 * begins (a start's launch, a restart, an autorestart) is _launches.ts. It knows nothing of
 * MCP, HTTP or the CLI; they call it and translate its errors.
 */
import { join } from "node:path";
import type {
  EventFeed,
  Following,
  Hub,
  RestartOptions,
  RestartResult,
  StartResult,
  StopOptions,
  WaitOptions,
} from "../hub.ts";
import type { EventQuery, HubEvent } from "../events/event.ts";
import { HubEvents } from "../events/hub_events.ts";
import { type PortHolderInfo, ShuttingDownError } from "../errors.ts";
import { assertForgettable } from "./_retention.ts";
import { Autorestarter } from "../process/autorestart.ts";
import { backlogEvents } from "./backlog.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { Registry } from "./_registry.ts";
import { restoreRecords, type RestoreSummary } from "./_restore.ts";
import type {
  ListedProcess,
  ProcessEvent,
  ProcessFilter,
  ProcessInfo,
  ProcessTarget,
  StartRequest,
  StopReport,
} from "../types.ts";
import { TreeWatch } from "../process/tree_watch.ts";
import { continueAllNoted } from "../process/tree_pause.ts";
import { finishInterruptedRotation } from "../output/output_store.ts";
import { requestedSpec } from "./_new_process.ts";
import { withPorts } from "../ports/listeners.ts";
import { restartWhenReady, startWhenReady } from "../ready/readiness.ts";
import { portConflictOf } from "../ready/not_ready_report.ts";
import {
  type OutputWaitRequest,
  readOutputWaiting,
  type WaitedOutputPage,
} from "../output/output_wait.ts";
import type { Supervision } from "./supervision.ts";
import { adoptProcess, type AdoptRequest, type AdoptResult } from "../adopt/adopt_process.ts";
import { type SupervisorOptions, withDefaults } from "./supervisor_options.ts";
import { stopAndReport } from "./_stop_report.ts";
import { type Launching, launchSpec, relaunchEntry, restartEntry } from "./_launches.ts";
import { stopEveryTree } from "./_shutdown_trees.ts";

/** The hub in the server; see the module comment. */
export class Supervisor implements Hub {
  readonly #options: Required<SupervisorOptions>;
  readonly #autorestart: Autorestarter;
  readonly #registry: Registry;
  readonly #events: HubEvents;
  #shuttingDown = false;
  readonly #trees = new TreeWatch(
    () => this.#registry.entries.map((entry) => entry.tree),
    () => this.#registry.save(),
  );
  /** What starts, restarts and autorestarts work on (see _launches.ts). */
  readonly #launching: Launching;
  /** What the verbs that wait work on (see supervision.ts). */
  readonly #core: Supervision = {
    specOf: (request) => requestedSpec(request, this.#options),
    launch: (spec, autorestart) => launchSpec(this.#launching, spec, autorestart),
    restart: (entry, options) => restartEntry(this.#launching, entry, options),
    resolve: (target) => this.#registry.resolve(target),
    byLabel: (label) => this.#registry.byLabel(label),
    records: (filter) => this.#registry.list(filter),
    treeMembers: (pid) => this.treeMembers(pid),
    noteReady: (entry, met) => this.#events.ready(entry, met),
  };

  constructor(options: SupervisorOptions) {
    this.#options = withDefaults(options);
    const { dataDir, eventFloodLimit, maxAutorestarts } = this.#options;
    this.#events = new HubEvents(dataDir, eventFloodLimit, () => this.#registry.entries);
    this.#autorestart = new Autorestarter(
      () => this.#shuttingDown,
      (entry) => relaunchEntry(this.#launching, entry),
      (entry, decision) => this.#events.decided(entry, decision),
      maxAutorestarts,
    );
    this.#registry = new Registry(dataDir, this.#autorestart);
    this.#launching = {
      options: this.#options,
      registry: this.#registry,
      events: this.#events,
      autorestart: this.#autorestart,
      trees: this.#trees,
      shuttingDown: () => this.#shuttingDown,
      track: (entry) => this.#track(entry),
    };
  }

  /**
   * Loads the registry a previous server saved and adopts each process that still runs as the
   * same program (a reused pid is never adopted). Those gone meanwhile are recorded as ended.
   */
  restore(): RestoreSummary {
    // First, a rotation a server died in is finished while its writers are still paused, then
    // whatever that server left paused goes on (see tree_pause.ts).
    continueAllNoted(join(this.#options.dataDir, "logs"), finishInterruptedRotation);
    const summary = restoreRecords(
      this.#registry.load(),
      this.#options,
      this.#autorestart,
      (entry) => this.#track(this.#events.added(entry)),
      (entry) => this.#events.endedUnseen(entry),
    );
    this.#registry.save();
    this.#trees.watch();
    this.#events.restored(this.#registry.entries);
    return summary;
  }

  /** Starts a command, and waits as asked; see Hub.start and ready/readiness.ts. */
  start(request: StartRequest, wait?: WaitOptions): Promise<StartResult> {
    return Promise.try(() => {
      this.#assertOpen();
      return startWhenReady(this.#core, request, wait);
    });
  }

  /**
   * Stops a process tree, descendants that left its group included: SIGTERM, then SIGKILL
   * after the grace (`force`: SIGKILL at once). Then checks that each port the tree listened on
   * is free, and says which are and which are still held, by whom.
   */
  async stop(
    target: ProcessTarget,
    options: StopOptions = {},
  ): Promise<ProcessInfo & StopReport> {
    const entry = this.#registry.resolve(target);
    // Noted now: a restart already under way sees it and does not launch again.
    entry.requestStop();
    return await entry.enqueue(async () => {
      const waiting = entry.state === "backoff";
      this.#autorestart.cancel(entry);
      const { stopGraceMs: graceMs, killWaitMs } = this.#options;
      const stopOptions = { graceMs, killWaitMs, force: options.force };
      const report = await stopAndReport(entry, stopOptions, () => this.#registry.list());
      if (waiting) report.autorestart_cancelled = true;
      await entry.exited;
      // Saved before the caller is answered: a crash right after must not bring it back.
      this.#registry.flush();
      return { ...entry.info(), ...report };
    });
  }

  /**
   * Removes an ended process from the registry, with its stored output: what `list` keeps of
   * the last 50 ended processes, on request. A running one is refused (stop it first); one
   * waiting to be restarted by autorestart is not restarted.
   */
  async forget(target: ProcessTarget): Promise<ProcessInfo> {
    const entry = this.#registry.resolve(target);
    return await entry.enqueue(() => {
      assertForgettable(entry);
      const info = entry.info();
      this.#events.forgotten(entry);
      this.#registry.remove(entry);
      this.#registry.flush();
      return info;
    });
  }

  /**
   * The pids of a process's tree: the program and every descendant seen. Not a Hub verb: the
   * verbs that need it run inside; tests ask it what the tree watch saw.
   */
  treeMembers(pid: number): number[] {
    return this.#registry.byPid(pid)?.tree.pids ?? [];
  }

  /**
   * Stops the process if it runs, then starts it again with the same command, directory,
   * environment and label. Works on one that has exited or crashed.
   */
  restart(
    target: ProcessTarget,
    options?: RestartOptions,
    wait?: WaitOptions,
  ): Promise<RestartResult> {
    return Promise.try(() => {
      this.#assertOpen();
      return restartWhenReady(this.#core, target, options, wait);
    });
  }

  /**
   * Every process matching the filter (all when empty), oldest start first, each with the
   * ports its tree listens on (found in one scan for all of them).
   */
  list(filter: ProcessFilter = {}): Promise<ListedProcess[]> {
    return Promise.try(() =>
      withPorts(this.#registry.list(filter), (pid) => this.treeMembers(pid))
    );
  }

  /** Takes over a process started outside persistproc; see adopt/adopt_process.ts. */
  adopt(request: AdoptRequest, wait?: WaitOptions): Promise<AdoptResult> {
    return Promise.try(() => {
      this.#assertOpen();
      return adoptProcess(this.#core, request, wait);
    });
  }

  /** A page of a process's output, after a wait if asked; see output/output_wait.ts. */
  output(request: OutputWaitRequest, wait?: WaitOptions): Promise<WaitedOutputPage> {
    return Promise.try(() => readOutputWaiting(this.#core, request, wait));
  }

  /** The record of the one process the target names (see resolveTarget). */
  get(target: ProcessTarget): Promise<ProcessInfo> {
    return Promise.try(() => this.#registry.resolve(target).info());
  }

  /** Who holds the port the process's output says it could not get; see portConflictOf. */
  portConflict(target: ProcessTarget): Promise<PortHolderInfo | null> {
    return portConflictOf(this, target);
  }

  /**
   * Subscribes to a process's events and reads its combined backlog in the same step, so the
   * follower sees every line exactly once.
   */
  follow(
    target: ProcessTarget,
    backlogLines: number,
    listener: (event: ProcessEvent) => void,
  ): Promise<Following> {
    return Promise.try(() => {
      const entry = this.#registry.resolve(target);
      const unsubscribe = entry.subscribe(listener);
      try {
        const backlog = backlogEvents(entry.output.dir, backlogLines);
        return { process: entry.info(), backlog, unsubscribe };
      } catch (error) {
        unsubscribe();
        throw error;
      }
    });
  }

  /** The event stream: kept events, and later ones to a listener (see HubEvents.feed). */
  events(query: EventQuery, listener?: (event: HubEvent) => void): Promise<EventFeed> {
    return Promise.try(() => this.#events.feed(query, listener));
  }

  /**
   * Stops every process tree (graceful, then forced) and refuses new work. The trees are
   * stopped all at once and the state saved once at the end, so this ends within about
   * shutdownWithinMs however many there are, and however their stops fail.
   */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    this.#autorestart.cancelAll();
    this.#trees.stop();
    const { shutdownGraceMs: graceMs, killWaitMs } = this.#options;
    await stopEveryTree(this.#registry.entries, { graceMs, killWaitMs });
    this.#registry.flush();
    this.#events.close();
  }

  /**
   * How long shutdown() may take: the grace of SIGTERM, the wait after SIGKILL, and a second
   * for the rest (the save).
   */
  get shutdownWithinMs(): number {
    return this.#options.shutdownGraceMs + this.#options.killWaitMs + 1_500;
  }

  /** Registers an entry; whatever it does (output, a change of state) keeps its tree watched. */
  #track(entry: ManagedProcess): ManagedProcess {
    const stir = () => {
      this.#trees.stir();
      this.#events.stir();
    };
    entry.onOutput = stir;
    entry.onTransition(stir);
    return this.#registry.add(entry);
  }

  #assertOpen(): void {
    if (this.#shuttingDown) throw new ShuttingDownError();
  }
}

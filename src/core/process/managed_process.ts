/**
 * One supervised program: its runs (./process_run.ts), each spawned (./_spawn_program.ts) or
 * adopted after a server restart and watched to its end (./_run_end.ts), its life as the state
 * machine of ./lifecycle.ts says, and the events its followers (./_followers.ts) receive;
 * capturing its output is its ProcessOutput's business (its tree paused for a rotation by
 * ./_rotation_pause.ts). A restart relaunches the same entry, so its label, its log files and
 * its followers carry over to the new pid.
 *
 * The process owns its state: the fields are read-only from outside, every change goes through
 * its Lifecycle (one event per change), and operations on it are queued (see enqueue).
 */
import { PersistprocError, StateUnwritableError, StopFailedError } from "../errors.ts";
import { Followers } from "./_followers.ts";
import type { ProcessSpec } from "./process_spec.ts";
import { spawnProgram } from "./_spawn_program.ts";
import { whenGone } from "./_when_gone.ts";
import { type RunEnding, watchRunEnd } from "./_run_end.ts";
import { ProcessOutput } from "../output/process_output.ts";
import type { RunReason } from "../output/output_store.ts";
import { isGroupAlive } from "./group.ts";
import { Lifecycle, type LifeState, OperationQueue, type Transition } from "./lifecycle.ts";
import type { ProcessTree, TreeMember } from "./tree.ts";
import { adoptedRun, endRun, newRun, restoredRun, runInfo, type SavedRun } from "./process_run.ts";
import { refreshTree, stopTree, type TreeStopOptions, type TreeStopResult } from "./tree_stop.ts";
import { rotationPause } from "./_rotation_pause.ts";
import { newTreeMarker } from "./tree_marker.ts";
import { isSameProcess, processStartToken } from "../system/processes.ts";
import type { ProcessEvent, ProcessInfo, ProcessStatus } from "../types.ts";

/** How ManagedProcess.stop stops a run; `relaunch` tells followers a start will follow. */
export type RunStopOptions = TreeStopOptions & {
  relaunch?: boolean;
  /** The server's shutdown stops it: reported as `ended_by_shutdown` (see ProcessInfo). */
  shutdown?: boolean;
};

/** A managed program and its log; see the module comment. */
export class ManagedProcess {
  spec: ProcessSpec;
  /** Its output's capture and log. */
  readonly output: ProcessOutput;
  /** Called after every change of state, so the registry can be saved. */
  onChange: () => void = () => {};
  /** Called whenever output was stored (nothing decoded): the process is active. */
  onOutput: () => void = () => {};
  readonly #life = new Lifecycle();
  readonly #queue = new OperationQueue();
  #run = newRun(0, null);
  #outcome: Exclude<ProcessStatus, "running"> = "exited";
  #restarts = 0;
  #earlierPids: number[] = [];
  #stops = 0;
  /** Set by a restart while it stops the run it replaces, so followers learn a start follows. */
  #relaunching = false;
  /** Set while launch() records the new run itself, which must not be saved twice. */
  #recording = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #followers = new Followers();

  constructor(spec: ProcessSpec, logDir: string, logMaxBytes?: number) {
    this.spec = spec;
    this.output = new ProcessOutput(logDir, logMaxBytes, {
      stored: (stream, lines, time) => {
        this.onOutput();
        this.#followers.stored(stream, lines, time);
      },
      partial: (stream, text) => this.#followers.partial(stream, text),
      writersGone: () => this.#run.pid <= 1 || !isGroupAlive(this.#run.pid),
      pauseWriters: rotationPause(() => this.spec.label, logDir, () => this.#run.tree),
    });
    this.#life.onChange(() => {
      if (!this.#recording) this.onChange();
    });
  }

  get pid(): number {
    return this.#run.pid;
  }
  /**
   * The pids of its earlier runs, newest last (at most 20): a caller holding one from before
   * a restart still names this process.
   */
  get earlierPids(): number[] {
    return [...this.#earlierPids];
  }
  /** Identifies this pid's process against a later one reusing the pid. */
  get pidToken(): string | null {
    return this.#run.pidToken;
  }
  /** Where it is in its life (see ./lifecycle.ts). */
  get state(): LifeState {
    return this.#life.state;
  }
  /** What the doors report: running while it runs or is being stopped, else how it ended. */
  get status(): ProcessStatus {
    const state = this.#life.state;
    return state === "running" || state === "stopping" ? "running" : this.#outcome;
  }
  get startTime(): Date {
    return this.#run.startTime;
  }
  get endTime(): Date | null {
    return this.#run.endTime;
  }
  /** False when the run ended while it was not this server's child: how is unknown. */
  get exitKnown(): boolean {
    return this.#run.exitKnown;
  }
  get restarts(): number {
    return this.#restarts;
  }
  /** How many stops were asked for so far: a restart that sees it change does not relaunch. */
  get stops(): number {
    return this.#stops;
  }
  /**
   * Its whole tree as last seen: the program and every descendant, also those that left its
   * group. What outlives the program (background children) is stopped by a stop or shutdown.
   */
  get tree(): ProcessTree {
    return this.#run.tree;
  }
  /** Set while output left by a run that ended with no server watching is being stored. */
  get recovery(): Promise<void> | null {
    return this.output.recovery;
  }
  /** Resolves when the current run has ended and its output has been stored. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Adds a listener of state changes (one call per transition). */
  onTransition(listener: (transition: Transition) => void): () => void {
    return this.#life.onChange(listener);
  }

  /** Runs `operation` after every operation queued before it on this process. */
  enqueue<T>(operation: () => Promise<T> | T): Promise<T> {
    return this.#queue.run(operation);
  }

  /** Notes that a stop was asked for (see stops). */
  requestStop(): void {
    this.#stops++;
  }

  /** Takes back what a previous server saved, before anything else is done with the entry. */
  restoreRun(run: SavedRun): void {
    this.#run = restoredRun(run);
    this.#earlierPids = run.earlierPids;
    this.#restarts = run.restarts;
    this.#outcome = run.status === "running" ? "exited" : run.status;
  }

  /**
   * Records that a run which was running when the last server died has ended meanwhile: when
   * and how cannot be known.
   */
  endedUnseen(): void {
    this.#run.endTime = new Date();
    this.#run.exitKnown = false;
    this.#outcome = "exited";
    this.onChange();
  }

  /**
   * Spawns the program (from `idle` or `backoff`); `reason` (default `start`) marks the run in
   * its output, and any other counts as a restart.
   * `record` must save the registry with this run in it: only then is the program let run
   * (see ./gated_spawn.ts); if it throws, the child is killed before it ran anything and the
   * error says so. Resolves once the program is let run. Throws CommandNotFoundError when the program
   * cannot be executed.
   */
  async launch(record: () => void, reason: RunReason = "start"): Promise<void> {
    if (!this.#life.can("running")) {
      throw new PersistprocError("busy", `"${this.spec.label}" is ${this.#life.state}`);
    }
    const marker = newTreeMarker();
    const { spawned, piped } = spawnProgram(this.spec, this.output, reason, marker);
    const { child } = spawned;
    if (this.#run.pid > 1) this.#earlierPids = [...this.#earlierPids, this.#run.pid].slice(-20);
    this.#run = newRun(child.pid, processStartToken(child.pid), marker);
    if (reason !== "start") this.#restarts++;
    const status = child.status.then((s) => ({ ...s, signal: s.signal ?? null }));
    this.#exited = this.#watch(
      this.output.capture(status, piped ? [child.stdout, child.stderr] : undefined),
      status,
    );
    try {
      this.#recording = true;
      this.#life.to("running");
      record();
    } catch (error) {
      spawned.abort();
      throw new StateUnwritableError(this.spec.label, { cause: error });
    } finally {
      this.#recording = false;
    }
    // Resolves once the program is let run: a caller told "started" may kill the server at once.
    await spawned.open();
  }

  /**
   * Takes over a process a previous server started, if it still runs and its pid was not reused;
   * returns whether it did. Its exit code cannot be known (it is not our child).
   */
  adopt(pid: number, token: string | null, members: readonly TreeMember[] = []): boolean {
    if (!ProcessOutput.resumable || token === null || !isSameProcess(pid, token)) {
      return false;
    }
    this.#run = adoptedRun(this.#run, pid, token, members);
    const gone = whenGone(pid, token);
    this.#exited = this.#watch(
      this.output.resume(gone),
      gone.then(() => ({ success: true, code: null, signal: null })),
    );
    this.#life.to("running");
    return true;
  }

  /**
   * Stores what a process that ended while no server ran left in its spool; its record is not
   * changed (when and how it ended cannot be known).
   */
  recoverOutput(): Promise<void> {
    const recovery = this.output.recover();
    this.#exited = recovery.catch(() => {});
    return recovery;
  }

  /** Waits before another run: `idle` -> `backoff`. */
  enterBackoff(): void {
    this.#life.to("backoff");
  }

  /**
   * Ends a wait before another run: by default because a stop, a restart or a shutdown came,
   * so it is stopped; `failed` when the run it waited for could not be launched.
   */
  leaveBackoff(outcome: "stopped" | "failed" = "stopped"): void {
    if (this.#life.state !== "backoff") return;
    this.#outcome = outcome;
    this.#life.to("idle");
  }

  /**
   * Stops the whole tree (see stopTree), also what the program left running after it ended,
   * and resolves once the run has ended. `relaunch` tells followers a start will follow.
   * Throws StopFailedError, naming them, when members survive SIGKILL (a kill refused: EPERM).
   * Resolves with the signal that finished the job (null when nothing of the tree was alive).
   */
  async stop(options: RunStopOptions): Promise<TreeStopResult["signal"]> {
    this.leaveBackoff();
    const running = this.#life.state === "running";
    if (running) this.#life.to("stopping");
    if (running && options.shutdown) this.#run.endedByShutdown = true;
    this.#relaunching = options.relaunch ?? false;
    try {
      const { signal, survivors } = await stopTree(this.#run.tree, options);
      this.onChange();
      if (survivors.length > 0) throw new StopFailedError(this.spec.label, survivors);
      if (this.#life.state === "stopping") await this.#exited;
      return signal;
    } finally {
      this.#relaunching = false;
    }
  }

  /** The pids of the tree as it is now (the program first, if it runs). */
  treePids(): number[] {
    refreshTree(this.#run.tree);
    return this.#run.tree.pids;
  }

  /** Adds a follower; returns the function that removes it. */
  subscribe(listener: (event: ProcessEvent) => void): () => void {
    return this.#followers.subscribe(listener);
  }

  /** Tells followers something happened. */
  emit(event: ProcessEvent): void {
    this.#followers.emit(event);
  }

  /** The record the doors report. */
  info(): ProcessInfo {
    return runInfo(this.#run, this.spec, this.status, this.#restarts, this.output);
  }

  /** Waits for the run's end and its output (see watchRunEnd), then records how it ended. */
  #watch(output: Promise<void>, ended: Promise<RunEnding>): Promise<void> {
    return watchRunEnd(this.spec.label, this.#run.tree, output, ended, (ending) => {
      endRun(this.#run, ending);
      const stopped = this.#life.state === "stopping";
      this.#outcome = stopped ? "stopped" : ending.success ? "exited" : "failed";
      this.#life.to("idle");
      this.emit({ type: "exit", process: this.info(), restarting: this.#relaunching });
    });
  }
}

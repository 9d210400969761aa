/**
 * One supervised program: its spawn (or adoption after a server restart) and the events its
 * followers receive; capturing its output is its ProcessOutput's business. A restart relaunches the same
 * entry, so its label, its log files and its followers carry over to the new pid.
 */
import { CommandNotFoundError, StopFailedError } from "../errors.ts";
import { findExecutable } from "./executable.ts";
import { ProcessOutput } from "../output/process_output.ts";
import { logger } from "../logger.ts";
import { isGroupAlive } from "./group.ts";
import { ProcessTree, type TreeMember } from "./tree.ts";
import { refreshTree, stopTree } from "./tree_stop.ts";
import { isSameProcess, processStartToken } from "../system/processes.ts";
import type { ProcessEvent, ProcessInfo, ProcessStatus } from "../types.ts";

/** What is needed to (re)launch a process. */
export interface ProcessSpec {
  label: string;
  command_line: string;
  argv: string[];
  working_directory: string;
  /** The process's whole environment, computed at its start and reused by every restart. */
  environment: Record<string, string>;
  /** Who started it (see ProcessInfo.started_by). */
  started_by: string | null;
  /** The port assigned to it and the variable passing it, or null. */
  assigned_port: { variable: string; port: number } | null;
}

/** How often an adopted process (not our child, so no exit notice) is checked for life. */
const ADOPTED_POLL_MS = 250;

/** A managed program and its log; see the module comment. */
export class ManagedProcess {
  spec: ProcessSpec;
  /** Its output's capture and log. */
  readonly output: ProcessOutput;
  pid = 0;
  /** Identifies this pid's process against a later one reusing the pid. */
  pidToken: string | null = null;
  status: ProcessStatus = "running";
  startTime = new Date();
  endTime: Date | null = null;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  restarts = 0;
  /** Set while a restart is between its stop and its launch. */
  restarting = false;
  /** Set when a stop arrives during a restart: the restart then does not launch again. */
  cancelRelaunch = false;
  /**
   * Its whole tree as last seen: the program and every descendant, also those that left its
   * group. What outlives the program (background children) is stopped by a stop or shutdown.
   */
  tree: ProcessTree = new ProcessTree(0, null);
  /** Called after every change of state, so the registry can be saved. */
  onChange: () => void = () => {};
  #stopRequested = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(event: ProcessEvent) => void>();

  constructor(spec: ProcessSpec, logDir: string, logMaxBytes?: number) {
    this.spec = spec;
    this.output = new ProcessOutput(logDir, logMaxBytes, {
      stored: (stream, lines, time) => this.#stored(stream, lines, time),
      writersGone: () => this.pid <= 1 || !isGroupAlive(this.pid),
    });
  }

  /** Set while output left by a run that ended with no server watching is being stored. */
  get recovery(): Promise<void> | null {
    return this.output.recovery;
  }

  /** Spawns the program; throws CommandNotFoundError when it cannot be executed. */
  launch(): void {
    const program = this.spec.argv[0];
    const env = this.spec.environment;
    if (!findExecutable(program, this.spec.working_directory, env)) {
      throw new CommandNotFoundError(
        `Cannot run "${program}": command not found or not executable (working directory ${this.spec.working_directory})`,
      );
    }
    const plan = this.output.prepare(this.spec.argv, this.restarting ? "restart" : "start");
    const argv = plan.argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: this.spec.working_directory,
        env,
        clearEnv: true,
        stdin: "null",
        stdout: plan.piped ? "piped" : "null",
        stderr: plan.piped ? "piped" : "null",
        detached: true, // own session and process group, so the whole tree can be signalled
      }).spawn();
    } catch (error) {
      this.output.abandon();
      throw new CommandNotFoundError(`Cannot run "${program}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.pid = child.pid;
    this.pidToken = processStartToken(child.pid);
    this.tree = new ProcessTree(child.pid, this.pidToken);
    this.#reset();
    const status = child.status.then((s) => ({ ...s, signal: s.signal ?? null }));
    this.#exited = this.#watch(
      this.output.capture(status, plan.piped ? [child.stdout, child.stderr] : undefined),
      status,
    );
    this.onChange();
  }

  /**
   * Takes over a process a previous server started, if it still runs and its pid was not reused;
   * returns whether it did. Its exit code cannot be known (it is not our child).
   */
  adopt(pid: number, token: string | null, members: readonly TreeMember[] = []): boolean {
    if (!ProcessOutput.resumable || token === null || !isSameProcess(pid, token)) {
      return false;
    }
    this.pid = pid;
    this.pidToken = token;
    this.tree = new ProcessTree(pid, token, members);
    this.status = "running";
    this.#stopRequested = false;
    const gone = this.#whenGone(pid, token);
    this.#exited = this.#watch(
      this.output.resume(gone),
      gone.then(() => ({ success: true, code: null, signal: null })),
    );
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

  /** Resolves when the current run has ended and its output has been stored. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /**
   * Stops the whole tree (see stopTree), also what the program left running after it ended,
   * and resolves once the run has ended. Throws StopFailedError, naming them, when members
   * survive SIGKILL (a kill refused with EPERM).
   */
  async stop(options: { graceMs: number; force?: boolean }): Promise<void> {
    const running = this.status === "running";
    if (running) this.#stopRequested = true;
    const { survivors } = await stopTree(this.tree, options);
    this.onChange();
    if (survivors.length > 0) throw new StopFailedError(this.spec.label, survivors);
    if (running) await this.#exited;
  }

  /** The pids of the tree as it is now (the program first, if it runs). */
  treePids(): number[] {
    refreshTree(this.tree);
    return this.tree.pids;
  }

  /** Adds a follower; returns the function that removes it. */
  subscribe(listener: (event: ProcessEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells followers something happened. */
  emit(event: ProcessEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** The record the doors report. */
  info(): ProcessInfo {
    const { error, warning } = this.output;
    return {
      pid: this.pid,
      label: this.spec.label,
      command_line: this.spec.command_line,
      command: this.spec.argv,
      working_directory: this.spec.working_directory,
      status: this.status,
      start_time: this.startTime.toISOString(),
      end_time: this.endTime?.toISOString() ?? null,
      exit_code: this.exitCode,
      exit_signal: this.exitSignal,
      restarts: this.restarts,
      started_by: this.spec.started_by,
      assigned_port: this.spec.assigned_port?.port ?? null,
      log_dir: this.output.dir,
      ...(error ? { log_error: error } : {}),
      ...(warning ? { log_warning: warning } : {}),
    };
  }

  #reset(): void {
    this.status = "running";
    this.startTime = new Date();
    this.endTime = null;
    this.exitCode = null;
    this.exitSignal = null;
    this.#stopRequested = false;
  }

  async #whenGone(pid: number, token: string): Promise<void> {
    while (isSameProcess(pid, token)) {
      await new Promise((resolve) => setTimeout(resolve, ADOPTED_POLL_MS));
    }
  }

  /** Tells followers of lines just stored. */
  #stored(stream: "stdout" | "stderr", lines: () => string[], time: Date): void {
    if (this.#listeners.size === 0) return;
    const iso = time.toISOString();
    for (const text of lines()) this.emit({ type: "line", stream, time: iso, text });
  }

  /** Waits for the program's end and its output, then records how it ended. */
  async #watch(
    output: Promise<void>,
    ended: Promise<{ success: boolean; code: number | null; signal: string | null }>,
  ): Promise<void> {
    const status = await ended;
    // What it left in its group: the group is still ours, since the program has only just ended.
    refreshTree(this.tree, true);
    await output.catch((error) =>
      logger.error(`Reading the output of "${this.spec.label}"`, error)
    );
    this.endTime = new Date();
    this.exitCode = status.code;
    this.exitSignal = status.signal;
    this.status = this.#stopRequested ? "stopped" : status.success ? "exited" : "failed";
    this.onChange();
    this.emit({ type: "exit", process: this.info(), restarting: this.restarting });
  }
}

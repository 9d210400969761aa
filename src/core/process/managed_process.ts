/**
 * One supervised program: its spawn (or adoption after a server restart), the pumps that copy
 * its output into its log, and the events its followers receive. A restart relaunches the same
 * entry, so its label, its log files and its followers carry over to the new pid.
 */
import { CommandNotFoundError } from "../errors.ts";
import { findExecutable } from "./executable.ts";
import { LineSplitter } from "../output/line_splitter.ts";
import { ProcessLog } from "../output/log_store.ts";
import {
  createSpool,
  loadPosition,
  SPOOL_SUPPORTED,
  type SpoolPaths,
  spoolPaths,
  type SpoolPosition,
  wrapWithSpool,
} from "../output/spool.ts";
import { tailSpool } from "../output/spool_tail.ts";
import { logger } from "../logger.ts";
import { isGroupAlive, stopGroup } from "./group.ts";
import { processStartToken } from "./identity.ts";
import type { ProcessEvent, ProcessInfo, ProcessStatus } from "../types.ts";

/** What is needed to (re)launch a process. */
export interface ProcessSpec {
  label: string;
  command_line: string;
  argv: string[];
  working_directory: string;
  /** The caller's overrides on top of the server's environment. */
  environment: Record<string, string>;
}

/** After the program itself exits, how long its pipes may stay silent before the exit is told. */
const DRAIN_QUIET_MS = 100;
/** How often an adopted process (not our child, so no exit notice) is checked for life. */
const ADOPTED_POLL_MS = 250;

/** A managed program and its log; see the module comment. */
export class ManagedProcess {
  spec: ProcessSpec;
  readonly log: ProcessLog;
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
  /** Set while output left by a run that ended with no server watching is being stored. */
  recovery: Promise<void> | null = null;
  /**
   * Set when the program ended but members of its process group (background children) were
   * still alive: a stop or shutdown then signals the group.
   */
  lingering = false;
  /** Called after every change of state, so the registry can be saved. */
  onChange: () => void = () => {};
  #stopRequested = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(event: ProcessEvent) => void>();

  constructor(spec: ProcessSpec, logDir: string, logMaxBytes?: number) {
    this.spec = spec;
    this.log = new ProcessLog(logDir, logMaxBytes);
  }

  /** Spawns the program; throws CommandNotFoundError when it cannot be executed. */
  launch(): void {
    const program = this.spec.argv[0];
    const env = { ...Deno.env.toObject(), ...this.spec.environment };
    if (!findExecutable(program, this.spec.working_directory, env)) {
      throw new CommandNotFoundError(
        `Cannot run "${program}": command not found or not executable (working directory ${this.spec.working_directory})`,
      );
    }
    const spool = SPOOL_SUPPORTED ? createSpool(this.log.dir) : null;
    const argv = spool ? wrapWithSpool(this.spec.argv, spool) : this.spec.argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: this.spec.working_directory,
        env: this.spec.environment,
        stdin: "null",
        stdout: spool ? "null" : "piped",
        stderr: spool ? "null" : "piped",
        detached: true, // own session and process group, so the whole tree can be signalled
      }).spawn();
    } catch (error) {
      throw new CommandNotFoundError(`Cannot run "${program}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.pid = child.pid;
    this.pidToken = processStartToken(child.pid);
    this.#reset();
    const status = child.status.then((s) => ({ ...s, signal: s.signal ?? null }));
    this.#exited = this.#watch(
      spool
        ? this.#tail(spool, { stdout: 0, stderr: 0 }, status)
        : this.#pump([child.stdout, child.stderr], status),
      status,
    );
    this.onChange();
  }

  /**
   * Takes over a process a previous server started, if it still runs and its pid was not reused;
   * returns whether it did. Its exit code cannot be known (it is not our child).
   */
  adopt(pid: number, token: string | null): boolean {
    if (!SPOOL_SUPPORTED || token === null || processStartToken(pid) !== token) return false;
    this.pid = pid;
    this.pidToken = token;
    this.status = "running";
    this.#stopRequested = false;
    const spool = spoolPaths(this.log.dir);
    const gone = this.#whenGone(pid, token);
    this.#exited = this.#watch(
      this.#tail(spool, loadPosition(spool.position), gone),
      gone.then(() => ({ success: true, code: null, signal: null })),
    );
    return true;
  }

  /**
   * Stores what a process that ended while no server ran left in its spool; its record is not
   * changed (when and how it ended cannot be known).
   */
  recoverOutput(): Promise<void> {
    if (!SPOOL_SUPPORTED) return Promise.resolve();
    const spool = spoolPaths(this.log.dir);
    // A relaunch waits for this (it would empty the spool being read).
    const recovery = this.#tail(spool, loadPosition(spool.position), Promise.resolve())
      .finally(() => this.recovery = null);
    this.recovery = recovery;
    this.#exited = recovery.catch(() => {});
    return recovery;
  }

  /** Resolves when the current run has ended and its output has been stored. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Stops the whole process tree (see stopGroup) and resolves once the run has ended. */
  async stop(options: { graceMs: number; force?: boolean }): Promise<void> {
    if (this.status !== "running") {
      // The program ended, but children it left in its group may live on: stop them too.
      // (Its pid cannot belong to another group while any member of this one is alive.)
      if (this.lingering && this.pid > 1 && isGroupAlive(this.pid)) {
        await stopGroup(this.pid, options);
      }
      this.lingering = false;
      return;
    }
    this.#stopRequested = true;
    await stopGroup(this.pid, options);
    await this.#exited;
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
    const paths = this.log.paths;
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
      log_stdout: paths.stdout,
      log_stderr: paths.stderr,
      log_combined: paths.combined,
    };
  }

  #reset(): void {
    this.lingering = false;
    this.status = "running";
    this.startTime = new Date();
    this.endTime = null;
    this.exitCode = null;
    this.exitSignal = null;
    this.#stopRequested = false;
  }

  async #whenGone(pid: number, token: string): Promise<void> {
    while (processStartToken(pid) === token) {
      await new Promise((resolve) => setTimeout(resolve, ADOPTED_POLL_MS));
    }
  }

  /** Stores a line batch of one stream and tells followers. */
  #store(stream: "stdout" | "stderr", lines: string[]): void {
    if (lines.length === 0) return;
    const time = new Date();
    this.log.append(stream, lines, time);
    if (this.#listeners.size === 0) return;
    const iso = time.toISOString();
    for (const text of lines) this.emit({ type: "line", stream, time: iso, text });
  }

  /** Follows the spool until the program has ended and its output is stored. */
  #tail(spool: SpoolPaths, from: SpoolPosition, ended: Promise<unknown>): Promise<void> {
    return tailSpool({
      paths: spool,
      from,
      ended,
      writersGone: () => this.pid <= 1 || !isGroupAlive(this.pid),
      store: (stream, lines) => this.#store(stream, lines),
    });
  }

  /**
   * Reads ordinary pipes (where there is no spool: Windows) until they close, or, once the
   * program has ended, until they have gone quiet (a leftover grandchild may hold them open).
   */
  async #pump(
    sources: readonly [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>],
    ended: Promise<unknown>,
  ): Promise<void> {
    let lastChunkAt = Date.now();
    const pump = async (stream: "stdout" | "stderr", source: ReadableStream<Uint8Array>) => {
      const splitter = new LineSplitter();
      for await (const chunk of source) {
        lastChunkAt = Date.now();
        this.#store(stream, splitter.push(chunk));
      }
      this.#store(stream, splitter.flush());
    };
    // A read fails only if the stream is torn down; the exit must still be recorded.
    const pumps = Promise.all([pump("stdout", sources[0]), pump("stderr", sources[1])])
      .catch(() => {});
    await ended;
    let drained = false;
    pumps.then(() => drained = true);
    lastChunkAt = Math.max(lastChunkAt, Date.now());
    while (!drained && Date.now() - lastChunkAt < DRAIN_QUIET_MS) {
      await Promise.race([pumps, new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 2))]);
    }
  }

  /** Waits for the program's end and its output, then records how it ended. */
  async #watch(
    output: Promise<void>,
    ended: Promise<{ success: boolean; code: number | null; signal: string | null }>,
  ): Promise<void> {
    const status = await ended;
    await output.catch((error) =>
      logger.error(`Reading the output of "${this.spec.label}"`, error)
    );
    this.lingering = this.pid > 1 && isGroupAlive(this.pid);
    this.endTime = new Date();
    this.exitCode = status.code;
    this.exitSignal = status.signal;
    this.status = this.#stopRequested ? "stopped" : status.success ? "exited" : "failed";
    this.onChange();
    this.emit({ type: "exit", process: this.info(), restarting: this.restarting });
  }
}

/**
 * One supervised program: its spawn, the pumps that copy its output into its log, and the
 * events its followers receive. A restart relaunches the same entry, so its label, its log
 * files and its followers carry over to the new pid.
 */
import { CommandNotFoundError } from "./errors.ts";
import { LineSplitter } from "./line_splitter.ts";
import { type LogPaths, ProcessLog } from "./log_store.ts";
import { stopGroup } from "./process_group.ts";
import type { ProcessEvent, ProcessInfo, ProcessStatus } from "./types.ts";

/** What is needed to (re)launch a process. */
export interface ProcessSpec {
  label: string;
  command_line: string;
  argv: string[];
  working_directory: string;
  environment: Record<string, string>;
}

/** After the program itself exits, how long its pipes may stay silent before the exit is told. */
const DRAIN_QUIET_MS = 100;

/** A managed program and its log; see the module comment. */
export class ManagedProcess {
  spec: ProcessSpec;
  readonly log: ProcessLog;
  pid = 0;
  status: ProcessStatus = "running";
  startTime = new Date();
  endTime: Date | null = null;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  restarts = 0;
  /** Set while a restart is between its stop and its launch. */
  restarting = false;
  #stopRequested = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(event: ProcessEvent) => void>();

  constructor(spec: ProcessSpec, logDir: string) {
    this.spec = spec;
    this.log = new ProcessLog(logDir);
  }

  /** Spawns the program; throws CommandNotFoundError when it cannot be executed. */
  launch(): void {
    const [program, ...args] = this.spec.argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program, {
        args,
        cwd: this.spec.working_directory,
        env: this.spec.environment,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true, // own session and process group, so the whole tree can be signalled
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
        throw new CommandNotFoundError(
          `Cannot run "${program}": ${
            error instanceof Deno.errors.NotFound ? "command not found" : "permission denied"
          } (working directory ${this.spec.working_directory})`,
          { cause: error },
        );
      }
      throw error;
    }
    this.pid = child.pid;
    this.status = "running";
    this.startTime = new Date();
    this.endTime = null;
    this.exitCode = null;
    this.exitSignal = null;
    this.#stopRequested = false;
    this.#exited = this.#watch(child);
  }

  /** Resolves when the current run has ended and its output has been stored. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Stops the whole process tree (see stopGroup) and resolves once the run has ended. */
  async stop(options: { graceMs: number; force?: boolean }): Promise<void> {
    if (this.status !== "running") return;
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
    const paths: LogPaths = this.log.paths;
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

  async #watch(child: Deno.ChildProcess): Promise<void> {
    let lastChunkAt = Date.now();
    const pump = async (stream: "stdout" | "stderr", source: ReadableStream<Uint8Array>) => {
      const splitter = new LineSplitter();
      const store = (lines: string[]) => {
        if (lines.length === 0) return;
        const time = new Date();
        this.log.append(stream, lines, time);
        if (this.#listeners.size === 0) return;
        const iso = time.toISOString();
        for (const text of lines) this.emit({ type: "line", stream, time: iso, text });
      };
      for await (const chunk of source) {
        lastChunkAt = Date.now();
        store(splitter.push(chunk));
      }
      store(splitter.flush());
    };
    // A pipe read can fail only if the stream is torn down; the exit must still be recorded.
    const pumps = Promise.all([pump("stdout", child.stdout), pump("stderr", child.stderr)])
      .catch(() => {});
    const status = await child.status;
    // Output the program wrote just before exiting may still sit in the pipes. Wait for them
    // to close, or, if a leftover grandchild keeps them open, until they have gone quiet.
    let drained = false;
    pumps.then(() => drained = true);
    while (!drained && Date.now() - lastChunkAt < DRAIN_QUIET_MS) {
      await Promise.race([pumps, new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 2))]);
    }
    this.endTime = new Date();
    this.exitCode = status.code;
    this.exitSignal = status.signal ?? null;
    this.status = this.#stopRequested ? "stopped" : status.success ? "exited" : "failed";
    this.emit({ type: "exit", process: this.info(), restarting: this.restarting });
  }
}

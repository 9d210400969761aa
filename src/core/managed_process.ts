/**
 * One supervised program: its spawn (or adoption after a server restart), the pumps that copy
 * its output into its log, and the events its followers receive. A restart relaunches the same
 * entry, so its label, its log files and its followers carry over to the new pid.
 */
import { CommandNotFoundError } from "./errors.ts";
import { findExecutable } from "./executable.ts";
import { LineSplitter } from "./line_splitter.ts";
import { ProcessLog } from "./log_store.ts";
import {
  createFifos,
  END_MARK,
  type FifoPaths,
  FIFOS_SUPPORTED,
  openFifoReader,
  sendEndMark,
  wrapWithFifos,
} from "./output_fifos.ts";
import { stopGroup } from "./process_group.ts";
import { processStartToken } from "./process_identity.ts";
import type { ProcessEvent, ProcessInfo, ProcessStatus } from "./types.ts";

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
    const fifos = FIFOS_SUPPORTED ? createFifos(this.log.dir) : null;
    // Open before spawning: the pipe then outlives a program that writes and exits at once.
    const readers = fifos && [openFifoReader(fifos.stdout), openFifoReader(fifos.stderr)];
    const argv = fifos ? wrapWithFifos(this.spec.argv, fifos) : this.spec.argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: this.spec.working_directory,
        env: this.spec.environment,
        stdin: "null",
        stdout: fifos ? "null" : "piped",
        stderr: fifos ? "null" : "piped",
        detached: true, // own session and process group, so the whole tree can be signalled
      }).spawn();
    } catch (error) {
      for (const reader of readers ?? []) reader.close();
      throw new CommandNotFoundError(`Cannot run "${program}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.pid = child.pid;
    this.pidToken = processStartToken(child.pid);
    this.#reset();
    const streams = readers
      ? [readChunks(readers[0]), readChunks(readers[1])] as const
      : [child.stdout, child.stderr] as const;
    this.#exited = this.#watch(
      streams,
      child.status.then((s) => ({ ...s, signal: s.signal ?? null })),
      fifos,
    );
    this.onChange();
  }

  /**
   * Takes over a process a previous server started, if it still runs and its pid was not reused;
   * returns whether it did. Its exit code cannot be known (it is not our child).
   */
  adopt(pid: number, token: string | null): boolean {
    if (!FIFOS_SUPPORTED || token === null || processStartToken(pid) !== token) return false;
    this.pid = pid;
    this.pidToken = token;
    this.status = "running";
    this.#stopRequested = false;
    const fifos = { stdout: `${this.log.dir}/stdout.fifo`, stderr: `${this.log.dir}/stderr.fifo` };
    let readers: Deno.FsFile[];
    try {
      readers = [openFifoReader(fifos.stdout), openFifoReader(fifos.stderr)];
    } catch {
      return false; // its FIFOs are gone: its output cannot be followed
    }
    this.#exited = this.#watch(
      [readChunks(readers[0]), readChunks(readers[1])],
      this.#whenGone(pid, token).then(() => ({ success: true, code: null, signal: null })),
      fifos,
    );
    return true;
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

  async #watch(
    streams: readonly [AsyncIterable<Uint8Array>, AsyncIterable<Uint8Array>],
    ended: Promise<{ success: boolean; code: number | null; signal: string | null }>,
    fifos: FifoPaths | null,
  ): Promise<void> {
    let lastChunkAt = Date.now();
    const pump = async (stream: "stdout" | "stderr", source: AsyncIterable<Uint8Array>) => {
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
        const lines = splitter.push(chunk);
        const end = lines.findIndex((line) => line.endsWith(END_MARK));
        if (end === -1) {
          store(lines);
          continue;
        }
        // Everything before the mark is the program's; a partial last line is kept.
        const last = lines[end].slice(0, -END_MARK.length);
        store(last === "" ? lines.slice(0, end) : [...lines.slice(0, end), last]);
        return; // leaving the loop cancels the stream, which closes the reader
      }
      store(splitter.flush());
    };
    // A read fails only if the stream is torn down; the exit must still be recorded.
    const pumps = Promise.all([pump("stdout", streams[0]), pump("stderr", streams[1])])
      .catch(() => {});
    const status = await ended;
    // Output written just before the exit may still sit in the pipes: wait until they close,
    // or have gone quiet (a leftover grandchild may hold them), then end FIFO readers with the
    // end mark, which comes after everything written so far.
    let drained = false;
    pumps.then(() => drained = true);
    lastChunkAt = Math.max(lastChunkAt, Date.now());
    while (!drained && Date.now() - lastChunkAt < DRAIN_QUIET_MS) {
      await Promise.race([pumps, new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 2))]);
    }
    if (fifos && !drained) {
      sendEndMark(fifos.stdout);
      sendEndMark(fifos.stderr);
      await pumps;
    }
    this.endTime = new Date();
    this.exitCode = status.code;
    this.exitSignal = status.signal;
    this.status = this.#stopRequested ? "stopped" : status.success ? "exited" : "failed";
    this.onChange();
    this.emit({ type: "exit", process: this.info(), restarting: this.restarting });
  }
}

/**
 * Reads a file in chunks through one reused buffer. A stream would allocate a fresh 64 KiB
 * buffer per read, however little it returns; under a flood of small writes that garbage kept
 * the server's resident size far above its live data. Each chunk is only valid until the next
 * one is asked for, which suits the pump: it stores every chunk before reading on. Leaving the
 * loop early closes the file.
 */
async function* readChunks(file: Deno.FsFile): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await file.read(buffer);
      if (n === null) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    try {
      file.close();
    } catch { /* already closed */ }
  }
}
